// The demo's own encoders: checksums against published values, PNG and WAV files that the
// server's sniffing and probing accept.
#include "app/demo_media.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "format/audio_probe.hpp"
#include "format/content_sniff.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

std::uint32_t be32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

TEST(DemoEncoders, checksums_match_the_reference_values) {
  EXPECT_EQ(demo::crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(demo::crc32(""), 0u);
  EXPECT_EQ(demo::adler32("Wikipedia"), 0x11E60398u);
  EXPECT_EQ(demo::adler32(""), 1u);
}

TEST(DemoEncoders, png_has_valid_chunks_and_sniffs_as_png) {
  const std::uint32_t w = 300, h = 250;  // raw data over 64 KiB: several stored blocks
  std::vector<std::uint8_t> rgb(std::size_t{w} * h * 3, 0x7f);
  const std::string png = demo::encode_png(w, h, rgb);
  EXPECT_EQ(sniff_image(png), ImageFormat::png);

  std::size_t at = 8;
  std::vector<std::string> types;
  while (at < png.size()) {
    const std::uint32_t length = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    EXPECT_EQ(be32(png, at + 8 + length),
              demo::crc32(std::string_view(png).substr(at + 4, 4 + length)))
        << type;
    if (type == "IHDR") {
      EXPECT_EQ(be32(png, at + 8), w);
      EXPECT_EQ(be32(png, at + 12), h);
    }
    if (type == "IDAT") {
      // zlib: header, stored blocks, Adler-32 of the filtered rows.
      const std::string z = png.substr(at + 8, length);
      EXPECT_EQ(z.substr(0, 2), std::string("\x78\x01", 2));
      std::string raw;
      std::size_t pos = 2;
      bool last = false;
      while (!last) {
        last = (z[pos] & 1) != 0;
        const std::size_t n =
            static_cast<unsigned char>(z[pos + 1]) | (static_cast<unsigned char>(z[pos + 2]) << 8);
        const std::size_t inverse =
            static_cast<unsigned char>(z[pos + 3]) | (static_cast<unsigned char>(z[pos + 4]) << 8);
        EXPECT_EQ(n ^ inverse, 0xffffu);
        raw += z.substr(pos + 5, n);
        pos += 5 + n;
      }
      EXPECT_EQ(raw.size(), (std::size_t{w} * 3 + 1) * h);
      EXPECT_EQ(be32(z, pos), demo::adler32(raw));
      EXPECT_EQ(pos + 4, z.size());
    }
    types.push_back(type);
    at += 12 + length;
  }
  EXPECT_EQ(at, png.size());
  EXPECT_EQ(types, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_THROW(demo::encode_png(2, 2, rgb), std::invalid_argument);
}

TEST(DemoEncoders, wav_is_read_as_wav_with_its_duration) {
  const std::vector<std::int16_t> samples(std::size_t{22050} * 3, 1000);  // 3 s at 22.05 kHz
  const std::string wav = demo::encode_wav(samples, 22050);
  ASSERT_EQ(sniff_audio(wav), AudioFormat::wav);
  const test::TempDir dir;
  const auto file = dir.path() / "demo.wav";
  std::ofstream(file, std::ios::binary) << wav;
  const auto facts = probe_audio(file, AudioFormat::wav);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->duration_ms, 3000);
  EXPECT_EQ(facts->sample_rate, 22050);
  EXPECT_EQ(facts->channels, 1);
}

}  // namespace
}  // namespace volkrin
