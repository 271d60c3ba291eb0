// Albums and artists every MetadataStore adapter must derive alike from its tracks, as a
// type-parameterized suite. An adapter's test file instantiates it with the backend type
// it gives MetadataStoreConformance (metadata_store_conformance.hpp):
//
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, LibraryStoreConformance, ::testing::Types<MyBackend>);
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "backend_fixture.hpp"
#include "ports/library_records.hpp"
#include "ports/metadata_store.hpp"
#include "store/metadata_store_conformance.hpp"

namespace volkrin::test {

// Ids as the service derives them; here any 24 hex digits do.
inline std::string test_album_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "a1b0a1b0a1b0a1b0%08x", n);
  return id;
}

inline std::string test_artist_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "c2d0c2d0c2d0c2d0%08x", n);
  return id;
}

// Track `n` of album `album` (by artist `artist`), numbered `number` on disc 1.
inline TrackRecord album_track(unsigned n, unsigned album, unsigned artist, std::string album_name,
                               std::string artist_name, std::optional<std::int64_t> number,
                               std::int64_t created_at_ms) {
  auto t = test_track(n, created_at_ms);
  t.album = std::move(album_name);
  t.album_artist = std::move(artist_name);
  t.track_number = number;
  t.disc_number = 1;
  t.album_id = test_album_id(album);
  t.artist_id = test_artist_id(artist);
  t.content_hash = std::string(60, '0') + std::to_string(1000 + n);
  return t;
}

inline std::vector<std::string> ids_of(const std::vector<AlbumRecord>& albums) {
  std::vector<std::string> ids;
  for (const auto& album : albums) ids.push_back(album.id);
  return ids;
}

inline std::vector<std::string> ids_of(const std::vector<ArtistRecord>& artists) {
  std::vector<std::string> ids;
  for (const auto& artist : artists) ids.push_back(artist.id);
  return ids;
}

inline AlbumQuery album_query(AlbumSort sort) {
  AlbumQuery query;
  query.sort = sort;
  return query;
}

inline AlbumQuery album_query(std::string text, std::optional<std::string> artist_id = {}) {
  AlbumQuery query;
  query.text = std::move(text);
  query.artist_id = std::move(artist_id);
  return query;
}

inline AlbumQuery album_page(std::int64_t limit, std::int64_t offset) {
  AlbumQuery query;
  query.limit = limit;
  query.offset = offset;
  return query;
}

inline ArtistQuery artist_query(std::string text, std::optional<std::int64_t> limit = {},
                                std::int64_t offset = 0) {
  ArtistQuery query;
  query.text = std::move(text);
  query.limit = limit;
  query.offset = offset;
  return query;
}

}  // namespace volkrin::test

template <volkrin::test::MetadataStoreBackend Backend>
class LibraryStoreConformance
    : public volkrin::test::BackendFixture<Backend, volkrin::MetadataStore> {
 protected:
  // Another store on the same database (Backend::open_again), as another process has.
  std::unique_ptr<volkrin::MetadataStore> open_again() { return this->backend().open_again(); }
};

TYPED_TEST_SUITE_P(LibraryStoreConformance);

using volkrin::AlbumQuery;
using volkrin::AlbumSort;
using volkrin::ArtistQuery;
using volkrin::test::album_page;
using volkrin::test::album_query;
using volkrin::test::album_track;
using volkrin::test::artist_query;
using volkrin::test::ids_of;
using volkrin::test::test_album_id;
using volkrin::test::test_artist_id;
using volkrin::test::test_track_id;

TYPED_TEST_P(LibraryStoreConformance, track_keeps_every_tag_and_id) {
  auto track = album_track(1, 1, 1, "Blue Train", "John Coltrane", 3, 1000);
  track.track_total = 5;
  track.disc_total = 2;
  track.year = 1958;
  track.genre = "Jazz";
  track.musicbrainz_track_id = "0b6c2b46-6b3e-4a4b-9a32-3f0a3c9d1e01";
  track.musicbrainz_album_id = "1c7d3c57-7c4f-4b5c-8b43-4a1b4d0e2f02";
  track.musicbrainz_artist_id = "2d8e4d68-8d50-4c6d-9c54-5b2c5e1f3a03";
  this->store().insert_track(track);
  EXPECT_EQ(this->store().find_track(track.id), track);
  EXPECT_EQ(this->store().album_tracks(test_album_id(1)),
            (std::vector<volkrin::TrackRecord>{track}));
}

TYPED_TEST_P(LibraryStoreConformance, tracks_of_one_album_make_one_album_with_totals) {
  auto first = album_track(1, 1, 1, "Kind of Blue", "Miles Davis", 2, 1000);
  first.year = 1959;
  first.genre = "";
  first.duration_ms = 1000;
  auto second = album_track(2, 1, 1, "KIND OF BLUE", "MILES DAVIS", 1, 2000);
  second.year = 1997;  // a reissue's tag: the earliest year wins
  second.genre = "Jazz";
  second.duration_ms = 2500;
  second.thumbnail_key = "";
  this->store().insert_track(first);
  this->store().insert_track(second);

  const auto album = this->store().find_album(test_album_id(1));
  ASSERT_TRUE(album);
  EXPECT_EQ(album->name, "Kind of Blue");  // the oldest track's spelling
  EXPECT_EQ(album->artist, "Miles Davis");
  EXPECT_EQ(album->artist_id, test_artist_id(1));
  EXPECT_EQ(album->year, 1959);
  EXPECT_EQ(album->genre, "Jazz");
  EXPECT_EQ(album->track_count, 2);
  EXPECT_EQ(album->duration_ms, 3500);
  EXPECT_EQ(album->cover_track_id, test_track_id(1));  // track 1 has no thumbnail
  EXPECT_EQ(album->created_at_ms, 1000);
  EXPECT_EQ(album->updated_at_ms, second.updated_at_ms);
  EXPECT_EQ(this->store().list_albums(AlbumQuery{}), (std::vector<volkrin::AlbumRecord>{*album}));

  const auto artist = this->store().find_artist(test_artist_id(1));
  ASSERT_TRUE(artist);
  EXPECT_EQ(artist->name, "Miles Davis");
  EXPECT_EQ(artist->album_count, 1);
  EXPECT_EQ(artist->track_count, 2);
  EXPECT_EQ(artist->duration_ms, 3500);
  EXPECT_EQ(artist->cover_track_id, test_track_id(1));
}

TYPED_TEST_P(LibraryStoreConformance, album_cover_is_the_first_track_with_a_thumbnail) {
  auto one = album_track(1, 1, 1, "A", "X", 1, 3000);
  one.thumbnail_key = "";
  auto two = album_track(2, 1, 1, "A", "X", 2, 2000);
  auto three = album_track(3, 1, 1, "A", "X", 3, 1000);
  for (const auto& t : {one, two, three}) this->store().insert_track(t);
  EXPECT_EQ(this->store().find_album(test_album_id(1))->cover_track_id, test_track_id(2));

  auto bare = album_track(4, 2, 1, "B", "X", 1, 4000);
  bare.thumbnail_key = "";
  this->store().insert_track(bare);
  EXPECT_EQ(this->store().find_album(test_album_id(2))->cover_track_id, std::nullopt);
  // The artist's cover is that of its first album by name that has one.
  EXPECT_EQ(this->store().find_artist(test_artist_id(1))->cover_track_id, test_track_id(2));
}

TYPED_TEST_P(LibraryStoreConformance, album_tracks_run_in_disc_then_track_order) {
  auto a = album_track(1, 1, 1, "A", "X", 2, 1000);
  auto b = album_track(2, 1, 1, "A", "X", 1, 2000);
  b.disc_number = 2;
  auto c = album_track(3, 1, 1, "A", "X", std::nullopt, 500);  // no number: last on its disc
  auto d = album_track(4, 1, 1, "A", "X", 1, 3000);
  auto other = album_track(5, 2, 1, "B", "X", 1, 100);
  for (const auto& t : {a, b, c, d, other}) this->store().insert_track(t);
  EXPECT_EQ(ids_of(this->store().album_tracks(test_album_id(1))),
            (std::vector<std::string>{test_track_id(4), test_track_id(1), test_track_id(3),
                                      test_track_id(2)}));
  EXPECT_THAT(this->store().album_tracks(test_album_id(9)), ::testing::IsEmpty());
  EXPECT_EQ(this->store().artist_tracks(test_artist_id(1)).size(), 5u);
}

TYPED_TEST_P(LibraryStoreConformance, deleting_tracks_updates_and_then_removes_the_album) {
  this->store().insert_track(album_track(1, 1, 1, "A", "X", 1, 1000));
  this->store().insert_track(album_track(2, 1, 1, "A", "X", 2, 2000));
  ASSERT_TRUE(this->store().delete_track(test_track_id(1)));
  const auto album = this->store().find_album(test_album_id(1));
  ASSERT_TRUE(album);
  EXPECT_EQ(album->track_count, 1);
  EXPECT_EQ(album->cover_track_id, test_track_id(2));
  ASSERT_TRUE(this->store().delete_track(test_track_id(2)));
  EXPECT_EQ(this->store().find_album(test_album_id(1)), std::nullopt);
  EXPECT_EQ(this->store().find_artist(test_artist_id(1)), std::nullopt);
  EXPECT_THAT(this->store().list_albums(AlbumQuery{}), ::testing::IsEmpty());
  EXPECT_THAT(this->store().list_artists(ArtistQuery{}), ::testing::IsEmpty());
}

TYPED_TEST_P(LibraryStoreConformance, track_without_album_counts_for_its_artist_only) {
  auto single = album_track(1, 1, 1, "", "Solo", 1, 1000);
  single.album_id = std::nullopt;
  this->store().insert_track(single);
  EXPECT_THAT(this->store().list_albums(AlbumQuery{}), ::testing::IsEmpty());
  const auto artist = this->store().find_artist(test_artist_id(1));
  ASSERT_TRUE(artist);
  EXPECT_EQ(artist->album_count, 0);
  EXPECT_EQ(artist->track_count, 1);
  EXPECT_EQ(artist->cover_track_id, test_track_id(1));
}

TYPED_TEST_P(LibraryStoreConformance, albums_sort_by_name_artist_year_and_newest) {
  auto zulu = album_track(1, 1, 1, "zulu", "Beta", 1, 1000);
  zulu.year = 2001;
  auto alpha = album_track(2, 2, 2, "Alpha", "gamma", 1, 3000);
  auto mike = album_track(3, 3, 3, "Mike", "alpha", 1, 2000);
  mike.year = 1990;
  for (const auto& t : {zulu, alpha, mike}) this->store().insert_track(t);
  const auto order = [&](AlbumSort sort) {
    return ids_of(this->store().list_albums(album_query(sort)));
  };
  EXPECT_EQ(order(AlbumSort::name),
            (std::vector<std::string>{test_album_id(2), test_album_id(3), test_album_id(1)}));
  EXPECT_EQ(order(AlbumSort::artist),
            (std::vector<std::string>{test_album_id(3), test_album_id(1), test_album_id(2)}));
  EXPECT_EQ(order(AlbumSort::year),
            (std::vector<std::string>{test_album_id(3), test_album_id(1), test_album_id(2)}));
  EXPECT_EQ(order(AlbumSort::newest),
            (std::vector<std::string>{test_album_id(2), test_album_id(3), test_album_id(1)}));
}

TYPED_TEST_P(LibraryStoreConformance, albums_page_filter_by_text_and_by_artist) {
  for (unsigned n = 0; n < 7; ++n) {
    this->store().insert_track(album_track(n, n, n % 2, "Album " + std::to_string(n),
                                           n % 2 == 0 ? "Even Band" : "Odd Band", 1, 1000 + n));
  }
  EXPECT_EQ(ids_of(this->store().list_albums(album_page(2, 3))),
            (std::vector<std::string>{test_album_id(3), test_album_id(4)}));
  EXPECT_EQ(ids_of(this->store().list_albums(album_query("ALBUM 5"))),
            (std::vector<std::string>{test_album_id(5)}));
  EXPECT_EQ(ids_of(this->store().list_albums(album_query("odd b"))),
            (std::vector<std::string>{test_album_id(1), test_album_id(3), test_album_id(5)}));
  EXPECT_EQ(this->store().list_albums(album_query("", test_artist_id(0))).size(), 4u);
  EXPECT_THAT(this->store().list_albums(album_query("100%_")), ::testing::IsEmpty());
  EXPECT_THAT(this->store().list_albums(album_query("%")), ::testing::IsEmpty());
}

TYPED_TEST_P(LibraryStoreConformance, artists_are_listed_by_name_with_album_counts) {
  this->store().insert_track(album_track(1, 1, 1, "A", "beta", 1, 1000));
  this->store().insert_track(album_track(2, 2, 1, "B", "beta", 1, 2000));
  this->store().insert_track(album_track(3, 3, 2, "C", "Alpha", 1, 3000));
  const auto artists = this->store().list_artists(ArtistQuery{});
  EXPECT_EQ(ids_of(artists), (std::vector<std::string>{test_artist_id(2), test_artist_id(1)}));
  ASSERT_EQ(artists.size(), 2u);
  EXPECT_EQ(artists[1].album_count, 2);
  EXPECT_EQ(artists[1].track_count, 2);
  EXPECT_EQ(ids_of(this->store().list_artists(artist_query("ETA"))),
            (std::vector<std::string>{test_artist_id(1)}));
  EXPECT_EQ(ids_of(this->store().list_artists(artist_query("", 1, 1))),
            (std::vector<std::string>{test_artist_id(1)}));
  EXPECT_EQ(this->store().find_artist(test_artist_id(7)), std::nullopt);
}

TYPED_TEST_P(LibraryStoreConformance, insert_if_new_skips_a_stored_content_hash) {
  const auto first = album_track(1, 1, 1, "A", "X", 1, 1000);
  auto same_bytes = album_track(2, 1, 1, "A", "X", 2, 2000);
  same_bytes.content_hash = first.content_hash;
  EXPECT_TRUE(this->store().insert_track_if_new(first));
  EXPECT_FALSE(this->store().insert_track_if_new(same_bytes));
  EXPECT_EQ(this->store().find_track(same_bytes.id), std::nullopt);
  EXPECT_EQ(this->store().find_album(test_album_id(1))->track_count, 1);
  auto unknown = album_track(3, 1, 1, "A", "X", 3, 3000);
  unknown.content_hash = "";
  EXPECT_THROW(this->store().insert_track_if_new(unknown), std::invalid_argument);
}

TYPED_TEST_P(LibraryStoreConformance, concurrent_inserts_into_one_album_count_every_track) {
  constexpr unsigned kThreads = 4;
  constexpr unsigned kPerThread = 10;
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (unsigned i = 0; i < kPerThread; ++i) {
        const unsigned n = t * kPerThread + i;
        this->store().insert_track_if_new(album_track(n, 1, 1, "A", "X", n + 1, 1000 + n));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(this->store().find_album(test_album_id(1))->track_count, kThreads * kPerThread);
  EXPECT_EQ(this->store().find_artist(test_artist_id(1))->track_count, kThreads * kPerThread);
}

TYPED_TEST_P(LibraryStoreConformance, has_content_hash_tells_stored_content) {
  const auto track = album_track(1, 1, 1, "A", "X", 1, 1000);
  EXPECT_FALSE(this->store().has_content_hash(track.content_hash));
  this->store().insert_track(track);
  EXPECT_TRUE(this->store().has_content_hash(track.content_hash));
  EXPECT_FALSE(this->store().has_content_hash(std::string(64, 'f')));
  this->store().delete_track(track.id);
  EXPECT_FALSE(this->store().has_content_hash(track.content_hash));
}

TYPED_TEST_P(LibraryStoreConformance, library_version_grows_with_changes_made_elsewhere) {
  auto other = this->open_again();
  const std::int64_t start = this->store().library_version();
  EXPECT_EQ(other->library_version(), start);

  // A user is no change of the library.
  this->store().insert_user(volkrin::test::test_user(1));
  EXPECT_EQ(other->library_version(), start);

  const auto track = album_track(1, 1, 1, "A", "X", 1, 1000);
  this->store().insert_track(track);
  const std::int64_t after_insert = other->library_version();
  EXPECT_GT(after_insert, start);
  EXPECT_EQ(this->store().library_version(), after_insert);

  // A duplicate that is not stored changes nothing.
  auto same_bytes = album_track(2, 1, 1, "A", "X", 2, 2000);
  same_bytes.content_hash = track.content_hash;
  EXPECT_FALSE(other->insert_track_if_new(same_bytes));
  EXPECT_EQ(this->store().library_version(), after_insert);

  other->delete_track(track.id);
  EXPECT_GT(this->store().library_version(), after_insert);
}

REGISTER_TYPED_TEST_SUITE_P(
    LibraryStoreConformance, track_keeps_every_tag_and_id,
    tracks_of_one_album_make_one_album_with_totals, album_cover_is_the_first_track_with_a_thumbnail,
    album_tracks_run_in_disc_then_track_order, deleting_tracks_updates_and_then_removes_the_album,
    track_without_album_counts_for_its_artist_only, albums_sort_by_name_artist_year_and_newest,
    albums_page_filter_by_text_and_by_artist, artists_are_listed_by_name_with_album_counts,
    insert_if_new_skips_a_stored_content_hash, concurrent_inserts_into_one_album_count_every_track,
    has_content_hash_tells_stored_content, library_version_grows_with_changes_made_elsewhere);
