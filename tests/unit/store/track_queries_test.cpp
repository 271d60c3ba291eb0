// The track queries of both MetadataStore adapters, held to the same expectations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/metadata_store_conformance.hpp"
#include "store/postgres/postgres_metadata_store.hpp"
#include "store/postgres_test_server.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct SqliteTracks {
  std::unique_ptr<MetadataStore> open() {
    dir_.emplace();
    return std::make_unique<SqliteMetadataStore>(dir_->path() / "volkrin.db");
  }
  void close() { dir_.reset(); }

 private:
  std::optional<test::TempDir> dir_;
};

struct PostgresTracks {
  std::unique_ptr<MetadataStore> open() {
    const auto server = test::postgres_test_url();
    if (!server) return nullptr;
    database_.emplace(*server);
    return std::make_unique<PostgresMetadataStore>(database_->url());
  }
  void close() { database_.reset(); }

 private:
  std::optional<test::ScratchDatabase> database_;
};

TrackRecord track(std::string id, std::string title, std::string artist, std::int64_t created_at,
                  std::optional<std::string> uploaded_by = std::nullopt) {
  TrackRecord t;
  t.id = std::move(id);
  t.title = std::move(title);
  t.artist = std::move(artist);
  t.file_key = "audio/" + t.id + ".mp3";
  t.thumbnail_key = "thumbs/" + t.id + ".jpg";
  t.uploaded_by = std::move(uploaded_by);
  t.duration_ms = 183'000;
  t.bitrate_kbps = 320;
  t.sample_rate = 44'100;
  t.channels = 2;
  t.format = "mp3";
  t.created_at_ms = created_at;
  t.updated_at_ms = created_at + 1;
  return t;
}

std::vector<std::string> ids_of(const std::vector<TrackRecord>& tracks) {
  std::vector<std::string> ids;
  ids.reserve(tracks.size());
  for (const auto& t : tracks) ids.push_back(t.id);
  return ids;
}

template <typename Backend>
class TrackQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    if (store_ == nullptr) GTEST_SKIP() << test::kNoPostgres;
  }
  void TearDown() override {
    store_.reset();
    backend_.close();
  }

  MetadataStore& store() { return *store_; }

  // Titles and artists chosen for the search tests, newest first: d, c, b, a.
  void insert_search_fixture() {
    store().insert_track(track("a", "Blue in Green", "Miles Davis", 1000));
    store().insert_track(track("b", "So What", "MILES DAVIS", 2000));
    store().insert_track(track("c", "100% Pure", "Under_Score", 3000));
    store().insert_track(track("d", "Back\\slash", "Nobody", 4000));
  }

 private:
  Backend backend_;
  std::unique_ptr<MetadataStore> store_;
};

using Backends = ::testing::Types<SqliteTracks, PostgresTracks>;
TYPED_TEST_SUITE(TrackQueries, Backends);

TYPED_TEST(TrackQueries, inserted_track_is_found_with_every_field_and_its_uploader) {
  const auto user = test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  const auto inserted = track("t1", "Title", "Artist", 1000, user.id);
  this->store().insert_track(inserted);
  const auto found = this->store().find_track("t1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, "t1");
  EXPECT_EQ(found->title, "Title");
  EXPECT_EQ(found->artist, "Artist");
  EXPECT_EQ(found->file_key, inserted.file_key);
  EXPECT_EQ(found->thumbnail_key, inserted.thumbnail_key);
  EXPECT_EQ(found->uploaded_by, user.id);
  ASSERT_TRUE(found->uploader.has_value());
  EXPECT_EQ(found->uploader->id, user.id);
  EXPECT_EQ(found->uploader->email, user.email);
  EXPECT_EQ(found->uploader->role, user.role);
  EXPECT_EQ(found->duration_ms, 183'000);
  EXPECT_EQ(found->bitrate_kbps, 320);
  EXPECT_EQ(found->sample_rate, 44'100);
  EXPECT_EQ(found->channels, 2);
  EXPECT_EQ(found->format, "mp3");
  EXPECT_EQ(found->created_at_ms, 1000);
  EXPECT_EQ(found->updated_at_ms, 1001);
}

TYPED_TEST(TrackQueries, missing_audio_facts_and_uploader_read_as_absent) {
  auto bare = track("t1", "Title", "", 1000);
  bare.duration_ms.reset();
  bare.bitrate_kbps.reset();
  bare.sample_rate.reset();
  bare.channels.reset();
  bare.format.clear();
  this->store().insert_track(bare);
  const auto found = this->store().find_track("t1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->artist, "");
  EXPECT_EQ(found->uploaded_by, std::nullopt);
  EXPECT_FALSE(found->uploader.has_value());
  EXPECT_EQ(found->duration_ms, std::nullopt);
  EXPECT_EQ(found->bitrate_kbps, std::nullopt);
  EXPECT_EQ(found->sample_rate, std::nullopt);
  EXPECT_EQ(found->channels, std::nullopt);
  EXPECT_EQ(found->format, "");
  EXPECT_EQ(this->store().find_track("nope"), std::nullopt);
}

TYPED_TEST(TrackQueries, list_is_newest_first_with_the_greater_id_breaking_ties) {
  this->store().insert_track(track("b", "B", "", 1000));
  this->store().insert_track(track("a", "A", "", 3000));
  this->store().insert_track(track("c", "C", "", 2000));
  this->store().insert_track(track("d", "D", "", 2000));
  EXPECT_THAT(ids_of(this->store().list_tracks({})), ElementsAre("a", "d", "c", "b"));
}

TYPED_TEST(TrackQueries, limit_and_offset_page_through_the_list) {
  for (int i = 0; i < 5; ++i) {
    this->store().insert_track(track("t" + std::to_string(i), "T", "", 1000 + i));
  }
  EXPECT_THAT(ids_of(this->store().list_tracks({.limit = 2, .offset = 0, .text = ""})),
              ElementsAre("t4", "t3"));
  EXPECT_THAT(ids_of(this->store().list_tracks({.limit = 2, .offset = 2, .text = ""})),
              ElementsAre("t2", "t1"));
  EXPECT_THAT(ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 3, .text = ""})),
              ElementsAre("t1", "t0"));
  EXPECT_THAT(this->store().list_tracks({.limit = 2, .offset = 5, .text = ""}), IsEmpty());
  EXPECT_THAT(this->store().list_tracks({.limit = 0, .offset = 0, .text = ""}), IsEmpty());
}

TYPED_TEST(TrackQueries, text_matches_a_substring_of_title_or_artist_ignoring_case) {
  this->insert_search_fixture();
  EXPECT_THAT(
      ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = "miles"})),
      ElementsAre("b", "a"));
  EXPECT_THAT(
      ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = "WHAT"})),
      ElementsAre("b"));
  EXPECT_THAT(ids_of(this->store().list_tracks({.limit = 1, .offset = 1, .text = "davis"})),
              ElementsAre("a"));
  EXPECT_THAT(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = "coltrane"}),
              IsEmpty());
}

TYPED_TEST(TrackQueries, wildcards_and_backslash_in_the_text_are_literal) {
  this->insert_search_fixture();
  auto search = [this](const std::string& text) {
    return ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = text}));
  };
  EXPECT_THAT(search("%"), ElementsAre("c"));
  EXPECT_THAT(search("0% p"), ElementsAre("c"));
  EXPECT_THAT(search("_"), ElementsAre("c"));
  EXPECT_THAT(search("r_s"), ElementsAre("c"));
  EXPECT_THAT(search("\\"), ElementsAre("d"));
  EXPECT_THAT(search("k\\s"), ElementsAre("d"));
  EXPECT_THAT(search("b%e"), IsEmpty());
  EXPECT_THAT(search("s_ what"), IsEmpty());
}

TYPED_TEST(TrackQueries, search_syntax_quotes_emoji_and_combining_marks_in_the_text_are_literal) {
  this->store().insert_track(track("a", "Rock AND Roll", "Nobody", 1000));
  this->store().insert_track(track("b", "NEAR(the end)", "Nobody", 2000));
  this->store().insert_track(track("c", "co-op ^top", "Nobody", 3000));
  this->store().insert_track(track("d", "star* power", "Nobody", 4000));
  this->store().insert_track(track("e", "say \"hi\"", "Nobody", 5000));
  this->store().insert_track(track("f", "Fe\u0301te \U0001F3B5\U0001F3B6", "Nobody", 6000));
  this->store().insert_track(track("g", "back\\slash 100%_done", "Nobody", 7000));
  auto search = [this](const std::string& text) {
    return ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = text}));
  };
  // Texts of one or two characters take another path than longer ones: both are here.
  for (const std::string text : {"AND", "k AND R", "k and r"}) {
    EXPECT_THAT(search(text), ElementsAre("a")) << text;
  }
  for (const std::string text : {"NEAR(", "r(the", "(", "(t"}) {
    EXPECT_THAT(search(text), ElementsAre("b")) << text;
  }
  for (const std::string text : {"-op ^", "^", "-", "o-"}) {
    EXPECT_THAT(search(text), ElementsAre("c")) << text;
  }
  for (const std::string text : {"*", "r* p", "r*"}) {
    EXPECT_THAT(search(text), ElementsAre("d")) << text;
  }
  for (const std::string text : {"\"", "\"hi\"", "y \"", "i\""}) {
    EXPECT_THAT(search(text), ElementsAre("e")) << text;
  }
  for (const std::string text : {"e\u0301", "e\u0301te", "\U0001F3B5", "\U0001F3B5\U0001F3B6",
                                 "e \U0001F3B5\U0001F3B6", "\u0301"}) {
    EXPECT_THAT(search(text), ElementsAre("f")) << text;
  }
  for (const std::string text : {"\\s", "%_d", "0%_", "k\\"}) {
    EXPECT_THAT(search(text), ElementsAre("g")) << text;
  }
  for (const std::string text : {"a*", "h\"i", "near(x", "AND NOT", "*)", "%%", "__", "\\\\"}) {
    EXPECT_THAT(search(text), IsEmpty()) << text;
  }
}

TYPED_TEST(TrackQueries, text_of_two_hundred_characters_is_searched_whole) {
  const std::string notes = [] {
    std::string s;
    for (int i = 0; i < 199; ++i) s += "\U0001F3B5";
    return s;
  }();
  this->store().insert_track(track("a", notes + "x", "", 1000));
  this->store().insert_track(track("b", notes + "y", "", 2000));
  auto search = [this](const std::string& text) {
    return ids_of(this->store().list_tracks({.limit = std::nullopt, .offset = 0, .text = text}));
  };
  EXPECT_THAT(search(notes + "x"), ElementsAre("a"));
  EXPECT_THAT(search(notes), ElementsAre("b", "a"));
  EXPECT_THAT(search("\U0001F3B5" + notes), IsEmpty());
}

TYPED_TEST(TrackQueries, delete_returns_the_row_once_then_nothing) {
  const auto user = test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  this->store().insert_track(track("t1", "Title", "Artist", 1000, user.id));
  this->store().insert_track(track("t2", "Other", "Artist", 2000));
  const auto deleted = this->store().delete_track("t1");
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->id, "t1");
  EXPECT_EQ(deleted->file_key, "audio/t1.mp3");
  EXPECT_EQ(deleted->thumbnail_key, "thumbs/t1.jpg");
  EXPECT_EQ(deleted->uploaded_by, user.id);
  EXPECT_EQ(deleted->duration_ms, 183'000);
  EXPECT_EQ(this->store().delete_track("t1"), std::nullopt);
  EXPECT_EQ(this->store().find_track("t1"), std::nullopt);
  EXPECT_THAT(ids_of(this->store().list_tracks({})), ElementsAre("t2"));
}

TYPED_TEST(TrackQueries, deleting_the_uploader_keeps_the_track_without_one) {
  const auto leaving = test::test_user(1);
  const auto staying = test::test_user(2);
  ASSERT_TRUE(this->store().insert_user(leaving));
  ASSERT_TRUE(this->store().insert_user(staying));
  this->store().insert_track(track("a", "A", "", 1000, leaving.id));
  this->store().insert_track(track("b", "B", "", 2000, staying.id));
  ASSERT_TRUE(this->store().delete_user(leaving.id));
  const auto tracks = this->store().list_tracks({});
  ASSERT_THAT(ids_of(tracks), ElementsAre("b", "a"));
  EXPECT_EQ(tracks[1].uploaded_by, std::nullopt);
  EXPECT_FALSE(tracks[1].uploader.has_value());
  ASSERT_TRUE(tracks[0].uploader.has_value());
  EXPECT_EQ(tracks[0].uploader->email, staying.email);
}

TYPED_TEST(TrackQueries, duplicate_id_or_unknown_uploader_throws) {
  this->store().insert_track(track("t1", "Title", "", 1000));
  EXPECT_THROW(this->store().insert_track(track("t1", "Again", "", 2000)), std::runtime_error);
  EXPECT_THROW(this->store().insert_track(track("t2", "Orphan", "", 2000, test::test_user_id(9))),
               std::runtime_error);
  EXPECT_THAT(ids_of(this->store().list_tracks({})), ElementsAre("t1"));
}

}  // namespace
}  // namespace volkrin
