// Track JSON: the list's populated form, the upload answer's form, and the list bytes.
#include "service/track_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace volkrin {
namespace {

TrackRecord sample_track() {
  TrackRecord t;
  t.id = "66d4c1f2a1b2c3d4e5f60718";
  t.title = "Night \"Drive\"";
  t.artist = "Volkrin \U0001F3B5";
  t.file_key = "audio/0b6f-night_drive.mp3";
  t.thumbnail_key = "thumbnails/0b6f-cover.png";
  t.uploaded_by = "66d4c1f2a1b2c3d4e5f60001";
  t.uploader = Uploader{"66d4c1f2a1b2c3d4e5f60001", "admin@example.com", "admin"};
  t.duration_ms = 183'040;
  t.bitrate_kbps = 192;
  t.sample_rate = 44'100;
  t.channels = 2;
  t.format = "mp3";
  t.created_at_ms = 1'756'722'030'123;
  t.updated_at_ms = 1'756'722'030'123;
  return t;
}

TEST(TrackJson, carries_the_version_key_zero_last_as_mongoose_documents_do) {
  const auto o = track_json(sample_track(), "");
  ASSERT_TRUE(o.contains("__v"));
  EXPECT_EQ(o.at("__v"), 0);
  EXPECT_EQ((o.end() - 1)->key(), "__v");
}

TEST(TrackJson, populates_the_uploader_for_the_list) {
  const auto o = track_json(sample_track(), "https://api.example");
  EXPECT_EQ(o.at("uploadedBy"), (boost::json::object{{"_id", "66d4c1f2a1b2c3d4e5f60001"},
                                                     {"email", "admin@example.com"},
                                                     {"role", "admin"}}));
  EXPECT_EQ(o.at("audioUrl"), "https://api.example/api/tracks/66d4c1f2a1b2c3d4e5f60718/audio");
  auto gone = sample_track();
  gone.uploader.reset();
  gone.uploaded_by.reset();
  EXPECT_TRUE(track_json(gone, "").at("uploadedBy").is_null());
}

TEST(TrackJson, carries_the_library_fields_and_null_for_what_the_tags_lacked) {
  auto t = sample_track();
  t.album = "Blue Train";
  t.album_artist = "John Coltrane";
  t.track_number = 3;
  t.disc_number = 1;
  t.year = 1958;
  t.genre = "Jazz";
  t.album_id = "a1b2c3d4e5f6a1b2c3d4e5f6";
  t.artist_id = "f6e5d4c3b2a1f6e5d4c3b2a1";
  const auto o = track_json(t, "");
  EXPECT_EQ(o.at("album"), "Blue Train");
  EXPECT_EQ(o.at("albumArtist"), "John Coltrane");
  EXPECT_EQ(o.at("trackNumber"), 3);
  EXPECT_EQ(o.at("discNumber"), 1);
  EXPECT_EQ(o.at("year"), 1958);
  EXPECT_EQ(o.at("genre"), "Jazz");
  EXPECT_EQ(o.at("albumId"), "a1b2c3d4e5f6a1b2c3d4e5f6");
  EXPECT_EQ(o.at("artistId"), "f6e5d4c3b2a1f6e5d4c3b2a1");

  const auto bare = track_json(sample_track(), "");
  for (const char* key : {"album", "albumArtist", "trackNumber", "discNumber", "year", "genre",
                          "albumId", "artistId"}) {
    ASSERT_TRUE(bare.contains(key)) << key;
    EXPECT_TRUE(bare.at(key).is_null()) << key;
  }
  EXPECT_EQ(bare.at("thumbnailUrl"), "/api/tracks/66d4c1f2a1b2c3d4e5f60718/thumbnail");
  auto coverless = sample_track();
  coverless.thumbnail_key.clear();
  EXPECT_TRUE(track_json(coverless, "").at("thumbnailUrl").is_null());
}

TEST(UploadedTrackJson, gives_the_uploader_id_as_a_string_and_is_otherwise_the_lists_track) {
  const auto track = sample_track();
  auto uploaded = uploaded_track_json(track, "");
  EXPECT_EQ(uploaded.at("uploadedBy"), "66d4c1f2a1b2c3d4e5f60001");
  auto listed = track_json(track, "");
  listed["uploadedBy"] = "66d4c1f2a1b2c3d4e5f60001";
  EXPECT_EQ(uploaded, listed);

  auto mock = sample_track();
  mock.uploader.reset();
  mock.uploaded_by = "mock-user";
  EXPECT_EQ(uploaded_track_json(mock, "").at("uploadedBy"), "mock-user");
  mock.uploaded_by.reset();
  EXPECT_TRUE(uploaded_track_json(mock, "").at("uploadedBy").is_null());
}

TEST(TracksJsonArray, is_the_array_of_each_tracks_json) {
  auto second = sample_track();
  second.id = "66d4c1f2a1b2c3d4e5f60719";
  second.title = "Line\u2028\\ \x01";
  second.format.clear();
  second.duration_ms.reset();
  const std::vector<TrackRecord> tracks{sample_track(), second};
  const std::string bytes = tracks_json_array(tracks, "");
  EXPECT_EQ(bytes, "[" + boost::json::serialize(track_json(tracks[0], "")) + "," +
                       boost::json::serialize(track_json(tracks[1], "")) + "]");
  EXPECT_EQ(boost::json::parse(bytes).as_array().size(), 2u);
  EXPECT_EQ(tracks_json_array({}, ""), "[]");
}

}  // namespace
}  // namespace volkrin
