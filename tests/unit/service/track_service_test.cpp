// TrackService over SQLite, local media and the memory cache: the cached list and its ETag,
// pages and search, lookups, signed URLs and delete.
#include "service/track_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/memory_cache.hpp"
#include "media/local_media_store.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"
#include "support/api_error.hpp"
#include "support/metrics.hpp"
#include "support/signed_url.hpp"
#include "support/time_format.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using test::run_coroutine;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr const char* kSecret = "service-test-secret";

// Forwards to a real store; list_tracks first runs a hook, once, when one is set.
class HookedStore final : public MetadataStore {
 public:
  explicit HookedStore(MetadataStore& inner) : inner_(inner) {}

  std::function<void()> before_next_list;

  void ping() override { inner_.ping(); }
  std::optional<UserRecord> find_user_by_id(std::string_view id) override {
    return inner_.find_user_by_id(id);
  }
  std::optional<UserRecord> find_user_by_email(std::string_view email) override {
    return inner_.find_user_by_email(email);
  }
  bool insert_user(const UserRecord& user) override { return inner_.insert_user(user); }
  std::vector<UserRecord> list_users() override { return inner_.list_users(); }
  bool delete_user(std::string_view id) override { return inner_.delete_user(id); }
  void update_password_hash(std::string_view id, std::string_view hash,
                            std::int64_t updated_at_ms) override {
    inner_.update_password_hash(id, hash, updated_at_ms);
  }
  void insert_track(const TrackRecord& track) override { inner_.insert_track(track); }
  bool insert_track_if_new(const TrackRecord& track) override {
    return inner_.insert_track_if_new(track);
  }
  bool has_content_hash(std::string_view content_hash) override {
    return inner_.has_content_hash(content_hash);
  }
  std::optional<TrackRecord> find_track(std::string_view id) override {
    return inner_.find_track(id);
  }
  std::vector<TrackRecord> list_tracks(const TrackQuery& query) override {
    if (auto hook = std::exchange(before_next_list, nullptr)) hook();
    return inner_.list_tracks(query);
  }
  std::optional<TrackRecord> delete_track(std::string_view id) override {
    return inner_.delete_track(id);
  }
  std::vector<AlbumRecord> list_albums(const AlbumQuery& query) override {
    return inner_.list_albums(query);
  }
  std::optional<AlbumRecord> find_album(std::string_view id) override {
    return inner_.find_album(id);
  }
  std::vector<ArtistRecord> list_artists(const ArtistQuery& query) override {
    return inner_.list_artists(query);
  }
  std::optional<ArtistRecord> find_artist(std::string_view id) override {
    return inner_.find_artist(id);
  }
  std::vector<TrackRecord> album_tracks(std::string_view album_id) override {
    return inner_.album_tracks(album_id);
  }
  std::vector<TrackRecord> artist_tracks(std::string_view artist_id) override {
    return inner_.artist_tracks(artist_id);
  }
  std::int64_t library_version() override { return inner_.library_version(); }
  ImportCounts import_batch(const std::vector<UserRecord>& users,
                            const std::vector<TrackRecord>& tracks) override {
    return inner_.import_batch(users, tracks);
  }

 private:
  MetadataStore& inner_;
};

// Forwards to a real cache; set and set_unless_removed first run a hook, once, when one is
// set.
class HookedCache final : public Cache {
 public:
  explicit HookedCache(Cache& inner) : inner_(inner) {}

  std::function<void()> before_next_set;

  boost::asio::awaitable<std::shared_ptr<const std::string>> get(std::string_view key) override {
    co_return co_await inner_.get(key);
  }
  boost::asio::awaitable<void> set(std::string_view key, std::shared_ptr<const std::string> value,
                                   std::chrono::seconds ttl) override {
    if (auto hook = std::exchange(before_next_set, nullptr)) hook();
    co_await inner_.set(key, std::move(value), ttl);
  }
  boost::asio::awaitable<void> remove(std::string_view key) override {
    co_await inner_.remove(key);
  }
  boost::asio::awaitable<std::optional<std::string>> removal_stamp(std::string_view key) override {
    co_return co_await inner_.removal_stamp(key);
  }
  boost::asio::awaitable<void> set_unless_removed(std::string_view key,
                                                  std::shared_ptr<const std::string> value,
                                                  std::chrono::seconds ttl,
                                                  std::string stamp) override {
    if (auto hook = std::exchange(before_next_set, nullptr)) hook();
    co_await inner_.set_unless_removed(key, std::move(value), ttl, std::move(stamp));
  }

 private:
  Cache& inner_;
};

std::string track_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "66a0b1c2d3e4f5a6b7c8%04x", n);
  return id;
}

std::string object_key(std::string_view prefix, unsigned n, std::string_view name) {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "5d1c7a2e-4b3f-4c8d-9e0a-%012x", n);
  return std::string(prefix) + "/" + uuid + "-" + std::string(name);
}

// The ids in a JSON array of tracks, in order.
std::vector<std::string> ids_in(std::string_view json_array) {
  std::vector<std::string> ids;
  const boost::json::value parsed = boost::json::parse(json_array);
  for (const auto& track : parsed.as_array()) {
    ids.emplace_back(track.as_object().at("_id").as_string());
  }
  return ids;
}

std::string text_of(const boost::json::value& v) {
  const auto& s = v.as_string();
  return std::string(s.data(), s.size());
}

std::string json_of(const TrackListBody& body) {
  return body.entry->substr(body.json_offset);
}

// The value of a query parameter in a URL, or "".
std::string query_value(std::string_view url, std::string_view name) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = url.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.substr(0, name.size()) == name && pair.size() > name.size() &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

std::pair<int, std::string> api_error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, "no ApiError"};
}

class TrackServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite_.emplace(dir_.path() / "volkrin.db");
    store_.emplace(*sqlite_);
    media_.emplace(dir_.path() / "media", kSecret);
    user_ = UserRecord{.id = "65f0a1b2c3d4e5f600000001",
                       .name = "Admin",
                       .email = "admin@example.com",
                       .password_hash = "$argon2id$hash",
                       .role = "admin",
                       .created_at_ms = 1000,
                       .updated_at_ms = 1000};
    ASSERT_TRUE(sqlite_->insert_user(user_));
    service_ = make_service("");
  }

  std::unique_ptr<TrackService> make_service(std::string public_base_url) {
    return std::make_unique<TrackService>(*store_, *media_, hooked_cache_,
                                          TrackSettings{std::move(public_base_url), {}});
  }

  // A row and both of its objects.
  TrackRecord add_track(unsigned n, std::int64_t created_at_ms, std::string title,
                        std::string artist = "Artist") {
    TrackRecord t;
    t.id = track_id(n);
    t.title = std::move(title);
    t.artist = std::move(artist);
    t.file_key = object_key("audio", n, "song.mp3");
    t.thumbnail_key = object_key("thumbnails", n, "cover.png");
    t.uploaded_by = user_.id;
    t.duration_ms = 2000;
    t.format = "mp3";
    t.created_at_ms = t.updated_at_ms = created_at_ms;
    for (const auto& [key, bytes] : {std::pair{t.file_key, std::string("ID3 audio bytes")},
                                     std::pair{t.thumbnail_key, std::string("PNG bytes")}}) {
      auto upload = media_->begin_upload(key);
      upload->write(bytes);
      upload->commit();
    }
    sqlite_->insert_track(t);
    return t;
  }

  bool object_exists(const std::string& key) { return media_->stat(key).has_value(); }

  test::TempDir dir_;
  std::optional<SqliteMetadataStore> sqlite_;
  std::optional<HookedStore> store_;
  std::optional<LocalMediaStore> media_;
  MemoryCache cache_;
  HookedCache hooked_cache_{cache_};
  UserRecord user_;
  std::unique_ptr<TrackService> service_;
};

TEST_F(TrackServiceTest, list_all_misses_once_then_serves_hits_from_the_same_cached_bytes) {
  add_track(1, 1000, "One");
  const auto hits = metrics().cache_hits.value();
  const auto misses = metrics().cache_misses.value();

  const TrackListBody first = run_coroutine(service_->list_all());
  EXPECT_EQ(metrics().cache_misses.value() - misses, 1u);
  EXPECT_EQ(metrics().cache_hits.value() - hits, 0u);
  EXPECT_THAT(ids_in(json_of(first)), ElementsAre(track_id(1)));

  const TrackListBody second = run_coroutine(service_->list_all());
  const TrackListBody third = run_coroutine(service_->list_all());
  EXPECT_EQ(metrics().cache_misses.value() - misses, 1u);
  EXPECT_EQ(metrics().cache_hits.value() - hits, 2u);
  EXPECT_EQ(second.entry.get(), first.entry.get()) << "a hit hands out the cached buffer";
  EXPECT_EQ(json_of(third), json_of(first));
}

TEST_F(TrackServiceTest, cached_list_is_served_until_invalidated) {
  add_track(1, 1000, "One");
  run_coroutine(service_->list_all());
  add_track(2, 2000, "Two");
  EXPECT_THAT(ids_in(json_of(run_coroutine(service_->list_all()))), ElementsAre(track_id(1)));
  run_coroutine(service_->invalidate_list());
  EXPECT_THAT(ids_in(json_of(run_coroutine(service_->list_all()))),
              ElementsAre(track_id(2), track_id(1)));
}

TEST_F(TrackServiceTest, list_all_json_is_newest_first_with_the_uploader_populated) {
  add_track(1, 1000, "Old");
  add_track(2, 3000, "New");
  add_track(3, 2000, "Middle");
  const auto list = boost::json::parse(json_of(run_coroutine(service_->list_all()))).as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(text_of(list[0].at("title")), "New");
  EXPECT_EQ(text_of(list[1].at("title")), "Middle");
  EXPECT_EQ(text_of(list[2].at("title")), "Old");
  EXPECT_EQ(text_of(list[0].at("uploadedBy").at("email")), "admin@example.com");
  EXPECT_EQ(text_of(list[0].at("audioUrl")), "/api/tracks/" + track_id(2) + "/audio");
}

TEST_F(TrackServiceTest, etag_is_quoted_hex_and_stable_across_hits) {
  add_track(1, 1000, "One");
  const TrackListBody miss = run_coroutine(service_->list_all());
  const TrackListBody hit = run_coroutine(service_->list_all());
  EXPECT_THAT(std::string(miss.etag()), MatchesRegex("\"[0-9a-f]{24}\""));
  EXPECT_EQ(hit.etag(), miss.etag());
}

TEST_F(TrackServiceTest, etag_follows_the_content_across_invalidations) {
  add_track(1, 1000, "One");
  const std::string before(run_coroutine(service_->list_all()).etag());

  run_coroutine(service_->invalidate_list());
  const std::string unchanged(run_coroutine(service_->list_all()).etag());
  EXPECT_EQ(unchanged, before) << "the same list keeps its ETag, so clients still get 304";

  add_track(2, 2000, "Two");
  run_coroutine(service_->invalidate_list());
  const std::string changed(run_coroutine(service_->list_all()).etag());
  EXPECT_NE(changed, before);
}

TEST_F(TrackServiceTest, list_read_before_an_invalidation_is_not_cached) {
  add_track(1, 1000, "One");
  // The invalidation lands while the list is being read from the database, as when a
  // delete finishes during a slow read.
  store_->before_next_list = [this] { run_coroutine(service_->invalidate_list()); };
  const auto misses = metrics().cache_misses.value();
  const TrackListBody raced = run_coroutine(service_->list_all());
  EXPECT_THAT(ids_in(json_of(raced)), ElementsAre(track_id(1)));
  EXPECT_EQ(cache_.entry_count(), 0u) << "a list older than the invalidation must not be kept";

  run_coroutine(service_->list_all());
  EXPECT_EQ(metrics().cache_misses.value() - misses, 2u);
  EXPECT_EQ(cache_.entry_count(), 1u);
}

TEST_F(TrackServiceTest, list_read_before_another_instances_invalidation_is_not_cached) {
  add_track(1, 1000, "One");
  // Another instance sharing the cache invalidates the list while this one reads it, as
  // after an upload there during a slow read here.
  const auto other_instance = make_service("");
  store_->before_next_list = [&other_instance] {
    run_coroutine(other_instance->invalidate_list());
  };
  run_coroutine(service_->list_all());
  EXPECT_EQ(cache_.entry_count(), 0u) << "a list older than the invalidation must not be kept";
  run_coroutine(service_->list_all());
  EXPECT_EQ(cache_.entry_count(), 1u);
}

TEST_F(TrackServiceTest, invalidation_landing_while_the_list_is_stored_still_drops_it) {
  add_track(1, 1000, "One");
  // The invalidation runs just before the cache write, as another I/O thread finishing a
  // delete can: its remove comes before the list is stored.
  hooked_cache_.before_next_set = [this] { run_coroutine(service_->invalidate_list()); };
  run_coroutine(service_->list_all());
  EXPECT_EQ(cache_.entry_count(), 0u) << "a list older than the invalidation must not be kept";
  run_coroutine(service_->list_all());
  EXPECT_EQ(cache_.entry_count(), 1u);
}

TEST_F(TrackServiceTest, removed_track_is_gone_from_the_next_list_all) {
  add_track(1, 1000, "One");
  add_track(2, 2000, "Two");
  ASSERT_THAT(ids_in(json_of(run_coroutine(service_->list_all()))),
              ElementsAre(track_id(2), track_id(1)));
  const std::string id = track_id(2);
  run_coroutine(service_->remove(id));
  EXPECT_THAT(ids_in(json_of(run_coroutine(service_->list_all()))), ElementsAre(track_id(1)));
}

TEST_F(TrackServiceTest, uploaded_counts_the_upload_and_drops_the_cached_list) {
  add_track(1, 1000, "One");
  run_coroutine(service_->list_all());
  const auto uploads = metrics().track_uploads.value();
  add_track(2, 2000, "Two");
  run_coroutine(service_->uploaded());
  EXPECT_EQ(metrics().track_uploads.value() - uploads, 1u);
  EXPECT_THAT(ids_in(json_of(run_coroutine(service_->list_all()))),
              ElementsAre(track_id(2), track_id(1)));
}

TEST_F(TrackServiceTest, list_page_applies_limit_and_offset_newest_first) {
  for (unsigned n = 1; n <= 5; ++n) add_track(n, 1000 * n, "Track " + std::to_string(n));
  EXPECT_THAT(ids_in(run_coroutine(service_->list_page({.limit = 2, .offset = 1, .text = ""}))),
              ElementsAre(track_id(4), track_id(3)));
  EXPECT_THAT(ids_in(run_coroutine(service_->list_page({.limit = 10, .offset = 4, .text = ""}))),
              ElementsAre(track_id(1)));
  EXPECT_THAT(ids_in(run_coroutine(service_->list_page({.limit = 2, .offset = 5, .text = ""}))),
              IsEmpty());
  EXPECT_EQ(ids_in(run_coroutine(service_->list_page({}))).size(), 5u);
}

TEST_F(TrackServiceTest, list_page_searches_title_and_artist_case_insensitively) {
  add_track(1, 1000, "Night Drive", "Volk");
  add_track(2, 2000, "Morning", "The DRIVERS");
  add_track(3, 3000, "Evening", "Someone");
  EXPECT_THAT(
      ids_in(run_coroutine(service_->list_page({.limit = {}, .offset = 0, .text = "drive"}))),
      ElementsAre(track_id(2), track_id(1)));
  EXPECT_THAT(
      ids_in(run_coroutine(service_->list_page({.limit = 1, .offset = 0, .text = "drive"}))),
      ElementsAre(track_id(2)));
  EXPECT_THAT(
      ids_in(run_coroutine(service_->list_page({.limit = {}, .offset = 0, .text = "jazz"}))),
      IsEmpty());
  // Long enough to live on the heap rather than inside the string object.
  const std::string long_text = "the drivers of a search text longer than any small string";
  EXPECT_THAT(
      ids_in(run_coroutine(service_->list_page({.limit = {}, .offset = 0, .text = long_text}))),
      IsEmpty());
}

TEST_F(TrackServiceTest, list_page_does_not_touch_the_cache) {
  add_track(1, 1000, "One");
  const auto hits = metrics().cache_hits.value();
  const auto misses = metrics().cache_misses.value();
  run_coroutine(service_->list_page({.limit = 1, .offset = 0, .text = ""}));
  EXPECT_EQ(metrics().cache_hits.value(), hits);
  EXPECT_EQ(metrics().cache_misses.value(), misses);
  EXPECT_EQ(cache_.entry_count(), 0u);
}

TEST_F(TrackServiceTest, urls_in_pages_carry_the_public_base_url) {
  add_track(1, 1000, "One");
  auto service = make_service("https://api.example");
  const auto list = boost::json::parse(run_coroutine(service->list_page({}))).as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(text_of(list[0].at("thumbnailUrl")),
            "https://api.example/api/tracks/" + track_id(1) + "/thumbnail");
}

TEST_F(TrackServiceTest, find_returns_the_track_with_its_uploader) {
  const TrackRecord added = add_track(1, 1000, "One");
  const std::string id = added.id;
  const TrackRecord found = run_coroutine(service_->find(id));
  EXPECT_EQ(found.title, "One");
  EXPECT_EQ(found.file_key, added.file_key);
  ASSERT_TRUE(found.uploader);
  EXPECT_EQ(found.uploader->role, "admin");
}

TEST_F(TrackServiceTest, find_of_a_malformed_or_unknown_id_is_a_404) {
  add_track(1, 1000, "One");
  const std::pair<int, std::string> not_found{404, "Track not found"};
  for (const std::string& id :
       {std::string("not-an-id"), std::string(""), std::string("66A0B1C2D3E4F5A6B7C80001"),
        track_id(1) + "0", std::string("' OR 1=1 --"), track_id(2)}) {
    EXPECT_EQ(api_error_of([&] { run_coroutine(service_->find(id)); }), not_found) << id;
  }
}

TEST_F(TrackServiceTest, signed_url_is_absolute_with_the_origin_and_expires_in_five_minutes) {
  const std::string key = object_key("audio", 1, "song.mp3");
  const std::int64_t before = now_seconds();
  const std::string url = service_->signed_url(key, "http://localhost:8000");
  const std::int64_t after = now_seconds();
  EXPECT_THAT(url, StartsWith("http://localhost:8000/media/" + key + "?"));
  const std::string expires = query_value(url, "expires");
  std::int64_t at = 0;
  ASSERT_EQ(std::from_chars(expires.data(), expires.data() + expires.size(), at).ec, std::errc{})
      << url;
  EXPECT_GE(at, before + 299);
  EXPECT_LE(at, after + 301);
  EXPECT_EQ(check_media_signature(kSecret, key, expires, query_value(url, "sig"), after),
            MediaUrlCheck::ok);
  EXPECT_EQ(check_media_signature(kSecret, key, expires, query_value(url, "sig"), at + 1),
            MediaUrlCheck::expired);
}

TEST_F(TrackServiceTest, signed_url_uses_the_public_base_url_when_set) {
  const std::string key = object_key("thumbnails", 1, "cover.png");
  auto service = make_service("https://cdn.example");
  const std::string url = service->signed_url(key, "http://localhost:8000");
  EXPECT_THAT(url, StartsWith("https://cdn.example/media/" + key + "?expires="));
  EXPECT_EQ(url.find("localhost"), std::string::npos);
}

TEST_F(TrackServiceTest, remove_deletes_the_row_and_both_objects_and_counts_it) {
  const TrackRecord track = add_track(1, 1000, "One");
  const TrackRecord other = add_track(2, 2000, "Two");
  ASSERT_TRUE(object_exists(track.file_key) && object_exists(track.thumbnail_key));
  const auto deletions = metrics().track_deletions.value();
  const std::string id = track.id;
  run_coroutine(service_->remove(id));
  EXPECT_EQ(sqlite_->find_track(track.id), std::nullopt);
  EXPECT_FALSE(object_exists(track.file_key));
  EXPECT_FALSE(object_exists(track.thumbnail_key));
  EXPECT_TRUE(object_exists(other.file_key));
  EXPECT_TRUE(sqlite_->find_track(other.id));
  EXPECT_EQ(metrics().track_deletions.value() - deletions, 1u);
  EXPECT_THAT(metrics().exposition(),
              ::testing::HasSubstr("volkrin_track_deletions_total " +
                                   std::to_string(metrics().track_deletions.value()) + "\n"));
}

TEST_F(TrackServiceTest, remove_succeeds_when_an_object_is_already_gone) {
  const TrackRecord track = add_track(1, 1000, "One");
  ASSERT_TRUE(media_->remove(track.thumbnail_key));
  const std::string id = track.id;
  EXPECT_NO_THROW(run_coroutine(service_->remove(id)));
  EXPECT_EQ(sqlite_->find_track(track.id), std::nullopt);
  EXPECT_FALSE(object_exists(track.file_key));
}

TEST_F(TrackServiceTest, remove_of_an_unknown_or_malformed_id_is_a_404_and_counts_nothing) {
  add_track(1, 1000, "One");
  const auto deletions = metrics().track_deletions.value();
  const std::pair<int, std::string> not_found{404, "Track not found"};
  for (const std::string& id : {track_id(2), std::string("nope")}) {
    EXPECT_EQ(api_error_of([&] { run_coroutine(service_->remove(id)); }), not_found) << id;
  }
  const std::string id = track_id(1);
  run_coroutine(service_->remove(id));
  EXPECT_EQ(api_error_of([&] { run_coroutine(service_->remove(id)); }), not_found)
      << "a second delete of the same track";
  EXPECT_EQ(metrics().track_deletions.value() - deletions, 1u);
}

}  // namespace
}  // namespace volkrin
