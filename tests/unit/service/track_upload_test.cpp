// TrackUpload over real local media and SQLite: format checks, limits, and all-or-nothing.
#include "service/track_upload.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/local_media_store.hpp"
#include "media/media_samples.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"
#include "support/api_error.hpp"
#include "support/crypto.hpp"
#include "support/metrics.hpp"
#include "support/object_id.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::IsEmpty;
using ::testing::StartsWith;

using ErrorSeen = std::optional<std::pair<int, std::string>>;

// The status and message of the ApiError that fn throws, or nullopt when it throws none.
template <typename Fn>
ErrorSeen api_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return std::make_pair(e.status(), std::string(e.what()));
  }
  return std::nullopt;
}

ErrorSeen error(int status, std::string message) {
  return std::make_pair(status, std::move(message));
}

const test_media::AudioSample& mp3_sample() {
  for (const auto& s : test_media::audio_samples()) {
    if (s.name == "mp3") return s;
  }
  throw std::logic_error("no mp3 sample");
}

const test_media::ImageSample& png_sample() {
  for (const auto& s : test_media::image_samples()) {
    if (s.name == "png") return s;
  }
  throw std::logic_error("no png sample");
}

constexpr std::string_view kMissing = "Title, audio, and thumbnail are required";
constexpr std::string_view kNotAudio =
    "The audio file must be MP3, M4A/AAC, OGG/Opus, FLAC or WAV audio";
constexpr std::string_view kNotImage = "The thumbnail must be a JPEG, PNG, WebP or GIF image";

class TrackUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    const auto mp3_file = test_media::audio_file(mp3_sample());
    const auto png_file = test_media::image_file(png_sample());
    ASSERT_TRUE(mp3_file && png_file) << "ffmpeg could not make the samples";
    mp3_ = test_media::read_bytes(*mp3_file);
    png_ = test_media::read_bytes(*png_file);
    // The checks below depend on these sizes relative to the 4096 sniffed bytes.
    ASSERT_GT(mp3_.size(), 3 * kSniffBytes);
    ASSERT_LT(png_.size(), kSniffBytes);

    media_.emplace(root(), "upload-test-secret");
    store_.emplace(dir_.path() / "db" / "volkrin.db");
    user_ = UserRecord{.id = new_object_id(),
                       .name = "Uploader",
                       .email = "uploader@example.com",
                       .password_hash = "$argon2id$hash",
                       .role = "user",
                       .created_at_ms = 1'700'000'000'000,
                       .updated_at_ms = 1'700'000'000'000};
    ASSERT_TRUE(store_->insert_user(user_));
  }

  fs::path root() const { return dir_.path() / "media"; }
  Uploader uploader() const { return Uploader{user_.id, user_.email, user_.role}; }

  std::unique_ptr<TrackUpload> start(UploadLimits limits = {}) {
    return std::make_unique<TrackUpload>(*media_, *store_, limits, uploader());
  }

  // Writes in chunks of an odd size, so that no chunk boundary falls on 4096.
  static void write_in_chunks(TrackUpload& upload, UploadFile which, std::string_view bytes,
                              std::size_t chunk = 1021) {
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      upload.write(which, bytes.substr(at, chunk));
    }
  }

  static void send_file(TrackUpload& upload, UploadFile which, std::string_view name,
                        std::string_view bytes) {
    upload.begin_file(which, name);
    write_in_chunks(upload, which, bytes);
    upload.end_file(which);
  }

  // Every regular file below the media root, staging area included.
  std::vector<std::string> stored_files() const {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root())) {
      if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), root()).string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::vector<std::string> incoming() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root() / LocalMediaStore::kIncomingDir)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  std::size_t track_rows() { return store_->list_tracks({}).size(); }

  // What a refused or abandoned upload must leave: no row, no stored file, no partial file.
  void expect_nothing_left() {
    EXPECT_EQ(track_rows(), 0u);
    EXPECT_THAT(stored_files(), IsEmpty());
    EXPECT_THAT(incoming(), IsEmpty());
  }

  // An upload with all three pieces, ready to finish.
  std::unique_ptr<TrackUpload> complete_upload() {
    auto upload = start();
    upload->set_field("title", "Night Drive");
    send_file(*upload, UploadFile::audio, "song.mp3", mp3_);
    send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
    return upload;
  }

  test::TempDir dir_;
  std::optional<LocalMediaStore> media_;
  std::optional<SqliteMetadataStore> store_;
  UserRecord user_;
  std::string mp3_, png_;
};

TEST_F(TrackUploadTest, full_upload_commits_both_objects_and_inserts_a_row_with_the_audio_facts) {
  const std::uint64_t bytes_before = metrics().upload_bytes.value();
  auto upload = start();
  upload->set_field("title", "  Night Drive \r\n");
  upload->set_field("artist", "\tThe Volks ");
  upload->set_field("genre", "ignored");
  send_file(*upload, UploadFile::audio, "my song.mp3", mp3_);
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  const TrackRecord track = upload->finish();

  EXPECT_TRUE(is_object_id(track.id));
  EXPECT_EQ(track.title, "Night Drive");
  EXPECT_EQ(track.artist, "The Volks");
  EXPECT_THAT(track.file_key, StartsWith("audio/"));
  EXPECT_THAT(track.file_key, EndsWith("-my_song.mp3"));
  EXPECT_THAT(track.thumbnail_key, StartsWith("thumbnails/"));
  EXPECT_THAT(track.thumbnail_key, EndsWith("-cover.png"));
  EXPECT_EQ(track.uploaded_by, user_.id);
  ASSERT_TRUE(track.uploader);
  EXPECT_EQ(track.uploader->email, user_.email);
  EXPECT_EQ(track.format, "mp3");
  ASSERT_TRUE(track.duration_ms && track.sample_rate && track.channels && track.bitrate_kbps);
  EXPECT_NEAR(static_cast<double>(*track.duration_ms), 2000.0, 100.0);
  EXPECT_EQ(*track.sample_rate, 44100);
  EXPECT_EQ(*track.channels, 2);
  EXPECT_GT(*track.bitrate_kbps, 0);
  EXPECT_GT(track.created_at_ms, 1'700'000'000'000);
  EXPECT_EQ(track.created_at_ms, track.updated_at_ms);

  const auto row = store_->find_track(track.id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->title, "Night Drive");
  EXPECT_EQ(row->artist, "The Volks");
  EXPECT_EQ(row->file_key, track.file_key);
  EXPECT_EQ(row->thumbnail_key, track.thumbnail_key);
  EXPECT_EQ(row->uploaded_by, user_.id);
  ASSERT_TRUE(row->uploader);
  EXPECT_EQ(row->uploader->id, user_.id);
  EXPECT_EQ(row->uploader->role, "user");
  EXPECT_EQ(row->duration_ms, track.duration_ms);
  EXPECT_EQ(row->bitrate_kbps, track.bitrate_kbps);
  EXPECT_EQ(row->sample_rate, 44100);
  EXPECT_EQ(row->channels, 2);
  EXPECT_EQ(row->format, "mp3");
  EXPECT_EQ(row->created_at_ms, track.created_at_ms);

  EXPECT_EQ(test_media::read_bytes(root() / track.file_key), mp3_);
  EXPECT_EQ(test_media::read_bytes(root() / track.thumbnail_key), png_);
  EXPECT_THAT(stored_files(), ElementsAre(track.file_key, track.thumbnail_key));
  EXPECT_THAT(incoming(), IsEmpty());
  EXPECT_EQ(metrics().upload_bytes.value() - bytes_before, mp3_.size() + png_.size());
}

TEST_F(TrackUploadTest, missing_title_is_made_from_the_audio_file_name) {
  auto upload = start();
  upload->set_field("title", " \t ");
  send_file(*upload, UploadFile::audio, "01_night_drive.mp3", mp3_);
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  const TrackRecord track = upload->finish();
  EXPECT_EQ(track.title, "01 night drive");
  EXPECT_EQ(store_->find_track(track.id)->title, "01 night drive");
}

// An MP3 whose tags name title, artist, album, position and year, with `png_` as its
// front cover; empty when ffmpeg could not make it.
std::string tagged_mp3_with_cover(const fs::path& cover) {
  const auto made = test_media::run_ffmpeg(
      "-f lavfi -i sine=frequency=330:duration=2 -ac 2 -i '" + cover.string() + "'",
      "-map 0 -map 1 -c:a libmp3lame -c:v copy -disposition:v attached_pic -id3v2_version 3 "
      "-metadata title=Tagged -metadata artist=Tagger -metadata album=Covers "
      "-metadata album_artist=Various -metadata track=2/7 -metadata date=1999 out.mp3",
      "tagged-cover.mp3");
  return made ? test_media::read_bytes(*made) : std::string();
}

TEST_F(TrackUploadTest, tags_fill_the_track_and_the_embedded_cover_becomes_the_thumbnail) {
  const std::string tagged = tagged_mp3_with_cover(*test_media::image_file(png_sample()));
  ASSERT_FALSE(tagged.empty()) << "ffmpeg could not make the tagged sample";
  auto upload = start();
  upload->set_field("artist", "Form Artist");
  send_file(*upload, UploadFile::audio, "file-name.mp3", tagged);
  const TrackRecord track = upload->finish();
  EXPECT_EQ(track.title, "Tagged");
  EXPECT_EQ(track.artist, "Form Artist");  // the form wins
  EXPECT_EQ(track.album, "Covers");
  EXPECT_EQ(track.album_artist, "Various");
  EXPECT_EQ(track.track_number, 2);
  EXPECT_EQ(track.track_total, 7);
  EXPECT_EQ(track.year, 1999);
  EXPECT_TRUE(track.album_id && track.artist_id);
  EXPECT_EQ(track.content_hash, crypto::hex_encode(crypto::sha256(tagged)));
  EXPECT_THAT(track.thumbnail_key, StartsWith("thumbnails/"));
  EXPECT_THAT(track.thumbnail_key, EndsWith(".png"));
  EXPECT_EQ(test_media::read_bytes(root() / track.thumbnail_key), png_);
  const auto row = store_->find_track(track.id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->album_id, track.album_id);
  EXPECT_EQ(row->content_hash, track.content_hash);
  EXPECT_EQ(store_->find_album(*track.album_id)->cover_track_id, track.id);
  EXPECT_THAT(stored_files(), ElementsAre(track.file_key, track.thumbnail_key));
}

TEST_F(TrackUploadTest, embedded_cover_over_the_thumbnail_limit_is_not_taken) {
  const std::string tagged = tagged_mp3_with_cover(*test_media::image_file(png_sample()));
  ASSERT_FALSE(tagged.empty()) << "ffmpeg could not make the tagged sample";
  UploadLimits limits;
  limits.max_thumbnail_bytes = png_.size() - 1;
  auto upload = start(limits);
  send_file(*upload, UploadFile::audio, "song.mp3", tagged);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }), error(400, std::string(kMissing)));
  upload->discard();
  expect_nothing_left();
}

TEST_F(TrackUploadTest, a_given_thumbnail_wins_over_the_embedded_cover) {
  const std::string tagged = tagged_mp3_with_cover(*test_media::image_file(png_sample()));
  ASSERT_FALSE(tagged.empty()) << "ffmpeg could not make the tagged sample";
  const auto jpeg = test_media::read_bytes(*test_media::image_file(test_media::image_samples()[0]));
  auto upload = start();
  send_file(*upload, UploadFile::audio, "song.mp3", tagged);
  send_file(*upload, UploadFile::thumbnail, "mine.img", jpeg);
  const TrackRecord track = upload->finish();
  EXPECT_EQ(test_media::read_bytes(root() / track.thumbnail_key), jpeg);
}

TEST_F(TrackUploadTest, fallback_cover_is_used_only_without_a_thumbnail_or_an_embedded_cover) {
  const auto jpeg = test_media::read_bytes(*test_media::image_file(test_media::image_samples()[0]));
  auto plain = start();
  plain->set_fallback_cover(jpeg);
  send_file(*plain, UploadFile::audio, "plain.mp3", mp3_);
  const TrackRecord from_folder = plain->finish();
  EXPECT_EQ(test_media::read_bytes(root() / from_folder.thumbnail_key), jpeg);

  const std::string tagged = tagged_mp3_with_cover(*test_media::image_file(png_sample()));
  ASSERT_FALSE(tagged.empty()) << "ffmpeg could not make the tagged sample";
  auto embedded = start();
  embedded->set_fallback_cover(jpeg);
  send_file(*embedded, UploadFile::audio, "tagged.mp3", tagged);
  EXPECT_EQ(test_media::read_bytes(root() / embedded->finish().thumbnail_key), png_);
}

TEST_F(TrackUploadTest, fallback_cover_that_is_not_an_image_counts_as_missing) {
  auto upload = start();
  upload->set_fallback_cover("<html>not an image</html>");
  send_file(*upload, UploadFile::audio, "plain.mp3", mp3_);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }), error(400, std::string(kMissing)));
  upload->discard();
  expect_nothing_left();
}

TEST_F(TrackUploadTest, import_may_store_a_track_without_an_image) {
  auto upload = start();
  upload->allow_missing_thumbnail();
  send_file(*upload, UploadFile::audio, "plain.mp3", mp3_);
  const TrackRecord track = upload->finish();
  EXPECT_EQ(track.thumbnail_key, "");
  EXPECT_EQ(store_->find_track(track.id)->thumbnail_key, "");
  EXPECT_THAT(stored_files(), ElementsAre(track.file_key));
}

TEST_F(TrackUploadTest, finish_if_new_stores_new_audio_and_removes_the_objects_of_a_duplicate) {
  auto first = start();
  send_file(*first, UploadFile::audio, "one.mp3", mp3_);
  send_file(*first, UploadFile::thumbnail, "cover.png", png_);
  const auto stored = first->finish_if_new();
  ASSERT_TRUE(stored);
  const auto files = stored_files();

  auto again = start();
  send_file(*again, UploadFile::audio, "same-bytes-other-name.mp3", mp3_);
  send_file(*again, UploadFile::thumbnail, "cover.png", png_);
  EXPECT_EQ(again->finish_if_new(), std::nullopt);
  EXPECT_EQ(track_rows(), 1u);
  EXPECT_EQ(stored_files(), files);
  EXPECT_THAT(incoming(), IsEmpty());
}

TEST_F(TrackUploadTest,
       title_or_artist_that_is_not_single_line_text_is_refused_with_400_naming_the_field) {
  using namespace std::string_literals;
  for (const std::string field : {"title", "artist"}) {
    const ErrorSeen refused =
        error(400, field + " must be valid UTF-8 text without control characters");
    for (const std::string& text :
         {"So\xFFng"s, "Song\xC3"s, "S\xED\xA0\x80"s, "S\xC1\x81"s, "So\0ng"s, "So\tng"s, "So\nng"s,
          "So\x1B[0mng"s, "So\x7Fng"s, "So\xC2\x85ng"s, "So\xE2\x80\xA8ng"s}) {
      auto upload = start();
      send_file(*upload, UploadFile::audio, "song.mp3", mp3_);
      EXPECT_EQ(api_error_of([&] { upload->set_field(field, text); }), refused) << field;
      upload->discard();
      expect_nothing_left();
    }
  }
}

TEST_F(TrackUploadTest, title_and_artist_keep_emoji_combining_marks_and_right_to_left_text) {
  auto upload = start();
  upload->set_field("title", "Noe\xCC\x88l \xF0\x9F\x8E\x84");
  upload->set_field("artist", "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\x8F!");
  send_file(*upload, UploadFile::audio, "song.mp3", mp3_);
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  const TrackRecord track = upload->finish();
  EXPECT_EQ(track.title, "Noe\xCC\x88l \xF0\x9F\x8E\x84");
  EXPECT_EQ(track.artist, "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\x8F!");
}

TEST_F(TrackUploadTest, missing_audio_is_refused_and_discard_leaves_nothing) {
  auto upload = start();
  upload->set_field("title", "Night Drive");
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }), error(400, std::string(kMissing)));
  upload->discard();
  expect_nothing_left();
}

TEST_F(TrackUploadTest, missing_thumbnail_is_refused_and_discard_leaves_nothing) {
  auto upload = start();
  upload->set_field("title", "Night Drive");
  send_file(*upload, UploadFile::audio, "song.mp3", mp3_);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }), error(400, std::string(kMissing)));
  upload->discard();
  expect_nothing_left();
}

TEST_F(TrackUploadTest, audio_that_was_begun_but_never_ended_counts_as_missing) {
  auto upload = start();
  upload->set_field("title", "Night Drive");
  upload->begin_file(UploadFile::audio, "song.mp3");
  write_in_chunks(*upload, UploadFile::audio, mp3_);
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }), error(400, std::string(kMissing)));
  upload->discard();
  EXPECT_EQ(track_rows(), 0u);
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest,
       random_bytes_as_audio_are_refused_by_the_write_that_completes_the_first_4096_bytes) {
  const std::string noise = test_media::random_bytes(3 * kSniffBytes, 7);
  ASSERT_EQ(sniff_audio(noise.substr(0, kSniffBytes)), std::nullopt);
  auto upload = start();
  upload->begin_file(UploadFile::audio, "noise.mp3");
  EXPECT_EQ(api_error_of([&] {
              upload->write(UploadFile::audio, std::string_view(noise).substr(0, kSniffBytes - 1));
            }),
            std::nullopt);
  EXPECT_EQ(api_error_of([&] {
              upload->write(UploadFile::audio, std::string_view(noise).substr(kSniffBytes - 1, 1));
            }),
            error(415, std::string(kNotAudio)));
  upload->discard();
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest, random_bytes_as_audio_are_refused_by_a_write_that_crosses_4096) {
  const std::string noise = test_media::random_bytes(3 * kSniffBytes, 8);
  auto upload = start();
  upload->begin_file(UploadFile::audio, "noise.mp3");
  ASSERT_EQ(api_error_of([&] { upload->write(UploadFile::audio, noise.substr(0, 3000)); }),
            std::nullopt);
  EXPECT_EQ(api_error_of([&] { upload->write(UploadFile::audio, noise.substr(3000, 3000)); }),
            error(415, std::string(kNotAudio)));
}

TEST_F(TrackUploadTest, image_as_audio_is_refused) {
  auto upload = start();
  upload->begin_file(UploadFile::audio, "cover.mp3");
  EXPECT_EQ(api_error_of([&] {
              write_in_chunks(*upload, UploadFile::audio, png_);
              upload->end_file(UploadFile::audio);
            }),
            error(415, std::string(kNotAudio)));
  upload->discard();
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest, audio_as_thumbnail_is_refused_once_the_first_4096_bytes_are_in) {
  auto upload = start();
  upload->begin_file(UploadFile::thumbnail, "song.png");
  const std::string_view audio(mp3_);
  EXPECT_EQ(api_error_of([&] { upload->write(UploadFile::thumbnail, audio.substr(0, 4000)); }),
            std::nullopt);
  EXPECT_EQ(api_error_of([&] { upload->write(UploadFile::thumbnail, audio.substr(4000, 200)); }),
            error(415, std::string(kNotImage)));
  upload->discard();
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest, file_shorter_than_the_sniff_window_is_checked_at_end_file) {
  auto upload = start();
  upload->begin_file(UploadFile::thumbnail, "short.png");
  EXPECT_EQ(
      api_error_of([&] { upload->write(UploadFile::thumbnail, test_media::random_bytes(100, 9)); }),
      std::nullopt);
  EXPECT_EQ(api_error_of([&] { upload->end_file(UploadFile::thumbnail); }),
            error(415, std::string(kNotImage)));
}

TEST_F(TrackUploadTest, empty_audio_file_is_refused_at_end_file) {
  auto upload = start();
  upload->begin_file(UploadFile::audio, "empty.mp3");
  EXPECT_EQ(api_error_of([&] { upload->end_file(UploadFile::audio); }),
            error(415, std::string(kNotAudio)));
}

TEST_F(TrackUploadTest, audio_is_refused_with_413_at_the_write_that_crosses_the_limit) {
  constexpr std::size_t kChunk = 3001;
  auto upload = start(UploadLimits{.max_audio_bytes = 3 * kChunk, .max_thumbnail_bytes = 5 << 20});
  upload->begin_file(UploadFile::audio, "song.mp3");
  const std::string_view audio(mp3_);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(
        api_error_of([&] { upload->write(UploadFile::audio, audio.substr(i * kChunk, kChunk)); }),
        std::nullopt)
        << "write " << i << " stays within the limit";
  }
  EXPECT_EQ(api_error_of([&] { upload->write(UploadFile::audio, audio.substr(3 * kChunk, 1)); }),
            error(413, "The audio file is larger than the limit of 9003 bytes"));
  upload->discard();
  EXPECT_THAT(stored_files(), IsEmpty());
  EXPECT_THAT(incoming(), IsEmpty());
}

TEST_F(TrackUploadTest, thumbnail_limit_in_whole_mebibytes_is_named_in_mib) {
  auto upload = start(UploadLimits{.max_audio_bytes = 200 << 20, .max_thumbnail_bytes = 1 << 20});
  upload->begin_file(UploadFile::thumbnail, "cover.png");
  ASSERT_EQ(api_error_of([&] { upload->write(UploadFile::thumbnail, png_); }), std::nullopt);
  const std::string filler((1 << 20) - png_.size(), 'x');
  ASSERT_EQ(api_error_of([&] { upload->write(UploadFile::thumbnail, filler); }), std::nullopt);
  EXPECT_EQ(api_error_of([&] { upload->write(UploadFile::thumbnail, "x"); }),
            error(413, "The thumbnail is larger than the limit of 1 MiB"));
}

TEST_F(TrackUploadTest, second_audio_part_is_refused) {
  auto upload = start();
  send_file(*upload, UploadFile::audio, "one.mp3", mp3_);
  EXPECT_EQ(api_error_of([&] { upload->begin_file(UploadFile::audio, "two.mp3"); }),
            error(400, "Only one audio file per upload"));
}

TEST_F(TrackUploadTest, second_audio_part_is_refused_even_while_the_first_is_open) {
  auto upload = start();
  upload->begin_file(UploadFile::audio, "one.mp3");
  EXPECT_EQ(api_error_of([&] { upload->begin_file(UploadFile::audio, "two.mp3"); }),
            error(400, "Only one audio file per upload"));
}

TEST_F(TrackUploadTest, second_thumbnail_is_refused) {
  auto upload = start();
  send_file(*upload, UploadFile::thumbnail, "one.png", png_);
  EXPECT_EQ(api_error_of([&] { upload->begin_file(UploadFile::thumbnail, "two.png"); }),
            error(400, "Only one thumbnail per upload"));
}

TEST_F(TrackUploadTest,
       audio_that_sniffs_but_cannot_be_measured_is_refused_and_nothing_is_committed) {
  auto upload = start();
  upload->set_field("title", "Hollow");
  send_file(*upload, UploadFile::audio, "hollow.wav", test_media::wav_header(0));
  send_file(*upload, UploadFile::thumbnail, "cover.png", png_);
  EXPECT_EQ(api_error_of([&] { upload->finish(); }),
            error(415, "The audio file could not be read as wav audio"));
  upload->discard();
  EXPECT_EQ(track_rows(), 0u);
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest, discard_after_finish_keeps_the_track_and_its_objects) {
  auto upload = complete_upload();
  const TrackRecord track = upload->finish();
  upload->discard();
  upload.reset();
  EXPECT_TRUE(store_->find_track(track.id));
  EXPECT_THAT(stored_files(), ElementsAre(track.file_key, track.thumbnail_key));
}

TEST_F(TrackUploadTest, discard_twice_is_harmless) {
  auto upload = complete_upload();
  upload->discard();
  EXPECT_NO_THROW(upload->discard());
  upload.reset();
  expect_nothing_left();
}

TEST_F(TrackUploadTest, insert_failure_after_commit_removes_the_committed_objects_on_discard) {
  auto upload = complete_upload();
  // With foreign keys on, a row naming a user who no longer exists cannot be inserted;
  // by then both objects have been committed.
  ASSERT_TRUE(store_->delete_user(user_.id));
  EXPECT_THROW(upload->finish(), std::runtime_error);
  EXPECT_EQ(stored_files().size(), 2u) << "both objects were committed before the insert";
  upload->discard();
  expect_nothing_left();
  EXPECT_NO_THROW(upload->discard());
}

TEST_F(TrackUploadTest, destroying_an_upload_whose_insert_failed_removes_the_committed_objects) {
  auto upload = complete_upload();
  ASSERT_TRUE(store_->delete_user(user_.id));
  EXPECT_THROW(upload->finish(), std::runtime_error);
  ASSERT_EQ(stored_files().size(), 2u);
  upload.reset();
  EXPECT_THAT(stored_files(), IsEmpty());
}

TEST_F(TrackUploadTest, destroying_an_unfinished_upload_removes_everything) {
  auto upload = complete_upload();
  ASSERT_FALSE(incoming().empty()) << "both files are staged";
  upload.reset();
  expect_nothing_left();
}

}  // namespace
}  // namespace volkrin
