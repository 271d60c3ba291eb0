// Test media made at run time with ffmpeg in a private temporary directory, plus byte utilities.
#pragma once

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "format/content_sniff.hpp"
#include "test_support.hpp"

namespace volkrin::test_media {

namespace fs = std::filesystem;

struct AudioSample {
  std::string name;        // test name suffix
  AudioFormat format;      // what the bytes are
  std::string ffmpeg_out;  // output options and the file name that picks ffmpeg's muxer
  int sample_rate = 0;     // what the probe should report
  int tolerance_ms = 100;  // allowed distance from 2000 ms
  bool measurable = true;  // whether TagLib can measure this variant
};

struct ImageSample {
  std::string name;
  ImageFormat format;
  std::string ffmpeg_out;
  std::string encoder;  // ffmpeg encoder that must be present; empty when always built in
};

// Test names and failure messages show the sample by name, not as raw bytes.
inline void PrintTo(const AudioSample& sample, std::ostream* os) {
  *os << sample.name;
}
inline void PrintTo(const ImageSample& sample, std::ostream* os) {
  *os << sample.name;
}

inline const std::vector<AudioSample>& audio_samples() {
  static const std::vector<AudioSample> samples = {
      {"mp3", AudioFormat::mp3, "-ar 44100 -c:a libmp3lame out.mp3", 44100, 100, true},
      {"m4a", AudioFormat::m4a, "-ar 44100 -c:a aac out.m4a", 44100, 200, true},
      {"ogg_vorbis", AudioFormat::ogg_vorbis, "-ar 44100 -c:a libvorbis out.ogg", 44100, 100, true},
      {"ogg_opus", AudioFormat::ogg_opus, "-ar 48000 -c:a libopus out.opus", 48000, 200, true},
      {"flac", AudioFormat::flac, "-ar 44100 -c:a flac out.flac", 44100, 100, true},
      {"wav", AudioFormat::wav, "-ar 44100 -c:a pcm_s16le out.wav", 44100, 100, true},
      {"adts_aac", AudioFormat::m4a, "-ar 44100 -c:a aac -f adts out.aac", 44100, 200, false},
  };
  return samples;
}

inline const std::vector<ImageSample>& image_samples() {
  static const std::vector<ImageSample> samples = {
      {"jpeg", ImageFormat::jpeg, "out.jpg", ""},
      {"png", ImageFormat::png, "out.png", ""},
      {"gif", ImageFormat::gif, "out.gif", ""},
      {"webp", ImageFormat::webp, "-c:v libwebp out.webp", "libwebp"},
  };
  return samples;
}

inline bool ffmpeg_available() {
  static const bool available =
      std::system("ffmpeg -hide_banner -version >/dev/null 2>&1 </dev/null") == 0;
  return available;
}

inline bool ffmpeg_has_encoder(const std::string& encoder) {
  const std::string cmd =
      "ffmpeg -hide_banner -encoders 2>/dev/null </dev/null | grep -qw " + encoder;
  return std::system(cmd.c_str()) == 0;
}

// A directory of its own under the system temp dir, removed with everything in it at exit.
inline const fs::path& scratch() {
  static const test::TempDir dir;
  return dir.path();
}

inline std::string read_bytes(const fs::path& file, std::size_t max = SIZE_MAX) {
  std::ifstream in(file, std::ios::binary);
  std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (all.size() > max) all.resize(max);
  return all;
}

inline void write_bytes(const fs::path& file, std::string_view data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string random_bytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(0, 255);
  std::string out(count, '\0');
  for (auto& c : out) c = static_cast<char>(dist(gen));
  return out;
}

// Runs ffmpeg on a lavfi source; the result is renamed to `stored_name` so that nothing
// downstream can lean on the extension ffmpeg needed. nullopt when ffmpeg failed.
inline std::optional<fs::path> run_ffmpeg(const std::string& input, const std::string& output,
                                          const std::string& stored_name) {
  if (scratch().empty()) return std::nullopt;
  const fs::path work = scratch() / ("gen-" + stored_name);
  fs::create_directories(work);
  const std::string cmd = "cd '" + work.string() +
                          "' && ffmpeg -nostdin -hide_banner -loglevel error -y " + input + " " +
                          output + " </dev/null";
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  const std::string produced = output.substr(output.rfind(' ') + 1);
  const fs::path target = scratch() / stored_name;
  std::error_code ec;
  fs::rename(work / produced, target, ec);
  if (ec || fs::file_size(target, ec) == 0) return std::nullopt;
  return target;
}

// A 2 s, 440 Hz stereo tone in the sample's format, made once per process.
inline std::optional<fs::path> audio_file(const AudioSample& sample) {
  static std::map<std::string, std::optional<fs::path>> made;
  if (auto it = made.find(sample.name); it != made.end()) return it->second;
  auto file = run_ffmpeg("-f lavfi -i sine=frequency=440:duration=2 -ac 2", sample.ffmpeg_out,
                         sample.name + ".upload");
  made.emplace(sample.name, file);
  return file;
}

// A 16x16 red picture in the sample's format, made once per process.
inline std::optional<fs::path> image_file(const ImageSample& sample) {
  static std::map<std::string, std::optional<fs::path>> made;
  if (auto it = made.find(sample.name); it != made.end()) return it->second;
  auto file = run_ffmpeg("-f lavfi -i color=c=red:s=16x16 -frames:v 1", sample.ffmpeg_out,
                         sample.name + ".upload");
  made.emplace(sample.name, file);
  return file;
}

// A canonical 44-byte PCM WAV header (16-bit, 44.1 kHz, stereo) announcing data_bytes of data.
inline std::string wav_header(std::uint32_t data_bytes) {
  const auto le32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
                       static_cast<char>((v >> 16) & 0xFF), static_cast<char>((v >> 24) & 0xFF)};
  };
  const auto le16 = [](std::uint16_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)};
  };
  return "RIFF" + le32(36 + data_bytes) + "WAVE" + "fmt " + le32(16) + le16(1) + le16(2) +
         le32(44100) + le32(44100 * 4) + le16(4) + le16(16) + "data" + le32(data_bytes);
}

}  // namespace volkrin::test_media
