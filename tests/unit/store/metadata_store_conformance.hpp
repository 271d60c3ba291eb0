// Behaviour every MetadataStore adapter must share, as a type-parameterized test suite.
//
// An adapter's test file defines a backend type and instantiates the suite with it:
//
//   struct MyBackend {
//     std::unique_ptr<volkrin::MetadataStore> open();  // a fresh, empty store; nullptr skips
//     void close();  // called after the store is destroyed: drop what open() created
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, MetadataStoreConformance, ::testing::Types<MyBackend>);
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "backend_fixture.hpp"
#include "ports/metadata_store.hpp"

namespace volkrin::test {

template <typename B>
concept MetadataStoreBackend = std::default_initializable<B> && requires(B backend) {
  { backend.open() } -> std::same_as<std::unique_ptr<MetadataStore>>;
  backend.close();
};

// 24 hex digits, like the ids the service hands out.
inline std::string test_user_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "65f0a1b2c3d4e5f6%08x", n);
  return id;
}

inline UserRecord test_user(unsigned n, std::int64_t created_at_ms = 1'700'000'000'000) {
  return UserRecord{
      .id = test_user_id(n),
      .name = "User " + std::to_string(n),
      .email = "user" + std::to_string(n) + "@example.com",
      .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt" + std::to_string(n) + "$hash",
      .role = n % 2 == 0 ? "user" : "admin",
      .created_at_ms = created_at_ms,
      .updated_at_ms = created_at_ms + 5,
  };
}

inline std::vector<std::string> ids_of(const std::vector<UserRecord>& users) {
  std::vector<std::string> ids;
  ids.reserve(users.size());
  for (const auto& user : users) ids.push_back(user.id);
  return ids;
}

inline std::string test_track_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "66b1c2d3e4f5a6b7%08x", n);
  return id;
}

// A track with every fact set, uploaded by `uploader` (a user id) when given.
inline TrackRecord test_track(unsigned n, std::int64_t created_at_ms,
                              std::optional<std::string> uploader = std::nullopt) {
  TrackRecord t;
  t.id = test_track_id(n);
  t.title = "Title " + std::to_string(n);
  t.artist = "Artist " + std::to_string(n);
  t.file_key = "audio/0b7e4f2a-1c3d-4e5f-8a9b-" + std::to_string(100000 + n) + "-song.mp3";
  t.thumbnail_key = "thumbnails/0b7e4f2a-1c3d-4e5f-8a9b-" + std::to_string(100000 + n) + "-c.png";
  t.uploaded_by = std::move(uploader);
  t.duration_ms = 180'000 + n;
  t.bitrate_kbps = 320;
  t.sample_rate = 44'100;
  t.channels = 2;
  t.format = "mp3";
  t.created_at_ms = created_at_ms;
  t.updated_at_ms = created_at_ms + 7;
  return t;
}

inline std::vector<std::string> ids_of(const std::vector<TrackRecord>& tracks) {
  std::vector<std::string> ids;
  ids.reserve(tracks.size());
  for (const auto& track : tracks) ids.push_back(track.id);
  return ids;
}

// `threads` threads each sign up `per_thread` users and read each back at once: none fails,
// none is refused, and every user is listed in order afterwards.
inline void expect_concurrent_inserts_all_land(MetadataStore& store, unsigned threads,
                                               unsigned per_thread) {
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::atomic<unsigned> refused{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (unsigned i = 0; i < per_thread; ++i) {
        const unsigned n = t * per_thread + i;
        try {
          if (!store.insert_user(test_user(n, 1000 + n))) ++refused;
          if (!store.find_user_by_id(test_user_id(n))) ++refused;
        } catch (const std::exception& error) {
          const std::lock_guard lock(errors_mutex);
          errors.emplace_back(error.what());
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(refused.load(), 0u);
  const auto users = store.list_users();
  ASSERT_EQ(users.size(), threads * per_thread);
  for (unsigned n = 0; n < users.size(); ++n) EXPECT_EQ(users[n].id, test_user_id(n));
}

}  // namespace volkrin::test

namespace volkrin {

// The port defines no comparison; tests compare every field.
inline bool operator==(const UserRecord& a, const UserRecord& b) {
  return a.id == b.id && a.name == b.name && a.email == b.email &&
         a.password_hash == b.password_hash && a.role == b.role &&
         a.created_at_ms == b.created_at_ms && a.updated_at_ms == b.updated_at_ms;
}

inline bool operator==(const Uploader& a, const Uploader& b) {
  return a.id == b.id && a.email == b.email && a.role == b.role;
}

inline bool operator==(const TrackRecord& a, const TrackRecord& b) {
  return a.id == b.id && a.title == b.title && a.artist == b.artist && a.file_key == b.file_key &&
         a.thumbnail_key == b.thumbnail_key && a.uploaded_by == b.uploaded_by &&
         a.uploader == b.uploader && a.duration_ms == b.duration_ms &&
         a.bitrate_kbps == b.bitrate_kbps && a.sample_rate == b.sample_rate &&
         a.channels == b.channels && a.format == b.format && a.album == b.album &&
         a.album_artist == b.album_artist && a.track_number == b.track_number &&
         a.track_total == b.track_total && a.disc_number == b.disc_number &&
         a.disc_total == b.disc_total && a.year == b.year && a.genre == b.genre &&
         a.musicbrainz_track_id == b.musicbrainz_track_id &&
         a.musicbrainz_album_id == b.musicbrainz_album_id &&
         a.musicbrainz_artist_id == b.musicbrainz_artist_id && a.album_id == b.album_id &&
         a.artist_id == b.artist_id && a.content_hash == b.content_hash &&
         a.created_at_ms == b.created_at_ms && a.updated_at_ms == b.updated_at_ms;
}

inline void PrintTo(const TrackRecord& track, std::ostream* out) {
  const auto number = [](const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("null");
  };
  *out << "{id=" << track.id << " title=" << track.title << " artist=" << track.artist
       << " file_key=" << track.file_key << " thumbnail_key=" << track.thumbnail_key
       << " uploaded_by=" << track.uploaded_by.value_or("null") << " uploader="
       << (track.uploader
               ? track.uploader->id + "/" + track.uploader->email + "/" + track.uploader->role
               : std::string("null"))
       << " duration_ms=" << number(track.duration_ms)
       << " bitrate_kbps=" << number(track.bitrate_kbps)
       << " sample_rate=" << number(track.sample_rate) << " channels=" << number(track.channels)
       << " format=" << track.format << " album=" << track.album
       << " album_artist=" << track.album_artist << " track=" << number(track.track_number) << "/"
       << number(track.track_total) << " disc=" << number(track.disc_number) << "/"
       << number(track.disc_total) << " year=" << number(track.year) << " genre=" << track.genre
       << " album_id=" << track.album_id.value_or("null")
       << " artist_id=" << track.artist_id.value_or("null")
       << " content_hash=" << track.content_hash << " created_at_ms=" << track.created_at_ms
       << " updated_at_ms=" << track.updated_at_ms << "}";
}

inline void PrintTo(const UserRecord& user, std::ostream* out) {
  *out << "{id=" << user.id << " name=" << user.name << " email=" << user.email
       << " role=" << user.role << " created_at_ms=" << user.created_at_ms
       << " updated_at_ms=" << user.updated_at_ms << "}";
}

}  // namespace volkrin

template <volkrin::test::MetadataStoreBackend Backend>
class MetadataStoreConformance
    : public volkrin::test::BackendFixture<Backend, volkrin::MetadataStore> {};

TYPED_TEST_SUITE_P(MetadataStoreConformance);

TYPED_TEST_P(MetadataStoreConformance, inserted_user_is_found_by_id_with_every_field) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_EQ(this->store().find_user_by_id(user.id), user);
}

TYPED_TEST_P(MetadataStoreConformance, inserted_user_is_found_by_email) {
  const auto user = volkrin::test::test_user(2);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_EQ(this->store().find_user_by_email(user.email), user);
}

TYPED_TEST_P(MetadataStoreConformance, unknown_id_or_email_finds_nothing) {
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1)));
  EXPECT_EQ(this->store().find_user_by_id(volkrin::test::test_user_id(99)), std::nullopt);
  EXPECT_EQ(this->store().find_user_by_email("nobody@example.com"), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, duplicate_email_is_refused_and_first_user_kept) {
  const auto first = volkrin::test::test_user(1);
  auto second = volkrin::test::test_user(2);
  second.email = first.email;
  ASSERT_TRUE(this->store().insert_user(first));
  EXPECT_FALSE(this->store().insert_user(second));
  EXPECT_EQ(this->store().find_user_by_email(first.email), first);
  EXPECT_EQ(this->store().find_user_by_id(second.id), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, emails_differing_only_in_case_are_different_users) {
  auto lower = volkrin::test::test_user(1);
  auto upper = volkrin::test::test_user(2);
  upper.email = "USER1@example.com";
  ASSERT_TRUE(this->store().insert_user(lower));
  EXPECT_TRUE(this->store().insert_user(upper));
  EXPECT_EQ(this->store().find_user_by_email("User1@example.com"), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, duplicate_id_throws) {
  const auto first = volkrin::test::test_user(1);
  auto second = volkrin::test::test_user(2);
  second.id = first.id;
  ASSERT_TRUE(this->store().insert_user(first));
  EXPECT_THROW(this->store().insert_user(second), std::runtime_error);
  EXPECT_EQ(this->store().find_user_by_id(first.id), first);
}

TYPED_TEST_P(MetadataStoreConformance, fresh_store_lists_no_users) {
  EXPECT_TRUE(this->store().list_users().empty());
}

TYPED_TEST_P(MetadataStoreConformance, list_users_returns_oldest_first_with_id_breaking_ties) {
  // Inserted out of order; users 3 and 1 share a creation time.
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(4, 4000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(3, 2000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(2, 1000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1, 2000)));
  const auto users = this->store().list_users();
  EXPECT_THAT(
      volkrin::test::ids_of(users),
      ::testing::ElementsAre(volkrin::test::test_user_id(2), volkrin::test::test_user_id(1),
                             volkrin::test::test_user_id(3), volkrin::test::test_user_id(4)));
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0], volkrin::test::test_user(2, 1000));
}

TYPED_TEST_P(MetadataStoreConformance, delete_user_returns_true_once_then_false) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_TRUE(this->store().delete_user(user.id));
  EXPECT_FALSE(this->store().delete_user(user.id));
  EXPECT_EQ(this->store().find_user_by_id(user.id), std::nullopt);
  EXPECT_EQ(this->store().find_user_by_email(user.email), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, deleting_a_user_leaves_the_others) {
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1, 1000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(2, 2000)));
  EXPECT_TRUE(this->store().delete_user(volkrin::test::test_user_id(1)));
  EXPECT_THAT(volkrin::test::ids_of(this->store().list_users()),
              ::testing::ElementsAre(volkrin::test::test_user_id(2)));
}

TYPED_TEST_P(MetadataStoreConformance, deleted_users_email_can_be_used_again) {
  const auto user = volkrin::test::test_user(1);
  auto successor = volkrin::test::test_user(2);
  successor.email = user.email;
  ASSERT_TRUE(this->store().insert_user(user));
  ASSERT_TRUE(this->store().delete_user(user.id));
  EXPECT_TRUE(this->store().insert_user(successor));
}

TYPED_TEST_P(MetadataStoreConformance, update_password_hash_changes_only_hash_and_updated_at) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  this->store().update_password_hash(user.id, "$argon2id$new", user.updated_at_ms + 1000);
  auto expected = user;
  expected.password_hash = "$argon2id$new";
  expected.updated_at_ms = user.updated_at_ms + 1000;
  EXPECT_EQ(this->store().find_user_by_id(user.id), expected);
}

TYPED_TEST_P(MetadataStoreConformance, update_password_hash_of_unknown_user_changes_nothing) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_NO_THROW(
      this->store().update_password_hash(volkrin::test::test_user_id(2), "$argon2id$new", 1));
  EXPECT_THAT(this->store().list_users(), ::testing::ElementsAre(user));
}

TYPED_TEST_P(MetadataStoreConformance, ping_succeeds_on_a_working_store) {
  EXPECT_NO_THROW(this->store().ping());
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1)));
  EXPECT_NO_THROW(this->store().ping());
}

// Tracks. Reads populate the uploader from the users table; the test records carry it so
// that whole records can be compared.

TYPED_TEST_P(MetadataStoreConformance, inserted_track_is_found_with_every_field_and_its_uploader) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  auto track = volkrin::test::test_track(1, 5000, user.id);
  this->store().insert_track(track);
  track.uploader = volkrin::Uploader{user.id, user.email, user.role};
  EXPECT_EQ(this->store().find_track(track.id), track);
  EXPECT_THAT(this->store().list_tracks({}), ::testing::ElementsAre(track));
}

TYPED_TEST_P(MetadataStoreConformance, unknown_track_id_finds_nothing) {
  this->store().insert_track(volkrin::test::test_track(1, 5000));
  EXPECT_EQ(this->store().find_track(volkrin::test::test_track_id(2)), std::nullopt);
  EXPECT_EQ(this->store().find_track(""), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, duplicate_track_id_throws_and_keeps_the_first) {
  const auto first = volkrin::test::test_track(1, 5000);
  auto second = volkrin::test::test_track(2, 6000);
  second.id = first.id;
  this->store().insert_track(first);
  EXPECT_THROW(this->store().insert_track(second), std::runtime_error);
  EXPECT_EQ(this->store().find_track(first.id), first);
}

TYPED_TEST_P(MetadataStoreConformance, track_of_a_deleted_user_stays_without_uploader) {
  const auto leaving = volkrin::test::test_user(1);
  const auto staying = volkrin::test::test_user(2);
  ASSERT_TRUE(this->store().insert_user(leaving));
  ASSERT_TRUE(this->store().insert_user(staying));
  this->store().insert_track(volkrin::test::test_track(1, 5000, leaving.id));
  this->store().insert_track(volkrin::test::test_track(2, 6000, staying.id));
  ASSERT_TRUE(this->store().delete_user(leaving.id));

  const auto orphan = this->store().find_track(volkrin::test::test_track_id(1));
  ASSERT_TRUE(orphan);
  EXPECT_EQ(orphan->uploader, std::nullopt);
  EXPECT_EQ(orphan->title, "Title 1");
  const auto kept = this->store().find_track(volkrin::test::test_track_id(2));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->uploader, (volkrin::Uploader{staying.id, staying.email, staying.role}));
  const auto listed = this->store().list_tracks({});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].id, volkrin::test::test_track_id(1));
  EXPECT_EQ(listed[1].uploader, std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, optional_track_facts_round_trip_as_absent) {
  auto track = volkrin::test::test_track(1, 5000);
  track.artist = "";
  track.duration_ms.reset();
  track.bitrate_kbps.reset();
  track.sample_rate.reset();
  track.channels.reset();
  track.format = "";
  this->store().insert_track(track);
  const auto found = this->store().find_track(track.id);
  EXPECT_EQ(found, track);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->uploaded_by, std::nullopt);
  EXPECT_EQ(found->duration_ms, std::nullopt);
  EXPECT_EQ(found->channels, std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, fresh_store_lists_no_tracks) {
  EXPECT_TRUE(this->store().list_tracks({}).empty());
  EXPECT_TRUE(this->store().list_tracks({.limit = 5, .offset = 0, .text = "x"}).empty());
}

TYPED_TEST_P(MetadataStoreConformance,
             list_tracks_returns_newest_first_with_higher_id_breaking_ties) {
  // Inserted out of order; tracks 1, 3 and 2 share a creation time.
  this->store().insert_track(volkrin::test::test_track(1, 2000));
  this->store().insert_track(volkrin::test::test_track(4, 1000));
  this->store().insert_track(volkrin::test::test_track(3, 2000));
  this->store().insert_track(volkrin::test::test_track(5, 3000));
  this->store().insert_track(volkrin::test::test_track(2, 2000));
  EXPECT_THAT(
      volkrin::test::ids_of(this->store().list_tracks({})),
      ::testing::ElementsAre(volkrin::test::test_track_id(5), volkrin::test::test_track_id(3),
                             volkrin::test::test_track_id(2), volkrin::test::test_track_id(1),
                             volkrin::test::test_track_id(4)));
}

TYPED_TEST_P(MetadataStoreConformance, list_tracks_applies_limit_and_offset) {
  for (unsigned n = 1; n <= 5; ++n) {
    this->store().insert_track(volkrin::test::test_track(n, 1000 * n));
  }
  using volkrin::test::test_track_id;
  const auto page = [&](std::optional<std::int64_t> limit, std::int64_t offset) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = limit, .offset = offset, .text = ""}));
  };
  EXPECT_THAT(page(2, 0), ::testing::ElementsAre(test_track_id(5), test_track_id(4)));
  EXPECT_THAT(page(2, 2), ::testing::ElementsAre(test_track_id(3), test_track_id(2)));
  EXPECT_THAT(page(2, 4), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(page(2, 5), ::testing::IsEmpty());
  EXPECT_THAT(page(std::nullopt, 3), ::testing::ElementsAre(test_track_id(2), test_track_id(1)));
  EXPECT_THAT(page(0, 0), ::testing::IsEmpty());
}

TYPED_TEST_P(MetadataStoreConformance, text_search_matches_title_or_artist_ignoring_case) {
  auto by_title = volkrin::test::test_track(1, 1000);
  by_title.title = "Night DRIVE";
  auto by_artist = volkrin::test::test_track(2, 2000);
  by_artist.artist = "The Drivers";
  auto neither = volkrin::test::test_track(3, 3000);
  neither.title = "Morning";
  neither.artist = "Nobody";
  for (const auto& t : {by_title, by_artist, neither}) this->store().insert_track(t);
  using volkrin::test::test_track_id;
  const auto search = [&](std::string text, std::optional<std::int64_t> limit = std::nullopt,
                          std::int64_t offset = 0) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = limit, .offset = offset, .text = std::move(text)}));
  };
  EXPECT_THAT(search("drive"), ::testing::ElementsAre(test_track_id(2), test_track_id(1)));
  EXPECT_THAT(search("rIvE"), ::testing::ElementsAre(test_track_id(2), test_track_id(1)));
  EXPECT_THAT(search("night d"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("drive", 1, 1), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("jazz"), ::testing::IsEmpty());
  EXPECT_THAT(search(""), ::testing::SizeIs(3));
}

TYPED_TEST_P(MetadataStoreConformance, like_wildcards_in_search_text_match_literally) {
  const std::vector<std::string> titles = {"100% Pure", "1000 Pure",   "a_b",
                                           "axb",       "back\\slash", "backslash"};
  for (unsigned n = 0; n < titles.size(); ++n) {
    auto t = volkrin::test::test_track(n + 1, 1000 * (n + 1));
    t.title = titles[n];
    t.artist = "Someone";
    this->store().insert_track(t);
  }
  using volkrin::test::test_track_id;
  const auto search = [&](std::string text) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = std::move(text)}));
  };
  EXPECT_THAT(search("%"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("0% P"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("_"), ::testing::ElementsAre(test_track_id(3)));
  EXPECT_THAT(search("a_b"), ::testing::ElementsAre(test_track_id(3)));
  EXPECT_THAT(search("\\"), ::testing::ElementsAre(test_track_id(5)));
  EXPECT_THAT(search("k\\s"), ::testing::ElementsAre(test_track_id(5)));
}

TYPED_TEST_P(MetadataStoreConformance, text_search_ignores_case_beyond_ascii) {
  auto summer = volkrin::test::test_track(1, 1000);
  summer.title = "Été Indien";
  auto band = volkrin::test::test_track(2, 2000);
  band.artist = "Die Ärzte";
  for (const auto& t : {summer, band}) this->store().insert_track(t);
  const auto search = [&](std::string text) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = std::move(text)}));
  };
  using volkrin::test::test_track_id;
  EXPECT_THAT(search("éTÉ iNDIEN"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("ÉTÉ"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("äRZTE"), ::testing::ElementsAre(test_track_id(2)));
}

TYPED_TEST_P(MetadataStoreConformance, quotes_and_search_syntax_in_text_match_literally) {
  auto quoted = volkrin::test::test_track(1, 1000);
  quoted.title = "Say \"Hello\" Again";
  auto plain = volkrin::test::test_track(2, 2000);
  plain.title = "Hello World";
  for (const auto& t : {quoted, plain}) this->store().insert_track(t);
  const auto search = [&](std::string text) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = std::move(text)}));
  };
  using volkrin::test::test_track_id;
  EXPECT_THAT(search("\"hello\""), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("\"hel"), ::testing::ElementsAre(test_track_id(1)));
  EXPECT_THAT(search("hello"), ::testing::ElementsAre(test_track_id(2), test_track_id(1)));
  EXPECT_THAT(search("hello\" OR \"world"), ::testing::IsEmpty());
  EXPECT_THAT(search("hel*"), ::testing::IsEmpty());
  EXPECT_THAT(search("NEAR(hello world)"), ::testing::IsEmpty());
}

TYPED_TEST_P(MetadataStoreConformance, text_search_pages_matches_of_every_length) {
  // Twelve tracks, every third one titled with "Nocturne"; the rest do not contain "no".
  for (unsigned n = 1; n <= 12; ++n) {
    auto t = volkrin::test::test_track(n, 1000 * n);
    t.title = n % 3 == 0 ? "Nocturne " + std::to_string(n) : "Waltz " + std::to_string(n);
    t.artist = "Someone";
    this->store().insert_track(t);
  }
  using volkrin::test::test_track_id;
  for (const std::string text : {"no", "noc", "NOCTURNE"}) {
    const auto page = [&](std::optional<std::int64_t> limit, std::int64_t offset) {
      return volkrin::test::ids_of(
          this->store().list_tracks({.limit = limit, .offset = offset, .text = text}));
    };
    EXPECT_THAT(page(std::nullopt, 0), ::testing::ElementsAre(test_track_id(12), test_track_id(9),
                                                              test_track_id(6), test_track_id(3)))
        << text;
    EXPECT_THAT(page(2, 1), ::testing::ElementsAre(test_track_id(9), test_track_id(6))) << text;
    EXPECT_THAT(page(std::nullopt, 3), ::testing::ElementsAre(test_track_id(3))) << text;
    EXPECT_THAT(page(2, 4), ::testing::IsEmpty()) << text;
  }
}

TYPED_TEST_P(MetadataStoreConformance, search_forgets_deleted_tracks_and_finds_imported_ones) {
  auto gone = volkrin::test::test_track(1, 1000);
  gone.title = "Vanishing Point";
  auto kept = volkrin::test::test_track(2, 2000);
  kept.title = "Vanishing Twin";
  for (const auto& t : {gone, kept}) this->store().insert_track(t);
  ASSERT_TRUE(this->store().delete_track(gone.id));
  auto imported = volkrin::test::test_track(3, 3000);
  imported.title = "Vanishing Act";
  this->store().import_batch({}, {imported});
  const auto search = [&](std::string text) {
    return volkrin::test::ids_of(
        this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = std::move(text)}));
  };
  EXPECT_THAT(search("vanishing"), ::testing::ElementsAre(imported.id, kept.id));
  EXPECT_THAT(search("point"), ::testing::IsEmpty());
  EXPECT_THAT(search(" act"), ::testing::ElementsAre(imported.id));
}

TYPED_TEST_P(MetadataStoreConformance, delete_track_returns_the_row_once_then_nothing) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  const auto track = volkrin::test::test_track(1, 5000, user.id);
  const auto other = volkrin::test::test_track(2, 6000, user.id);
  this->store().insert_track(track);
  this->store().insert_track(other);

  const auto deleted = this->store().delete_track(track.id);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->id, track.id);
  EXPECT_EQ(deleted->title, track.title);
  EXPECT_EQ(deleted->file_key, track.file_key);
  EXPECT_EQ(deleted->thumbnail_key, track.thumbnail_key);
  EXPECT_EQ(deleted->duration_ms, track.duration_ms);
  EXPECT_EQ(deleted->created_at_ms, track.created_at_ms);

  EXPECT_EQ(this->store().delete_track(track.id), std::nullopt);
  EXPECT_EQ(this->store().find_track(track.id), std::nullopt);
  EXPECT_THAT(volkrin::test::ids_of(this->store().list_tracks({})),
              ::testing::ElementsAre(other.id));
  EXPECT_EQ(this->store().delete_track(volkrin::test::test_track_id(9)), std::nullopt);
}

namespace volkrin::test {

inline TrackRecord imported_track(unsigned n, std::optional<std::string> uploaded_by) {
  TrackRecord track;
  char id[32];
  std::snprintf(id, sizeof id, "66d4c1f2a1b2c3d4%08x", n);
  track.id = id;
  track.title = "Track " + std::to_string(n);
  track.artist = "Artist";
  track.file_key = "audio/" + std::to_string(n) + "-song.mp3";
  track.thumbnail_key = "thumbnails/" + std::to_string(n) + "-cover.jpg";
  track.uploaded_by = std::move(uploaded_by);
  track.created_at_ms = 1'690'000'000'000 + n;
  track.updated_at_ms = track.created_at_ms + 1;
  return track;
}

}  // namespace volkrin::test

TYPED_TEST_P(MetadataStoreConformance, import_batch_keeps_ids_times_and_uploaders) {
  const auto admin = volkrin::test::test_user(1);
  const auto track = volkrin::test::imported_track(1, admin.id);
  const auto counts = this->store().import_batch({admin}, {track});
  EXPECT_EQ(counts.users_added, 1u);
  EXPECT_EQ(counts.tracks_added, 1u);
  EXPECT_EQ(counts.users_skipped + counts.tracks_skipped, 0u);
  EXPECT_EQ(this->store().find_user_by_id(admin.id), admin);
  const auto found = this->store().find_track(track.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->file_key, track.file_key);
  EXPECT_EQ(found->thumbnail_key, track.thumbnail_key);
  EXPECT_EQ(found->created_at_ms, track.created_at_ms);
  EXPECT_EQ(found->updated_at_ms, track.updated_at_ms);
  ASSERT_TRUE(found->uploader);
  EXPECT_EQ(found->uploader->email, admin.email);
}

TYPED_TEST_P(MetadataStoreConformance, import_batch_skips_ids_already_stored) {
  const auto user = volkrin::test::test_user(1);
  const auto track = volkrin::test::imported_track(1, user.id);
  this->store().import_batch({user}, {track});
  auto changed = user;
  changed.name = "Changed";
  const auto counts =
      this->store().import_batch({changed, volkrin::test::test_user(2)},
                                 {track, volkrin::test::imported_track(2, std::nullopt)});
  EXPECT_EQ(counts.users_added, 1u);
  EXPECT_EQ(counts.users_skipped, 1u);
  EXPECT_EQ(counts.tracks_added, 1u);
  EXPECT_EQ(counts.tracks_skipped, 1u);
  EXPECT_EQ(this->store().find_user_by_id(user.id), user);  // left as it was
  EXPECT_EQ(this->store().list_tracks({}).size(), 2u);
}

TYPED_TEST_P(MetadataStoreConformance, import_batch_stores_nothing_when_an_email_is_taken) {
  const auto existing = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(existing));
  auto clash = volkrin::test::test_user(3);
  clash.email = existing.email;
  EXPECT_ANY_THROW(this->store().import_batch({volkrin::test::test_user(2), clash},
                                              {volkrin::test::imported_track(1, std::nullopt)}));
  EXPECT_THAT(this->store().list_users(), ::testing::ElementsAre(existing));
  EXPECT_TRUE(this->store().list_tracks({}).empty());
}

TYPED_TEST_P(MetadataStoreConformance, import_batch_stores_nothing_when_an_uploader_is_missing) {
  const auto user = volkrin::test::test_user(1);
  EXPECT_ANY_THROW(this->store().import_batch(
      {user}, {volkrin::test::imported_track(1, user.id),
               volkrin::test::imported_track(2, volkrin::test::test_user_id(9))}));
  EXPECT_TRUE(this->store().list_users().empty());
  EXPECT_TRUE(this->store().list_tracks({}).empty());
}

REGISTER_TYPED_TEST_SUITE_P(
    MetadataStoreConformance, inserted_user_is_found_by_id_with_every_field,
    inserted_user_is_found_by_email, unknown_id_or_email_finds_nothing,
    duplicate_email_is_refused_and_first_user_kept,
    emails_differing_only_in_case_are_different_users, duplicate_id_throws,
    fresh_store_lists_no_users, list_users_returns_oldest_first_with_id_breaking_ties,
    delete_user_returns_true_once_then_false, deleting_a_user_leaves_the_others,
    deleted_users_email_can_be_used_again, update_password_hash_changes_only_hash_and_updated_at,
    update_password_hash_of_unknown_user_changes_nothing, ping_succeeds_on_a_working_store,
    inserted_track_is_found_with_every_field_and_its_uploader, unknown_track_id_finds_nothing,
    duplicate_track_id_throws_and_keeps_the_first, track_of_a_deleted_user_stays_without_uploader,
    optional_track_facts_round_trip_as_absent, fresh_store_lists_no_tracks,
    list_tracks_returns_newest_first_with_higher_id_breaking_ties,
    list_tracks_applies_limit_and_offset, text_search_matches_title_or_artist_ignoring_case,
    like_wildcards_in_search_text_match_literally, text_search_ignores_case_beyond_ascii,
    quotes_and_search_syntax_in_text_match_literally, text_search_pages_matches_of_every_length,
    search_forgets_deleted_tracks_and_finds_imported_ones,
    delete_track_returns_the_row_once_then_nothing, import_batch_keeps_ids_times_and_uploaders,
    import_batch_skips_ids_already_stored, import_batch_stores_nothing_when_an_email_is_taken,
    import_batch_stores_nothing_when_an_uploader_is_missing);
