// Format recognition of uploads from their bytes: real ffmpeg output, hand-made headers, junk.
#include "format/content_sniff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "media/media_samples.hpp"

namespace volkrin {
namespace {

using test_media::audio_file;
using test_media::AudioSample;
using test_media::image_file;
using test_media::ImageSample;
using test_media::random_bytes;
using test_media::read_bytes;

std::string head_of(const std::filesystem::path& file) {
  return read_bytes(file, kSniffBytes);
}

// MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
constexpr std::string_view kMp3FrameHeader("\xFF\xFB\x90\x64", 4);
constexpr std::size_t kMp3FrameLength = 417;

std::string mp3_frames(std::string_view header, std::size_t frame_length, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += header;
    out.append(frame_length - header.size(), '\x55');
  }
  return out;
}

std::string ogg_first_page(char version, std::string_view packet) {
  std::string page = "OggS";
  page += version;
  page += '\x02';                // beginning of stream
  page.append(8, '\0');          // granule position
  page.append("\x01\0\0\0", 4);  // serial
  page.append(4, '\0');          // sequence
  page.append(4, '\0');          // checksum (not checked by the sniffer)
  page += '\x01';                // one segment
  page += static_cast<char>(packet.size());
  page += packet;
  return page;
}

std::string ftyp(std::string_view major, std::initializer_list<std::string_view> compatible) {
  const auto size = static_cast<char>(16 + 4 * compatible.size());
  std::string box{'\0', '\0', '\0', size};
  box += "ftyp";
  box += major;
  box.append(4, '\0');
  for (auto brand : compatible) box += brand;
  box.append(8, '\0');
  return box;
}

std::string riff(std::string_view form, std::string_view first_chunk) {
  std::string out = "RIFF";
  out.append("\x40\0\0\0", 4);
  out += form;
  out += first_chunk;
  out.append(60, '\0');
  return out;
}

// --- Real files made by ffmpeg ---------------------------------------------------------------

class GeneratedAudio : public ::testing::TestWithParam<AudioSample> {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    const auto file = audio_file(GetParam());
    ASSERT_TRUE(file) << "ffmpeg could not make the " << GetParam().name << " sample";
    bytes_ = read_bytes(*file);
  }
  std::string bytes_;
};

TEST_P(GeneratedAudio, sniffs_as_its_format_from_leading_bytes) {
  EXPECT_EQ(sniff_audio(std::string_view(bytes_).substr(0, kSniffBytes)), GetParam().format);
}

TEST_P(GeneratedAudio, is_not_an_image) {
  EXPECT_EQ(sniff_image(std::string_view(bytes_).substr(0, kSniffBytes)), std::nullopt);
}

TEST_P(GeneratedAudio, every_short_prefix_sniffs_as_its_format_or_as_nothing) {
  const std::size_t longest = std::min(bytes_.size(), kSniffBytes);
  for (std::size_t n = 0; n <= longest; ++n) {
    const auto got = sniff_audio(std::string_view(bytes_).substr(0, n));
    if (got) {
      ASSERT_EQ(*got, GetParam().format) << "prefix of " << n << " bytes";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, GeneratedAudio, ::testing::ValuesIn(test_media::audio_samples()),
                         [](const auto& p) { return p.param.name; });

class GeneratedImage : public ::testing::TestWithParam<ImageSample> {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    const auto& encoder = GetParam().encoder;
    if (!encoder.empty() && !test_media::ffmpeg_has_encoder(encoder)) {
      GTEST_SKIP() << "this ffmpeg has no " << encoder
                   << " encoder; the hand-made header tests cover the format";
    }
    const auto file = image_file(GetParam());
    ASSERT_TRUE(file) << "ffmpeg could not make the " << GetParam().name << " sample";
    bytes_ = read_bytes(*file);
  }
  std::string bytes_;
};

TEST_P(GeneratedImage, sniffs_as_its_format_from_leading_bytes) {
  EXPECT_EQ(sniff_image(std::string_view(bytes_).substr(0, kSniffBytes)), GetParam().format);
}

TEST_P(GeneratedImage, is_not_audio) {
  EXPECT_EQ(sniff_audio(std::string_view(bytes_).substr(0, kSniffBytes)), std::nullopt);
}

TEST_P(GeneratedImage, every_prefix_sniffs_as_its_format_or_as_nothing) {
  for (std::size_t n = 0; n <= bytes_.size() && n <= kSniffBytes; ++n) {
    const auto head = std::string_view(bytes_).substr(0, n);
    const auto got = sniff_image(head);
    if (got) {
      ASSERT_EQ(*got, GetParam().format) << "prefix of " << n << " bytes";
    }
    ASSERT_EQ(sniff_audio(head), std::nullopt) << "prefix of " << n << " bytes";
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, GeneratedImage, ::testing::ValuesIn(test_media::image_samples()),
                         [](const auto& p) { return p.param.name; });

// --- Junk ------------------------------------------------------------------------------------

TEST(ContentSniff, random_bytes_named_song_mp3_are_neither_audio_nor_image) {
  const auto& dir = test_media::scratch();
  ASSERT_FALSE(dir.empty());
  const auto file = dir / "song.mp3";
  test_media::write_bytes(file, random_bytes(std::size_t{64} * 1024, 20240611));
  const std::string head = head_of(file);
  ASSERT_EQ(head.size(), kSniffBytes);
  EXPECT_EQ(sniff_audio(head), std::nullopt);
  EXPECT_EQ(sniff_image(head), std::nullopt);
}

TEST(ContentSniff, text_is_neither_audio_nor_image) {
  const auto& dir = test_media::scratch();
  ASSERT_FALSE(dir.empty());
  const auto file = dir / "notes.wav";
  std::string text;
  for (int i = 0; i < 200; ++i) text += "These are not the sounds you are looking for.\n";
  test_media::write_bytes(file, text);
  const std::string head = head_of(file);
  EXPECT_EQ(sniff_audio(head), std::nullopt);
  EXPECT_EQ(sniff_image(head), std::nullopt);
}

TEST(ContentSniff, frame_sync_followed_by_random_bytes_is_not_mp3) {
  for (std::uint32_t seed = 1; seed <= 1000; ++seed) {
    const std::string head = "\xFF\xFB" + random_bytes(kSniffBytes - 2, seed);
    ASSERT_EQ(sniff_audio(head), std::nullopt) << "seed " << seed;
  }
}

TEST(ContentSniff, empty_input_is_neither_audio_nor_image) {
  EXPECT_EQ(sniff_audio(""), std::nullopt);
  EXPECT_EQ(sniff_image(""), std::nullopt);
}

// --- MPEG audio and ID3 ----------------------------------------------------------------------

TEST(ContentSniff, chained_layer_three_frames_are_mp3) {
  EXPECT_EQ(sniff_audio(mp3_frames(kMp3FrameHeader, kMp3FrameLength, 5)), AudioFormat::mp3);
}

TEST(ContentSniff, chained_layer_two_frames_are_mp3) {
  // MPEG-1 layer II, 192 kbit/s, 48 kHz: 576-byte frames.
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xFD\xA4\x04", 4), 576, 5)), AudioFormat::mp3);
}

TEST(ContentSniff, frame_header_without_matching_next_frame_is_not_mp3) {
  std::string frames = mp3_frames(kMp3FrameHeader, kMp3FrameLength, 5);
  frames[kMp3FrameLength] = '\x00';
  EXPECT_EQ(sniff_audio(frames), std::nullopt);
}

TEST(ContentSniff, single_frame_header_in_a_head_too_short_to_confirm_is_mp3) {
  EXPECT_EQ(sniff_audio(std::string(kMp3FrameHeader) + std::string(40, '\0')), AudioFormat::mp3);
}

TEST(ContentSniff, layer_one_and_reserved_fields_are_not_mp3) {
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xFF\x90\x64", 4), 417, 5)), std::nullopt)
      << "layer I";
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xFB\xF0\x64", 4), 417, 5)), std::nullopt)
      << "bitrate index 15";
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xFB\x00\x64", 4), 417, 5)), std::nullopt)
      << "free-format bitrate";
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xFB\x9C\x64", 4), 417, 5)), std::nullopt)
      << "sample rate index 3";
  EXPECT_EQ(sniff_audio(mp3_frames(std::string("\xFF\xEB\x90\x64", 4), 417, 5)), std::nullopt)
      << "reserved MPEG version";
}

TEST(ContentSniff, id3_tag_followed_by_frames_is_mp3) {
  const std::string tag("ID3\x04\x00\x00\x00\x00\x01\x00", 10);  // 128-byte body
  const std::string head = tag + std::string(128, '\0') + mp3_frames(kMp3FrameHeader, 417, 3);
  EXPECT_EQ(sniff_audio(head), AudioFormat::mp3);
}

TEST(ContentSniff, id3_tag_longer_than_the_head_is_mp3) {
  const std::string tag("ID3\x03\x00\x00\x00\x04\x00\x00", 10);  // 64 KiB body
  EXPECT_EQ(sniff_audio(tag + std::string(kSniffBytes - 10, 'x')), AudioFormat::mp3);
}

TEST(ContentSniff, id3_tag_followed_by_junk_is_nothing) {
  const std::string tag("ID3\x04\x00\x00\x00\x00\x00\x10", 10);
  EXPECT_EQ(sniff_audio(tag + std::string(16, '\0') + "plain text, no frames here"), std::nullopt);
}

TEST(ContentSniff, id3_tag_with_broken_syncsafe_size_is_nothing) {
  const std::string tag("ID3\x04\x00\x00\x00\x00\x80\x00", 10);
  EXPECT_EQ(sniff_audio(tag + mp3_frames(kMp3FrameHeader, 417, 3)), std::nullopt);
}

TEST(ContentSniff, flac_stream_after_an_id3_tag_is_flac) {
  const std::string tag("ID3\x03\x00\x00\x00\x00\x00\x08", 10);
  const std::string flac = std::string("fLaC\x00\x00\x00\x22", 8) + std::string(34, '\x11');
  EXPECT_EQ(sniff_audio(tag + std::string(8, 'T') + flac), AudioFormat::flac);
}

TEST(ContentSniff, flac_marker_without_stream_info_is_nothing) {
  EXPECT_EQ(sniff_audio(std::string("fLaC\x04\x00\x00\x22", 8) + std::string(34, '\0')),
            std::nullopt);
}

// --- Containers --------------------------------------------------------------------------------

TEST(ContentSniff, adts_frames_are_aac) {
  // AAC LC, 44.1 kHz, stereo, no CRC, 32-byte frames.
  const std::string header("\xFF\xF1\x50\x80\x04\x1F\xFC", 7);
  std::string frames;
  for (int i = 0; i < 4; ++i) frames += header + std::string(25, '\x21');
  EXPECT_EQ(sniff_audio(frames), AudioFormat::m4a);
}

TEST(ContentSniff, mp4_with_audio_brands_is_m4a) {
  EXPECT_EQ(sniff_audio(ftyp("M4A ", {"M4A ", "isom"})), AudioFormat::m4a);
  EXPECT_EQ(sniff_audio(ftyp("M4B ", {})), AudioFormat::m4a);
  EXPECT_EQ(sniff_audio(ftyp("abcd", {"xyz1", "mp42"})), AudioFormat::m4a);
}

TEST(ContentSniff, mp4_without_audio_brand_or_with_video_major_brand_is_nothing) {
  EXPECT_EQ(sniff_audio(ftyp("qt  ", {"qt  "})), std::nullopt);
  EXPECT_EQ(sniff_audio(ftyp("M4V ", {"isom", "mp42"})), std::nullopt);
  EXPECT_EQ(sniff_audio(ftyp("heic", {"mif1", "heic"})), std::nullopt);
}

// A JPEG's first four bytes read as a box size of about 4 GB; an "ftyp" after them does not
// make the image audio as well (a file is judged one or the other, never both).
TEST(ContentSniff, jpeg_with_ftyp_at_offset_four_is_an_image_and_not_m_4a) {
  const std::string polyglot =
      std::string("\xFF\xD8\xFF\xE0", 4) + "ftypM4A " + std::string(4, '\0') + "M4A mp42isom";
  EXPECT_EQ(sniff_image(polyglot), ImageFormat::jpeg);
  EXPECT_EQ(sniff_audio(polyglot), std::nullopt);
  // A large ftyp box (816 bytes: 200 compatible brands) is still read.
  std::string large = std::string("\0\0\x03\x30", 4) + "ftypabcd" + std::string(4, '\0');
  for (int i = 0; i < 199; ++i) large += "xyz1";
  large += "M4A ";
  EXPECT_EQ(sniff_audio(large), AudioFormat::m4a);
}

TEST(ContentSniff, ogg_first_packet_decides_vorbis_or_opus) {
  EXPECT_EQ(sniff_audio(ogg_first_page('\0', std::string("\x01vorbis", 7) + std::string(23, '\0'))),
            AudioFormat::ogg_vorbis);
  EXPECT_EQ(sniff_audio(ogg_first_page('\0', "OpusHead" + std::string(11, '\x01'))),
            AudioFormat::ogg_opus);
}

TEST(ContentSniff, ogg_with_other_codec_or_version_is_nothing) {
  EXPECT_EQ(sniff_audio(ogg_first_page('\0', std::string("\x80theora", 7) + std::string(35, '\0'))),
            std::nullopt);
  EXPECT_EQ(sniff_audio(ogg_first_page('\0', std::string("\x7F"
                                                         "FLAC",
                                                         5) +
                                                 std::string(40, '\0'))),
            std::nullopt);
  EXPECT_EQ(sniff_audio(ogg_first_page('\1', "OpusHead" + std::string(11, '\x01'))), std::nullopt);
}

TEST(ContentSniff, wav_header_is_wav_and_not_webp) {
  const std::string wav = test_media::wav_header(0);
  EXPECT_EQ(sniff_audio(wav), AudioFormat::wav);
  EXPECT_EQ(sniff_image(wav), std::nullopt);
}

TEST(ContentSniff, hand_made_webp_headers_are_webp_and_not_wav) {
  for (const std::string_view chunk : {"VP8 ", "VP8L", "VP8X"}) {
    const std::string webp = riff("WEBP", chunk);
    EXPECT_EQ(sniff_image(webp), ImageFormat::webp) << chunk;
    EXPECT_EQ(sniff_audio(webp), std::nullopt) << chunk;
  }
}

TEST(ContentSniff, riff_of_other_kinds_is_nothing) {
  EXPECT_EQ(sniff_audio(riff("AVI ", "LIST")), std::nullopt);
  EXPECT_EQ(sniff_image(riff("AVI ", "LIST")), std::nullopt);
  EXPECT_EQ(sniff_image(riff("WEBP", "ALPH")), std::nullopt);
  std::string tiny = riff("WAVE", "fmt ");
  tiny.replace(4, 4, std::string("\x04\0\0\0", 4));
  EXPECT_EQ(sniff_audio(tiny), std::nullopt) << "RIFF size too small to hold a chunk";
}

TEST(ContentSniff, image_magic_numbers_are_recognised) {
  EXPECT_EQ(sniff_image("\xFF\xD8\xFF\xE0"), ImageFormat::jpeg);
  EXPECT_EQ(sniff_image(std::string("\x89PNG\r\n\x1A\n\0\0\0\x0D", 12)), ImageFormat::png);
  EXPECT_EQ(sniff_image("GIF87a\x10\0"), ImageFormat::gif);
  EXPECT_EQ(sniff_image("GIF89a\x10\0"), ImageFormat::gif);
  EXPECT_EQ(sniff_image("GIF88a\x10\0"), std::nullopt);
  EXPECT_EQ(sniff_image("\x89PNG\r\n"), std::nullopt);
}

// --- Names, MIME types, extensions -----------------------------------------------------------

TEST(ContentSniff, audio_formats_have_names_mime_types_and_extensions) {
  EXPECT_EQ(to_string(AudioFormat::mp3), "mp3");
  EXPECT_EQ(to_string(AudioFormat::m4a), "m4a");
  EXPECT_EQ(to_string(AudioFormat::ogg_vorbis), "ogg");
  EXPECT_EQ(to_string(AudioFormat::ogg_opus), "opus");
  EXPECT_EQ(to_string(AudioFormat::flac), "flac");
  EXPECT_EQ(to_string(AudioFormat::wav), "wav");

  EXPECT_EQ(audio_mime(AudioFormat::mp3), "audio/mpeg");
  EXPECT_EQ(audio_mime(AudioFormat::m4a), "audio/mp4");
  EXPECT_EQ(audio_mime(AudioFormat::ogg_vorbis), "audio/ogg");
  EXPECT_EQ(audio_mime(AudioFormat::ogg_opus), "audio/ogg; codecs=opus");
  EXPECT_EQ(audio_mime(AudioFormat::flac), "audio/flac");
  EXPECT_EQ(audio_mime(AudioFormat::wav), "audio/wav");

  EXPECT_EQ(audio_extension(AudioFormat::mp3), ".mp3");
  EXPECT_EQ(audio_extension(AudioFormat::m4a), ".m4a");
  EXPECT_EQ(audio_extension(AudioFormat::ogg_vorbis), ".ogg");
  EXPECT_EQ(audio_extension(AudioFormat::ogg_opus), ".opus");
  EXPECT_EQ(audio_extension(AudioFormat::flac), ".flac");
  EXPECT_EQ(audio_extension(AudioFormat::wav), ".wav");
}

TEST(ContentSniff, image_formats_have_mime_types_and_extensions) {
  EXPECT_EQ(image_mime(ImageFormat::jpeg), "image/jpeg");
  EXPECT_EQ(image_mime(ImageFormat::png), "image/png");
  EXPECT_EQ(image_mime(ImageFormat::webp), "image/webp");
  EXPECT_EQ(image_mime(ImageFormat::gif), "image/gif");

  EXPECT_EQ(image_extension(ImageFormat::jpeg), ".jpg");
  EXPECT_EQ(image_extension(ImageFormat::png), ".png");
  EXPECT_EQ(image_extension(ImageFormat::webp), ".webp");
  EXPECT_EQ(image_extension(ImageFormat::gif), ".gif");
}

}  // namespace
}  // namespace volkrin
