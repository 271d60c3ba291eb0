// Measurement of staged audio with TagLib: real ffmpeg output, truncated and hollow files, junk.
#include "format/audio_probe.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "media/media_samples.hpp"

namespace volkrin {
namespace {

using test_media::audio_file;
using test_media::AudioSample;
using test_media::read_bytes;
using test_media::write_bytes;

constexpr std::int64_t kToneMs = 2000;

const AudioSample& sample_named(const std::string& name) {
  for (const auto& s : test_media::audio_samples()) {
    if (s.name == name) return s;
  }
  std::abort();
}

std::filesystem::path scratch_file(const std::string& name) {
  return test_media::scratch() / name;
}

class MeasurableAudio : public ::testing::TestWithParam<AudioSample> {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    const auto made = audio_file(GetParam());
    ASSERT_TRUE(made) << "ffmpeg could not make the " << GetParam().name << " sample";
    file_ = *made;
  }
  std::filesystem::path file_;
};

TEST_P(MeasurableAudio, probe_reports_duration_rate_channels_and_bitrate) {
  const auto& sample = GetParam();
  const auto sniffed = sniff_audio(read_bytes(file_, kSniffBytes));
  ASSERT_EQ(sniffed, sample.format);

  const auto facts = probe_audio(file_, *sniffed);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->format, sample.format);
  EXPECT_NEAR(static_cast<double>(facts->duration_ms), static_cast<double>(kToneMs),
              sample.tolerance_ms);
  EXPECT_EQ(facts->sample_rate, sample.sample_rate);
  EXPECT_EQ(facts->channels, 2);
  EXPECT_GT(facts->bitrate_kbps, 0);
}

std::vector<AudioSample> measurable_samples() {
  std::vector<AudioSample> out;
  for (const auto& s : test_media::audio_samples()) {
    if (s.measurable) out.push_back(s);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Formats, MeasurableAudio, ::testing::ValuesIn(measurable_samples()),
                         [](const auto& p) { return p.param.name; });

class AudioProbe : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test_media::scratch().empty()) << "no temporary directory"; }
  static std::filesystem::path generated(const std::string& name) {
    const auto made = audio_file(sample_named(name));
    return made ? *made : std::filesystem::path{};
  }
};

TEST_F(AudioProbe, file_name_does_not_choose_the_parser) {
  if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
  const auto mp3 = generated("mp3");
  ASSERT_FALSE(mp3.empty());
  const auto misnamed = scratch_file("really-an-mp3.flac");
  std::filesystem::copy_file(mp3, misnamed, std::filesystem::copy_options::overwrite_existing);

  const auto facts = probe_audio(misnamed, AudioFormat::mp3);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->format, AudioFormat::mp3);
}

TEST_F(AudioProbe, format_that_the_bytes_do_not_show_is_rejected) {
  if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
  const auto flac = generated("flac");
  ASSERT_FALSE(flac.empty());
  EXPECT_EQ(probe_audio(flac, AudioFormat::mp3), std::nullopt);
  EXPECT_EQ(probe_audio(flac, AudioFormat::wav), std::nullopt);
  EXPECT_EQ(probe_audio(flac, AudioFormat::ogg_opus), std::nullopt);
}

TEST_F(AudioProbe, mp3_truncated_to_one_kib_still_sniffs_as_mp3_and_probes_without_failing) {
  if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
  const auto mp3 = generated("mp3");
  ASSERT_FALSE(mp3.empty());
  const auto truncated = scratch_file("truncated-mp3.upload");
  write_bytes(truncated, read_bytes(mp3, 1024));

  const auto head = read_bytes(truncated, kSniffBytes);
  ASSERT_EQ(head.size(), 1024U);
  ASSERT_EQ(sniff_audio(head), AudioFormat::mp3);
  const auto facts = probe_audio(truncated, AudioFormat::mp3);
  if (facts) {
    EXPECT_EQ(facts->format, AudioFormat::mp3);
    EXPECT_GT(facts->duration_ms, 0);
    EXPECT_GT(facts->sample_rate, 0);
    EXPECT_GT(facts->channels, 0);
  }
}

TEST_F(AudioProbe, raw_adts_aac_sniffs_as_m4a_but_is_not_measured) {
  if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
  const auto adts = generated("adts_aac");
  ASSERT_FALSE(adts.empty());
  ASSERT_EQ(sniff_audio(read_bytes(adts, kSniffBytes)), AudioFormat::m4a);
  EXPECT_EQ(probe_audio(adts, AudioFormat::m4a), std::nullopt);
}

TEST_F(AudioProbe, wav_header_without_samples_is_rejected) {
  const auto file = scratch_file("hollow.upload");
  write_bytes(file, test_media::wav_header(0));
  ASSERT_EQ(sniff_audio(read_bytes(file, kSniffBytes)), AudioFormat::wav);
  EXPECT_EQ(probe_audio(file, AudioFormat::wav), std::nullopt);
}

TEST_F(AudioProbe, wav_with_samples_is_measured_without_ffmpeg) {
  const auto file = scratch_file("half-second.upload");
  const std::uint32_t bytes = 44100 * 4 / 2;  // 0.5 s of 16-bit stereo silence
  write_bytes(file, test_media::wav_header(bytes) + std::string(bytes, '\0'));
  const auto facts = probe_audio(file, AudioFormat::wav);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->duration_ms, 500);
  EXPECT_EQ(facts->sample_rate, 44100);
  EXPECT_EQ(facts->channels, 2);
  EXPECT_EQ(facts->bitrate_kbps, 1411);
}

TEST_F(AudioProbe, empty_file_is_rejected) {
  const auto file = scratch_file("empty.upload");
  write_bytes(file, "");
  for (const auto& s : test_media::audio_samples()) {
    EXPECT_EQ(probe_audio(file, s.format), std::nullopt) << s.name;
  }
}

TEST_F(AudioProbe, missing_file_is_rejected) {
  EXPECT_EQ(probe_audio(scratch_file("does-not-exist.upload"), AudioFormat::mp3), std::nullopt);
  EXPECT_EQ(probe_audio(test_media::scratch(), AudioFormat::wav), std::nullopt) << "a directory";
}

TEST_F(AudioProbe, random_bytes_are_rejected_whatever_format_is_claimed) {
  const auto file = scratch_file("song.mp3");
  write_bytes(file, test_media::random_bytes(std::size_t{64} * 1024, 20240611));
  for (const auto& s : test_media::audio_samples()) {
    EXPECT_EQ(probe_audio(file, s.format), std::nullopt) << s.name;
  }
}

}  // namespace
}  // namespace volkrin
