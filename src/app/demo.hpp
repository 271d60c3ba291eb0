// `volkrin demo`: fills an empty instance with a few generated tracks (WAV tunes, PNG covers).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "support/config.hpp"

namespace volkrin {

// Returns the process exit code: 0 when the tracks were added, 1 when the instance already
// has tracks (nothing is changed then) or something failed.
int run_demo(const Config& config);

namespace demo {

std::uint32_t crc32(std::string_view bytes);    // as PNG chunks use it (ISO-HDLC)
std::uint32_t adler32(std::string_view bytes);  // as zlib streams end with it

// An 8-bit RGB PNG of width x height pixels (rgb holds 3 bytes per pixel, row by row),
// compressed with stored (uncompressed) deflate blocks.
std::string encode_png(std::uint32_t width, std::uint32_t height,
                       std::span<const std::uint8_t> rgb);

// A 16-bit mono PCM WAV file.
std::string encode_wav(std::span<const std::int16_t> samples, std::uint32_t sample_rate);

}  // namespace demo
}  // namespace volkrin
