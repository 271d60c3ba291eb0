// Album and artist ids: stable, case-insensitive, and absent for empty names.
#include "service/library_ids.hpp"

#include <gtest/gtest.h>

#include "service/track_tags.hpp"
#include "support/object_id.hpp"

namespace volkrin {
namespace {

TEST(LibraryIds, are_24_hex_digits_that_ignore_ascii_case) {
  const auto album = album_id_of("Miles Davis", "", "Kind of Blue");
  ASSERT_TRUE(album);
  EXPECT_TRUE(is_object_id(*album));
  EXPECT_EQ(album, album_id_of("MILES DAVIS", "someone else", "kind of blue"));
  EXPECT_EQ(album, album_id_of("", "miles davis", "Kind Of Blue"));
  EXPECT_NE(album, album_id_of("Miles Davis", "", "Kind of Blue (Legacy)"));
  EXPECT_NE(album, album_id_of("Bill Evans", "", "Kind of Blue"));
  const auto artist = artist_id_of("Miles Davis", "");
  ASSERT_TRUE(artist);
  EXPECT_TRUE(is_object_id(*artist));
  EXPECT_EQ(artist, artist_id_of("", "miles DAVIS"));
  EXPECT_NE(artist, album_id_of("", "", "Miles Davis"));
}

TEST(LibraryIds, separate_names_so_no_two_splits_collide) {
  EXPECT_NE(album_id_of("A", "", "BC"), album_id_of("AB", "", "C"));
}

TEST(LibraryIds, empty_names_have_no_id) {
  EXPECT_EQ(album_id_of("Artist", "Artist", ""), std::nullopt);
  EXPECT_EQ(artist_id_of("", ""), std::nullopt);
  EXPECT_TRUE(album_id_of("", "", "Untitled album"));  // an album of no known artist
}

TEST(TrackTags, fill_what_the_form_left_empty_and_derive_the_ids) {
  AudioTags tags;
  tags.title = "Tag Title";
  tags.artist = "Tag Artist";
  tags.album = "Tag Album";
  tags.track_number = 4;
  tags.track_total = 9;
  tags.disc_number = 2;
  tags.year = 2001;
  tags.genre = "Rock";
  tags.musicbrainz.track = "0b6c2b46-6b3e-4a4b-9a32-3f0a3c9d1e01";
  TrackRecord track;
  track.title = "Form Title";
  apply_tags(track, tags);
  EXPECT_EQ(track.title, "Form Title");
  EXPECT_EQ(track.artist, "Tag Artist");
  EXPECT_EQ(track.album, "Tag Album");
  EXPECT_EQ(track.track_number, 4);
  EXPECT_EQ(track.track_total, 9);
  EXPECT_EQ(track.disc_number, 2);
  EXPECT_EQ(track.disc_total, std::nullopt);
  EXPECT_EQ(track.year, 2001);
  EXPECT_EQ(track.genre, "Rock");
  EXPECT_EQ(track.musicbrainz_track_id, tags.musicbrainz.track);
  EXPECT_EQ(track.album_id, album_id_of("", "Tag Artist", "Tag Album"));
  EXPECT_EQ(track.artist_id, artist_id_of("", "Tag Artist"));
}

TEST(TrackTags, title_from_a_file_name_drops_folders_and_extension_and_cleans_bytes) {
  EXPECT_EQ(title_from_file_name("01_Night_Drive.mp3"), "01 Night Drive");
  EXPECT_EQ(title_from_file_name("C:\\music\\a/b/Song.final.flac"), "Song.final");
  EXPECT_EQ(title_from_file_name(".mp3"), "");  // a name that is only an extension
  EXPECT_EQ(title_from_file_name(""), "");
  EXPECT_EQ(title_from_file_name(" .ogg"), "");
  EXPECT_EQ(title_from_file_name("So\xFF\x01ng.mp3"), "So\xEF\xBF\xBD ng");
  EXPECT_EQ(title_from_file_name(std::string(500, 'a') + ".mp3"), std::string(200, 'a'));
}

}  // namespace
}  // namespace volkrin
