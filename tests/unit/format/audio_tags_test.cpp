// Tags read back from files ffmpeg and TagLib wrote in every format, and from hostile ones.
#include "format/audio_tags.hpp"

#include <gtest/gtest.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tpropertymap.h>
#include <taglib/uniquefileidentifierframe.h>
#include <taglib/unsynchronizedlyricsframe.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "format/tag_text_checks.hpp"
#include "media/media_samples.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using test_media::read_bytes;
using test_media::write_bytes;

constexpr const char* kTrackId = "11111111-1111-4111-8111-111111111111";
constexpr const char* kAlbumId = "22222222-2222-4222-8222-222222222222";
constexpr const char* kArtistId = "33333333-3333-4333-8333-333333333333";
constexpr const char* kAlbumArtistId = "44444444-4444-4444-8444-444444444444";
constexpr const char* kReleaseGroupId = "55555555-5555-4555-8555-555555555555";
constexpr const char* kTitle = "T\xC3\xAFtle \xE2\x80\x94 \xE6\xAD\x8C";  // "Tïtle — 歌"
constexpr const char* kLyrics = "First line\nSecond line";

// --- files ---------------------------------------------------------------------------------

// The 16x16 picture test_media makes with ffmpeg; empty when it could not.
fs::path image_path(const std::string& name) {
  for (const auto& sample : test_media::image_samples()) {
    if (sample.name == name) return test_media::image_file(sample).value_or(fs::path{});
  }
  return {};
}

const std::string& png_cover() {
  static const std::string bytes = read_bytes(image_path("png"));
  return bytes;
}

const std::string& jpeg_cover() {
  static const std::string bytes = read_bytes(image_path("jpeg"));
  return bytes;
}

// String literals with NULs inside, whole.
template <std::size_t N>
std::string literal(const char (&s)[N]) {
  return std::string(s, N - 1);
}

// A copy of `from` under a name of its own, for a test that changes it.
fs::path copy_of(const fs::path& from, const std::string& name) {
  const fs::path to = test_media::scratch() / name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  return to;
}

TagLib::String utf8(const std::string& s) {
  return TagLib::String(s, TagLib::String::UTF8);
}

TagLib::ByteVector bytes_of(const std::string& s) {
  return TagLib::ByteVector(s.data(), static_cast<unsigned>(s.size()));
}

// Tags written with TagLib where ffmpeg cannot write them.
TagLib::ID3v2::AttachedPictureFrame* apic(const std::string& image, const char* mime,
                                          TagLib::ID3v2::AttachedPictureFrame::Type type) {
  auto* frame = new TagLib::ID3v2::AttachedPictureFrame;
  frame->setType(type);
  frame->setMimeType(mime);
  frame->setPicture(bytes_of(image));
  return frame;
}

TagLib::FLAC::Picture* flac_picture(const std::string& data, TagLib::FLAC::Picture::Type type) {
  auto* picture = new TagLib::FLAC::Picture;
  picture->setType(type);
  picture->setMimeType("image/png");
  picture->setData(bytes_of(data));
  return picture;
}

void save_id3v2(TagLib::MPEG::File& file) {
  file.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripNone, TagLib::ID3v2::v4,
            TagLib::File::DoNotDuplicate);
}

void add_mp3_track_id_lyrics_and_front_cover(const fs::path& path) {
  TagLib::MPEG::File file(path.c_str(), false);
  auto* tag = file.ID3v2Tag(true);
  tag->addFrame(new TagLib::ID3v2::UniqueFileIdentifierFrame("http://musicbrainz.org", kTrackId));
  auto* lyrics = new TagLib::ID3v2::UnsynchronizedLyricsFrame(TagLib::String::UTF8);
  lyrics->setLanguage("eng");
  lyrics->setText(utf8(kLyrics));
  tag->addFrame(lyrics);
  tag->addFrame(apic(jpeg_cover(), "image/jpeg", TagLib::ID3v2::AttachedPictureFrame::FrontCover));
  save_id3v2(file);
}

// ffmpeg writes ID3v1 only next to an ID3v2 tag.
void strip_id3v2(const fs::path& path) {
  TagLib::MPEG::File file(path.c_str(), false);
  file.strip(TagLib::MPEG::File::ID3v2);
}

template <typename OggFile>
void add_ogg_front_cover(const fs::path& path) {
  OggFile file(path.c_str(), false);
  file.tag()->addPicture(flac_picture(png_cover(), TagLib::FLAC::Picture::FrontCover));
  file.save();
}

void add_mp4_musicbrainz_ids(const fs::path& path) {
  TagLib::MP4::File file(path.c_str(), false);
  const auto set = [&](const char* name, const char* id) {
    file.tag()->setItem(std::string("----:com.apple.iTunes:") + name,
                        TagLib::MP4::Item(TagLib::StringList(id)));
  };
  set("MusicBrainz Track Id", kTrackId);
  set("MusicBrainz Album Id", kAlbumId);
  set("MusicBrainz Artist Id", kArtistId);
  set("MusicBrainz Album Artist Id", kAlbumArtistId);
  set("MusicBrainz Release Group Id", kReleaseGroupId);
  file.save();
}

// The whole set through TagLib's property names: TXXX "MusicBrainz Album Id" and the like,
// UFID for the track id, USLT for the lyrics; the cover as APIC.
void add_wav_id3v2_tag(const fs::path& path) {
  TagLib::RIFF::WAV::File file(path.c_str(), false);
  TagLib::PropertyMap properties;
  properties["TITLE"] = utf8(kTitle);
  properties["ARTIST"] = utf8("Artist");
  properties["ALBUM"] = utf8("The Album");
  properties["ALBUMARTIST"] = utf8("Album Artist");
  properties["TRACKNUMBER"] = utf8("3/12");
  properties["DISCNUMBER"] = utf8("1/2");
  properties["DATE"] = utf8("2019-05-01");
  properties["GENRE"] = utf8("Rock");
  properties["LYRICS"] = utf8(kLyrics);
  properties["MUSICBRAINZ_TRACKID"] = utf8(kTrackId);
  properties["MUSICBRAINZ_ALBUMID"] = utf8(kAlbumId);
  properties["MUSICBRAINZ_ARTISTID"] = utf8(kArtistId);
  properties["MUSICBRAINZ_ALBUMARTISTID"] = utf8(kAlbumArtistId);
  properties["MUSICBRAINZ_RELEASEGROUPID"] = utf8(kReleaseGroupId);
  file.ID3v2Tag()->setProperties(properties);
  file.ID3v2Tag()->addFrame(
      apic(png_cover(), "image/png", TagLib::ID3v2::AttachedPictureFrame::FrontCover));
  file.save(TagLib::RIFF::WAV::File::ID3v2, TagLib::File::StripNone);
}

// --- what each format carries ----------------------------------------------------------------

const std::string kCommonTags =
    "-metadata 'title=" + std::string(kTitle) +
    "' -metadata artist=Artist -metadata 'album=The Album' -metadata 'album_artist=Album "
    "Artist' -metadata track=3/12 -metadata disc=1/2 -metadata date=2019-05-01 -metadata "
    "genre=Rock";
const std::string kVorbisIds = std::string(" -metadata MUSICBRAINZ_TRACKID=") + kTrackId +
                               " -metadata MUSICBRAINZ_ALBUMID=" + kAlbumId +
                               " -metadata MUSICBRAINZ_ARTISTID=" + kArtistId +
                               " -metadata MUSICBRAINZ_ALBUMARTISTID=" + kAlbumArtistId +
                               " -metadata MUSICBRAINZ_RELEASEGROUPID=" + kReleaseGroupId;
// TXXX frames as Picard names them; the track id goes into UFID, which ffmpeg cannot write.
const std::string kId3Ids = std::string(" -metadata 'MusicBrainz Album Id=") + kAlbumId +
                            "' -metadata 'MusicBrainz Artist Id=" + kArtistId +
                            "' -metadata 'MusicBrainz Album Artist Id=" + kAlbumArtistId +
                            "' -metadata 'MusicBrainz Release Group Id=" + kReleaseGroupId + "'";
const std::string kLyricsTag = std::string(" -metadata 'lyrics=") + kLyrics + "'";

AudioTags full_tags() {
  AudioTags t;
  t.title = kTitle;
  t.artist = "Artist";
  t.album = "The Album";
  t.album_artist = "Album Artist";
  t.track_number = 3;
  t.track_total = 12;
  t.disc_number = 1;
  t.disc_total = 2;
  t.year = 2019;
  t.genre = "Rock";
  t.musicbrainz = {kTrackId, kAlbumId, kArtistId, kAlbumArtistId, kReleaseGroupId};
  t.lyrics = kLyrics;
  t.cover = png_cover();
  return t;
}

struct TaggedSample {
  std::string name;
  AudioFormat format;
  std::string ffmpeg_out;                         // codec, the tags ffmpeg writes, output file
  bool ffmpeg_cover = false;                      // ffmpeg attaches the PNG as the picture
  std::function<void(const fs::path&)> complete;  // TagLib adds what ffmpeg cannot write
  std::function<void(AudioTags&)> limit;          // what the format cannot carry, taken away
};

void PrintTo(const TaggedSample& sample, std::ostream* os) {
  *os << sample.name;
}

const std::vector<TaggedSample>& tagged_samples() {
  static const std::vector<TaggedSample> samples = {
      {"mp3_id3v24", AudioFormat::mp3,
       "-c:a libmp3lame -id3v2_version 4 " + kCommonTags + kId3Ids + " out.mp3", true,
       add_mp3_track_id_lyrics_and_front_cover,
       // ffmpeg's picture is of type "other"; the front cover TagLib added wins.
       [](AudioTags& t) { t.cover = jpeg_cover(); }},
      // What ffmpeg alone writes: the track id as TXXX "MusicBrainz Track Id" (some taggers'
      // spelling; Picard's UFID is in mp3_id3v24), lyrics as TXXX "USLT".
      {"mp3_id3v23", AudioFormat::mp3,
       "-c:a libmp3lame -id3v2_version 3 " + kCommonTags + kId3Ids +
           " -metadata 'MusicBrainz Track Id=" + kTrackId + "'" + kLyricsTag + " out.mp3",
       true, nullptr, nullptr},
      {"mp3_id3v1", AudioFormat::mp3,
       "-c:a libmp3lame -write_id3v1 1 -metadata title=Title -metadata artist=Artist -metadata "
       "'album=The Album' -metadata track=3/12 -metadata date=2019-05-01 -metadata genre=Rock "
       "out.mp3",
       false, strip_id3v2,
       [](AudioTags& t) {
         // ID3v1: 30 Latin-1 bytes per name, a track number without total, a genre index.
         t = AudioTags{};
         t.title = "Title";
         t.artist = "Artist";
         t.album = "The Album";
         t.track_number = 3;
         t.year = 2019;
         t.genre = "Rock";
       }},
      {"flac", AudioFormat::flac,
       "-c:a flac " + kCommonTags + kVorbisIds + kLyricsTag + " out.flac", true, nullptr, nullptr},
      {"ogg_vorbis", AudioFormat::ogg_vorbis,
       "-c:a libvorbis " + kCommonTags + kVorbisIds + kLyricsTag + " out.ogg", false,
       add_ogg_front_cover<TagLib::Ogg::Vorbis::File>, nullptr},
      {"ogg_opus", AudioFormat::ogg_opus,
       "-c:a libopus " + kCommonTags + kVorbisIds + kLyricsTag + " out.opus", false,
       add_ogg_front_cover<TagLib::Ogg::Opus::File>, nullptr},
      {"m4a", AudioFormat::m4a, "-c:a aac " + kCommonTags + kLyricsTag + " out.m4a", true,
       add_mp4_musicbrainz_ids, nullptr},
      {"wav_info", AudioFormat::wav, "-c:a pcm_s16le " + kCommonTags + " out.wav", false, nullptr,
       [](AudioTags& t) {
         // RIFF INFO: no album artist, disc, MusicBrainz ids, lyrics or picture.
         t.album_artist.reset();
         t.disc_number.reset();
         t.disc_total.reset();
         t.musicbrainz = {};
         t.lyrics.reset();
         t.cover.reset();
       }},
      {"wav_id3v2", AudioFormat::wav, "-c:a pcm_s16le -fflags +bitexact out.wav", false,
       add_wav_id3v2_tag, nullptr},
  };
  return samples;
}

// The sample made once per process: ffmpeg, then TagLib for the rest.
std::optional<fs::path> tagged_file(const TaggedSample& sample) {
  static std::map<std::string, std::optional<fs::path>> made;
  if (auto it = made.find(sample.name); it != made.end()) return it->second;
  std::string input = "-f lavfi -i sine=frequency=440:duration=0.2";
  if (sample.ffmpeg_cover) {
    input += " -i '" + image_path("png").string() +
             "' -map 0 -map 1 -c:v copy -disposition:v attached_pic";
  }
  auto file = test_media::run_ffmpeg(input, sample.ffmpeg_out, "tagged-" + sample.name + ".upload");
  if (file && sample.complete) sample.complete(*file);
  made.emplace(sample.name, file);
  return file;
}

// An untagged file of the format, for tests that write their own tags.
fs::path bare_file(const std::string& name, const std::string& out) {
  static std::map<std::string, fs::path> made;
  if (auto it = made.find(name); it != made.end()) return it->second;
  const auto file = test_media::run_ffmpeg("-f lavfi -i sine=frequency=440:duration=0.2",
                                           "-map_metadata -1 -fflags +bitexact " + out,
                                           "bare-" + name + ".upload");
  made.emplace(name, file.value_or(fs::path{}));
  return made[name];
}

fs::path bare_flac() {
  return bare_file("flac", "-c:a flac out.flac");
}
// Plain MPEG frames: no ID3v2 tag, no Xing header.
fs::path bare_mp3() {
  return bare_file("mp3", "-c:a libmp3lame -id3v2_version 0 -write_xing 0 out.mp3");
}

class NeedsFfmpeg : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    ASSERT_FALSE(png_cover().empty()) << "ffmpeg could not make the cover";
    ASSERT_FALSE(jpeg_cover().empty()) << "ffmpeg could not make the cover";
  }
};

// --- every format ----------------------------------------------------------------------------

class TaggedAudio : public ::testing::TestWithParam<TaggedSample> {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    ASSERT_FALSE(png_cover().empty()) << "ffmpeg could not make the cover";
    ASSERT_FALSE(jpeg_cover().empty()) << "ffmpeg could not make the cover";
    const auto made = tagged_file(GetParam());
    ASSERT_TRUE(made) << "could not make the " << GetParam().name << " sample";
    file_ = *made;
  }
  fs::path file_;
};

TEST_P(TaggedAudio, every_field_the_format_carries_is_read_back) {
  const auto& sample = GetParam();
  ASSERT_EQ(sniff_audio(read_bytes(file_, kSniffBytes)), sample.format);
  AudioTags expected = full_tags();
  if (sample.limit) sample.limit(expected);

  const auto tags = read_audio_tags(file_, sample.format);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->title, expected.title);
  EXPECT_EQ(tags->artist, expected.artist);
  EXPECT_EQ(tags->album, expected.album);
  EXPECT_EQ(tags->album_artist, expected.album_artist);
  EXPECT_EQ(tags->track_number, expected.track_number);
  EXPECT_EQ(tags->track_total, expected.track_total);
  EXPECT_EQ(tags->disc_number, expected.disc_number);
  EXPECT_EQ(tags->disc_total, expected.disc_total);
  EXPECT_EQ(tags->year, expected.year);
  EXPECT_EQ(tags->genre, expected.genre);
  EXPECT_EQ(tags->musicbrainz.track, expected.musicbrainz.track);
  EXPECT_EQ(tags->musicbrainz.album, expected.musicbrainz.album);
  EXPECT_EQ(tags->musicbrainz.artist, expected.musicbrainz.artist);
  EXPECT_EQ(tags->musicbrainz.album_artist, expected.musicbrainz.album_artist);
  EXPECT_EQ(tags->musicbrainz.release_group, expected.musicbrainz.release_group);
  EXPECT_EQ(tags->lyrics, expected.lyrics);
  ASSERT_EQ(tags->cover.has_value(), expected.cover.has_value());
  if (!expected.cover) return;
  EXPECT_TRUE(*tags->cover == *expected.cover)
      << "cover of " << tags->cover->size() << " bytes differs from the embedded image";
  const auto image = cover_image(*tags->cover);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->format, sniff_image(*expected.cover));
}

INSTANTIATE_TEST_SUITE_P(Formats, TaggedAudio, ::testing::ValuesIn(tagged_samples()),
                         [](const auto& p) { return p.param.name; });

// --- how tags combine ------------------------------------------------------------------------

using AudioTagSources = NeedsFfmpeg;

TEST_F(AudioTagSources, id_3v_1_fills_what_the_id_3v_2_tag_lacks) {
  const fs::path file = copy_of(bare_mp3(), "v1-and-v2.upload");
  {
    TagLib::MPEG::File mp3(file.c_str(), false);
    mp3.ID3v1Tag(true)->setTitle("Old Title");
    mp3.ID3v1Tag(true)->setArtist("Artist");
    mp3.ID3v1Tag(true)->setGenre("Rock");
    mp3.ID3v2Tag(true)->setTitle("Newer Title");
    mp3.save(TagLib::MPEG::File::ID3v1 | TagLib::MPEG::File::ID3v2, TagLib::File::StripNone,
             TagLib::ID3v2::v4, TagLib::File::DoNotDuplicate);
  }
  const auto tags = read_audio_tags(file, AudioFormat::mp3);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->title, "Newer Title");
  EXPECT_EQ(tags->artist, "Artist");
  EXPECT_EQ(tags->genre, "Rock");
}

TEST(AudioTagSourcesOfWav, id_3v_2_chunk_wins_over_riff_info_which_fills_the_rest) {
  ASSERT_FALSE(test_media::scratch().empty());
  const fs::path file = test_media::scratch() / "both-wav-tags.upload";
  const std::uint32_t bytes = 4410 * 4;  // 0.1 s of 16-bit stereo silence
  write_bytes(file, test_media::wav_header(bytes) + std::string(bytes, '\0'));
  {
    TagLib::RIFF::WAV::File wav(file.c_str(), false);
    wav.InfoTag()->setTitle("Info Title");
    wav.InfoTag()->setGenre("Jazz");
    wav.ID3v2Tag()->setTitle("Id3 Title");
    wav.save(TagLib::RIFF::WAV::File::AllTags, TagLib::File::StripNone);
  }
  const auto tags = read_audio_tags(file, AudioFormat::wav);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->title, "Id3 Title");
  EXPECT_EQ(tags->genre, "Jazz");
}

TEST_F(AudioTagSources, front_cover_is_preferred_and_an_oversized_one_is_ignored) {
  const fs::path file = copy_of(bare_flac(), "covers.upload");
  {
    TagLib::FLAC::File flac(file.c_str(), false);
    flac.addPicture(flac_picture(jpeg_cover(), TagLib::FLAC::Picture::BackCover));
    flac.addPicture(flac_picture(png_cover(), TagLib::FLAC::Picture::FrontCover));
    flac.save();
  }
  auto tags = read_audio_tags(file, AudioFormat::flac);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->cover, png_cover());

  {
    TagLib::FLAC::File flac(file.c_str(), false);
    flac.removePictures();
    flac.addPicture(
        flac_picture(std::string(kMaxCoverBytes + 1, 'x'), TagLib::FLAC::Picture::FrontCover));
    flac.addPicture(flac_picture(jpeg_cover(), TagLib::FLAC::Picture::BackCover));
    flac.save();
  }
  tags = read_audio_tags(file, AudioFormat::flac);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->cover, jpeg_cover());
}

TEST_F(AudioTagSources, a_file_without_tags_gives_empty_tags) {
  const auto tags = read_audio_tags(bare_mp3(), AudioFormat::mp3);
  ASSERT_TRUE(tags);
  EXPECT_EQ(*tags, AudioTags{});
}

// --- hostile tags ----------------------------------------------------------------------------

// ID3v2.4 as raw bytes, for text TagLib would never write.
std::string syncsafe(std::uint32_t n) {
  return {static_cast<char>((n >> 21) & 0x7F), static_cast<char>((n >> 14) & 0x7F),
          static_cast<char>((n >> 7) & 0x7F), static_cast<char>(n & 0x7F)};
}
std::string id3v24_frame(std::string_view id, const std::string& payload) {
  return std::string(id) + syncsafe(static_cast<std::uint32_t>(payload.size())) +
         std::string(2, '\0') + payload;
}
std::string id3v24_tag(const std::string& frames) {
  return std::string("ID3\x04\x00\x00", 6) + syncsafe(static_cast<std::uint32_t>(frames.size())) +
         frames;
}
// Encodings: 0 Latin-1, 1 UTF-16 with byte order mark, 3 UTF-8.
std::string latin1(const std::string& text) {
  return std::string(1, '\0') + text;
}
std::string utf16le(const std::vector<std::uint16_t>& units) {
  std::string out = "\x01\xFF\xFE";
  for (const auto u : units) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>(u >> 8);
  }
  return out;
}
std::string utf8_frame(const std::string& text) {
  return "\x03" + text;
}

fs::path mp3_with_raw_id3v2(const std::string& name, const std::string& frames) {
  const fs::path file = test_media::scratch() / name;
  write_bytes(file, id3v24_tag(frames) + read_bytes(bare_mp3()));
  return file;
}

std::string le32(std::size_t n) {
  return {static_cast<char>(n & 0xFF), static_cast<char>((n >> 8) & 0xFF),
          static_cast<char>((n >> 16) & 0xFF), static_cast<char>((n >> 24) & 0xFF)};
}

// The bare FLAC with its Vorbis comment replaced by one holding `fields` byte for byte, for
// text TagLib would never write.
fs::path flac_with_raw_comment(const std::string& name, const std::vector<std::string>& fields) {
  const std::string flac = read_bytes(bare_flac());
  std::string comment = le32(6) + "vendor" + le32(fields.size());
  for (const auto& field : fields) comment += le32(field.size()) + field;
  // After "fLaC", metadata blocks: a byte with the last-block flag and the type, 24 bits of
  // length, the body. The old comment (type 4) and padding (type 1) are left out.
  std::string out = "fLaC";
  std::size_t pos = 4;
  bool last = false;
  while (!last && pos + 4 <= flac.size()) {
    const auto header = static_cast<std::uint8_t>(flac[pos]);
    last = (header & 0x80) != 0;
    const std::size_t length = (std::size_t{static_cast<std::uint8_t>(flac[pos + 1])} << 16) |
                               (std::size_t{static_cast<std::uint8_t>(flac[pos + 2])} << 8) |
                               static_cast<std::uint8_t>(flac[pos + 3]);
    const auto type = header & 0x7F;
    if (type != 4 && type != 1) {
      out += static_cast<char>(type);
      out += flac.substr(pos + 1, 3 + length);
    }
    pos += 4 + length;
  }
  out += static_cast<char>(0x80 | 4);
  out += {static_cast<char>(comment.size() >> 16), static_cast<char>((comment.size() >> 8) & 0xFF),
          static_cast<char>(comment.size() & 0xFF)};
  out += comment + flac.substr(pos);
  const fs::path file = test_media::scratch() / name;
  write_bytes(file, out);
  return file;
}

using HostileTags = NeedsFfmpeg;

TEST_F(HostileTags, broken_utf_16_is_replaced_and_latin_1_controls_are_dropped) {
  const std::string frames =
      id3v24_frame("TIT2", utf16le({'A', 0xD800, 'B'})) +          // lone surrogate
      id3v24_frame("TPE2", utf16le({0xD83D, 0xDE00, ' ', 'X'})) +  // a valid pair
      id3v24_frame("TPE1", latin1("Art\x85is\x01t \xE9\x9F"));     // C1, C0, é
  const auto tags = read_audio_tags(mp3_with_raw_id3v2("utf16.upload", frames), AudioFormat::mp3);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->title,
            "A\xEF\xBF\xBD"
            "B");
  EXPECT_EQ(tags->album_artist, "\xF0\x9F\x98\x80 X");
  EXPECT_EQ(tags->artist, "Artist \xC3\xA9");
}

TEST_F(HostileTags, invalid_utf_8_never_comes_out) {
  const std::string frames = id3v24_frame("TALB", utf8_frame("Al\xC3\x28"
                                                             "bum\xFF")) +
                             id3v24_frame("TIT2", utf8_frame("Good"));
  const auto mp3 = read_audio_tags(mp3_with_raw_id3v2("bad-utf8.upload", frames), AudioFormat::mp3);
  ASSERT_TRUE(mp3);
  EXPECT_EQ(mp3->title, "Good");
  // TagLib turns a whole invalid UTF-8 value into an empty string: it is absent.
  EXPECT_EQ(mp3->album, std::nullopt);

  // The same in a Vorbis comment, which is UTF-8 throughout.
  const auto flac =
      read_audio_tags(flac_with_raw_comment("bad-utf8-flac.upload",
                                            {"TITLE=\xC3\x28 bad \xFF", "ARTIST=Go\x01od\xC2\x85"}),
                      AudioFormat::flac);
  ASSERT_TRUE(flac);
  EXPECT_EQ(flac->title, std::nullopt);
  EXPECT_EQ(flac->artist, "Good");
}

TEST_F(HostileTags, nul_separated_id_3_lists_give_their_first_value) {
  const std::string frames = id3v24_frame("TCON", utf8_frame(literal("\0Rock\0Pop"))) +
                             id3v24_frame("TPE1", latin1(literal("One\0Two")));
  const auto tags = read_audio_tags(mp3_with_raw_id3v2("lists.upload", frames), AudioFormat::mp3);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->genre, "Rock");
  EXPECT_EQ(tags->artist, "One");
}

TEST_F(HostileTags, controls_inside_vorbis_comments_are_dropped_and_a_nul_ends_the_value) {
  const auto tags = read_audio_tags(
      flac_with_raw_comment("controls.upload", {literal("TITLE=A\x1B[31mB\x7F\xC2\x85\tC\0hidden"),
                                                literal("LYRICS=one\r\ntwo\x07three\n\0hidden")}),
      AudioFormat::flac);
  ASSERT_TRUE(tags);
  // TagLib itself ends a value at its first NUL.
  EXPECT_EQ(tags->title, "A[31mB C");
  EXPECT_EQ(tags->lyrics, "one\ntwothree");
}

TEST_F(HostileTags, multi_megabyte_text_is_cut) {
  const std::string huge(3 * 1024 * 1024, 'x');
  const fs::path flac_file = copy_of(bare_flac(), "huge.upload");
  {
    TagLib::FLAC::File flac(flac_file.c_str(), false);
    flac.xiphComment(true)->addField("TITLE", utf8(huge));
    flac.xiphComment(true)->addField("LYRICS", utf8(huge));
    flac.save();
  }
  const fs::path mp3_file = copy_of(bare_mp3(), "huge-mp3.upload");
  {
    TagLib::MPEG::File mp3(mp3_file.c_str(), false);
    mp3.ID3v2Tag(true)->setAlbum(utf8(huge));
    save_id3v2(mp3);
  }
  const auto flac = read_audio_tags(flac_file, AudioFormat::flac);
  ASSERT_TRUE(flac);
  EXPECT_EQ(flac->title, std::string(kTagNameLimits.max_chars, 'x'));
  EXPECT_EQ(flac->lyrics, std::string(kTagLyricsLimits.max_bytes, 'x'));
  const auto mp3 = read_audio_tags(mp3_file, AudioFormat::mp3);
  ASSERT_TRUE(mp3);
  EXPECT_EQ(mp3->album, std::string(kTagNameLimits.max_chars, 'x'));
}

TEST_F(HostileTags, zero_negative_huge_and_garbage_positions_are_absent) {
  const fs::path file = copy_of(bare_flac(), "positions.upload");
  for (const char* bad : {"0", "-3", "abc", "99999", "3.5", ""}) {
    {
      TagLib::FLAC::File flac(file.c_str(), false);
      flac.xiphComment(true)->addField("TRACKNUMBER", bad);
      flac.xiphComment(true)->addField("DISCNUMBER", bad);
      flac.xiphComment(true)->addField("DATE", bad);
      flac.save();
    }
    const auto tags = read_audio_tags(file, AudioFormat::flac);
    ASSERT_TRUE(tags);
    EXPECT_EQ(tags->track_number, std::nullopt) << bad;
    EXPECT_EQ(tags->disc_number, std::nullopt) << bad;
    EXPECT_EQ(tags->year, std::nullopt) << bad;
  }
}

TEST_F(HostileTags, id_3_positions_dates_and_ids_that_make_no_sense_are_absent) {
  const std::string frames =
      id3v24_frame("TRCK", latin1("-3/12")) + id3v24_frame("TPOS", latin1("5/2")) +
      id3v24_frame("TDRC", latin1("sometime")) +
      id3v24_frame("TXXX", latin1(literal("MusicBrainz Album Id\0not-an-id")));
  const auto tags =
      read_audio_tags(mp3_with_raw_id3v2("nonsense.upload", frames), AudioFormat::mp3);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->track_number, std::nullopt);
  EXPECT_EQ(tags->track_total, 12);
  EXPECT_EQ(tags->disc_number, 5);
  EXPECT_EQ(tags->disc_total, std::nullopt) << "a total below the number";
  EXPECT_EQ(tags->year, std::nullopt);
  EXPECT_EQ(tags->musicbrainz.album, std::nullopt);
}

TEST_F(HostileTags, cover_that_is_not_an_image_is_read_but_not_taken_for_an_image) {
  const std::string junk = test_media::random_bytes(2048, 7);
  ASSERT_FALSE(sniff_image(junk));
  const fs::path file = copy_of(bare_flac(), "junk-cover.upload");
  {
    TagLib::FLAC::File flac(file.c_str(), false);
    flac.addPicture(flac_picture(junk, TagLib::FLAC::Picture::FrontCover));
    flac.save();
  }
  const auto tags = read_audio_tags(file, AudioFormat::flac);
  ASSERT_TRUE(tags);
  ASSERT_TRUE(tags->cover);
  EXPECT_TRUE(*tags->cover == junk);
  EXPECT_FALSE(cover_image(*tags->cover));
  const auto png = cover_image(png_cover());
  ASSERT_TRUE(png);
  EXPECT_EQ(png->format, ImageFormat::png);
}

// --- files that are not audio ------------------------------------------------------------------

const AudioFormat kAllFormats[] = {AudioFormat::mp3,        AudioFormat::m4a,
                                   AudioFormat::ogg_vorbis, AudioFormat::ogg_opus,
                                   AudioFormat::flac,       AudioFormat::wav};

TEST(AudioTagsOfNonAudio, missing_empty_and_directory_give_nothing) {
  ASSERT_FALSE(test_media::scratch().empty());
  const fs::path empty = test_media::scratch() / "empty-tags.upload";
  write_bytes(empty, "");
  for (const auto format : kAllFormats) {
    EXPECT_EQ(read_audio_tags(test_media::scratch() / "missing.upload", format), std::nullopt);
    EXPECT_EQ(read_audio_tags(empty, format), std::nullopt);
    EXPECT_EQ(read_audio_tags(test_media::scratch(), format), std::nullopt);
  }
}

TEST(AudioTagsOfNonAudio, random_bytes_give_nothing_or_clean_tags_whatever_the_parser) {
  ASSERT_FALSE(test_media::scratch().empty());
  const fs::path file = test_media::scratch() / "random-tags.upload";
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    write_bytes(file, test_media::random_bytes(std::size_t{16} * 1024, seed));
    for (const auto format : kAllFormats) {
      const auto tags = read_audio_tags(file, format);
      if (tags) {
        EXPECT_TRUE(tag_checks::holds_invariants(*tags)) << to_string(format);
      }
    }
  }
}

}  // namespace
}  // namespace volkrin
