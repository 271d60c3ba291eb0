// The demo's media, made without a library: tunes rendered to 16-bit PCM WAV, covers to PNG.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin::demo {

std::uint32_t crc32(std::string_view bytes);    // as PNG chunks use it (ISO-HDLC)
std::uint32_t adler32(std::string_view bytes);  // as zlib streams end with it

// An 8-bit RGB PNG of width x height pixels (rgb holds 3 bytes per pixel, row by row),
// compressed with stored (uncompressed) deflate blocks.
std::string encode_png(std::uint32_t width, std::uint32_t height,
                       std::span<const std::uint8_t> rgb);

// A 16-bit mono PCM WAV file.
std::string encode_wav(std::span<const std::int16_t> samples, std::uint32_t sample_rate);

// The tunes' sample rate.
inline constexpr std::uint32_t kSampleRate = 22050;

enum class Voice { bell, pluck, pad, chip };

struct Rgb {
  double r, g, b;
};

// A tune: four chords, two beats each, played twice as an arpeggio over a bass note.
struct DemoSong {
  std::string_view title;
  std::string_view artist;
  std::string_view file_stem;
  double bpm;
  int steps_per_beat;
  Voice voice;
  std::array<std::array<int, 3>, 4> chords;  // MIDI note numbers
  Rgb from, to;                              // cover gradient
};

// The demo's four songs.
std::span<const DemoSong> demo_songs();

// The song's samples at kSampleRate, mono, normalised, with a short fade in and out.
std::vector<std::int16_t> render_tune(const DemoSong& song);

// Its cover as a PNG: a diagonal gradient, a soft disc, and bars that follow the tune's
// loudness (samples as render_tune made them).
std::string draw_cover(const DemoSong& song, std::span<const std::int16_t> samples);

}  // namespace volkrin::demo
