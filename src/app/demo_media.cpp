// The demo's tunes and covers, and the WAV and PNG encoders; see demo_media.hpp.
#include "app/demo_media.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace volkrin {
namespace demo {
namespace {

void put_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void put_le16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void put_le32(std::string& out, std::uint32_t v) {
  put_le16(out, v & 0xffff);
  put_le16(out, v >> 16);
}

void put_chunk(std::string& png, std::string_view type, std::string_view data) {
  put_be32(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = png.size();
  png.append(type);
  png.append(data);
  put_be32(png, crc32(std::string_view(png).substr(start)));  // over type and data
}

// A zlib stream of stored deflate blocks (RFC 1950/1951): no compression, no library.
std::string zlib_stored(std::string_view data) {
  constexpr std::size_t kMaxBlock = 65535;
  std::string out("\x78\x01", 2);  // deflate, 32 KiB window; header checksum: 0x7801 % 31 == 0
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(kMaxBlock, data.size() - pos);
    const bool last = pos + n == data.size();
    out.push_back(last ? '\x01' : '\x00');  // BFINAL, BTYPE=00 (stored)
    put_le16(out, static_cast<std::uint32_t>(n));
    put_le16(out, static_cast<std::uint32_t>(~n & 0xffff));
    out.append(data.substr(pos, n));
    pos += n;
  } while (pos < data.size());
  put_be32(out, adler32(data));
  return out;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::uint32_t adler32(std::string_view bytes) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = 1, b = 0;
  for (unsigned char byte : bytes) {
    a = (a + byte) % kMod;
    b = (b + a) % kMod;
  }
  return (b << 16) | a;
}

std::string encode_png(std::uint32_t width, std::uint32_t height,
                       std::span<const std::uint8_t> rgb) {
  if (width == 0 || height == 0 || rgb.size() != std::size_t{width} * height * 3) {
    throw std::invalid_argument("encode_png: pixel data does not match the size");
  }
  std::string raw;  // each row: filter type 0 (none), then its pixels
  raw.reserve((std::size_t{width} * 3 + 1) * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    raw.push_back('\0');
    const auto row = rgb.subspan(std::size_t{y} * width * 3, std::size_t{width} * 3);
    raw.append(row.begin(), row.end());
  }
  std::string header;
  put_be32(header, width);
  put_be32(header, height);
  header.append(
      {'\x08', '\x02', '\x00', '\x00', '\x00'});  // 8 bits, RGB, deflate, no filter, no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", zlib_stored(raw));
  put_chunk(png, "IEND", "");
  return png;
}

std::string encode_wav(std::span<const std::int16_t> samples, std::uint32_t sample_rate) {
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string wav = "RIFF";
  put_le32(wav, 36 + data_bytes);
  wav += "WAVEfmt ";
  put_le32(wav, 16);  // fmt chunk size
  put_le16(wav, 1);   // PCM
  put_le16(wav, 1);   // mono
  put_le32(wav, sample_rate);
  put_le32(wav, sample_rate * 2);  // bytes per second
  put_le16(wav, 2);                // block align
  put_le16(wav, 16);               // bits per sample
  wav += "data";
  put_le32(wav, data_bytes);
  for (std::int16_t s : samples) put_le16(wav, static_cast<std::uint16_t>(s));
  return wav;
}

namespace {

constexpr std::uint32_t kCoverSize = 160;

constexpr std::array<DemoSong, 4> kSongs{{
    {"Morning Light",
     "The Volkrin Ensemble",
     "morning-light",
     100,
     2,
     Voice::bell,
     {{{60, 64, 67}, {57, 60, 64}, {53, 57, 60}, {55, 59, 62}}},
     {255, 183, 77},
     {233, 30, 99}},
    {"Night Drive",
     "Neon Pulse",
     "night-drive",
     112,
     4,
     Voice::pluck,
     {{{57, 60, 64}, {53, 57, 60}, {48, 52, 55}, {55, 59, 62}}},
     {63, 81, 181},
     {0, 188, 212}},
    {"Harbor Bells",
     "Tidewater",
     "harbor-bells",
     72,
     2,
     Voice::pad,
     {{{62, 66, 69}, {55, 59, 62}, {59, 62, 66}, {57, 61, 64}}},
     {0, 150, 136},
     {38, 50, 56}},
    {"Circuit Walk",
     "Bit Garden",
     "circuit-walk",
     132,
     4,
     Voice::chip,
     {{{64, 67, 71}, {60, 64, 67}, {62, 65, 69}, {59, 62, 67}}},
     {124, 77, 255},
     {255, 64, 129}},
}};

double midi_hz(int note) {
  return 440.0 * std::pow(2.0, (note - 69) / 12.0);
}

// One note of a voice at time t (seconds since it started); `length` is its duration.
double voice_sample(Voice voice, double hz, double t, double length) {
  constexpr double kTau = 2 * std::numbers::pi;
  const double attack = std::min(1.0, t / (voice == Voice::pad ? 0.08 : 0.005));
  const double release = std::clamp((length - t) / 0.03, 0.0, 1.0);
  double s = 0;
  switch (voice) {
    case Voice::bell:
      s = (std::sin(kTau * hz * t) + 0.4 * std::sin(kTau * hz * 2.76 * t) * std::exp(-8 * t)) *
          std::exp(-3 * t);
      break;
    case Voice::pluck:
      for (int k = 1; k <= 6; ++k)
        s += std::sin(kTau * k * hz * t) / k * std::exp(-(4.0 + 2 * k) * t);
      break;
    case Voice::pad:
      s = 0.6 * (std::sin(kTau * hz * t) + 0.5 * std::sin(kTau * hz * 1.003 * 2 * t)) *
          std::exp(-0.8 * t);
      break;
    case Voice::chip:
      for (int k = 1; k <= 7; k += 2) s += std::sin(kTau * k * hz * t) / k;
      s *= 0.5 * std::exp(-5 * t);
      break;
  }
  return s * attack * release;
}

}  // namespace

std::span<const DemoSong> demo_songs() {
  return kSongs;
}

std::vector<std::int16_t> render_tune(const DemoSong& song) {
  constexpr int kBeatsPerChord = 2, kRepeats = 2;
  constexpr std::array<int, 4> kPattern{0, 1, 2, 1};
  const double beat = 60.0 / song.bpm;
  const double step = beat / song.steps_per_beat;
  const double chord_length = beat * kBeatsPerChord;
  const double total = chord_length * static_cast<double>(song.chords.size()) * kRepeats + 0.5;
  std::vector<double> mix(static_cast<std::size_t>(total * kSampleRate));

  auto add_note = [&](int note, double start, double length, double gain) {
    const auto first = static_cast<std::size_t>(start * kSampleRate);
    const double ring = length + 0.25;  // let it ring into the next note a little
    const auto count = static_cast<std::size_t>(ring * kSampleRate);
    for (std::size_t i = 0; i < count && first + i < mix.size(); ++i) {
      mix[first + i] += gain * voice_sample(song.voice, midi_hz(note),
                                            static_cast<double>(i) / kSampleRate, ring);
    }
  };
  double t = 0;
  for (int repeat = 0; repeat < kRepeats; ++repeat) {
    for (const auto& chord : song.chords) {
      add_note(chord[0] - 12, t, chord_length, 0.5);  // bass
      const int steps = kBeatsPerChord * song.steps_per_beat;
      for (int i = 0; i < steps; ++i) {
        const int note = chord[static_cast<std::size_t>(
                             kPattern[static_cast<std::size_t>(i) % kPattern.size()])] +
                         (i >= steps / 2 ? 12 : 0);
        add_note(note, t + i * step, step, 0.35);
      }
      t += chord_length;
    }
  }

  double peak = 1e-9;
  for (double s : mix) peak = std::max(peak, std::abs(s));
  std::vector<std::int16_t> samples(mix.size());
  const std::size_t fade = kSampleRate / 20;
  for (std::size_t i = 0; i < mix.size(); ++i) {
    double gain = 0.8 / peak;
    if (i < fade) gain *= static_cast<double>(i) / fade;
    if (mix.size() - i < fade) gain *= static_cast<double>(mix.size() - i) / fade;
    samples[i] = static_cast<std::int16_t>(std::lround(mix[i] * gain * 32767));
  }
  return samples;
}

std::string draw_cover(const DemoSong& song, std::span<const std::int16_t> samples) {
  constexpr std::uint32_t n = kCoverSize;
  constexpr std::size_t kBars = 16;
  std::array<double, kBars> level{};
  const std::size_t per_bar = samples.size() / kBars;
  for (std::size_t b = 0; b < kBars; ++b) {
    double sum = 0;
    for (std::size_t i = 0; i < per_bar; ++i) {
      const double s = samples[b * per_bar + i] / 32768.0;
      sum += s * s;
    }
    level[b] = std::sqrt(sum / static_cast<double>(per_bar));
  }
  // Bars span from a fifth to the full height between the quietest and loudest stretch.
  const auto [quietest, loudest] = std::minmax_element(level.begin(), level.end());
  const double low = *quietest, range = std::max(1e-9, *loudest - *quietest);

  std::vector<std::uint8_t> rgb(std::size_t{n} * n * 3);
  for (std::uint32_t y = 0; y < n; ++y) {
    for (std::uint32_t x = 0; x < n; ++x) {
      const double u = (x + y) / (2.0 * (n - 1));
      Rgb c{song.from.r + (song.to.r - song.from.r) * u,
            song.from.g + (song.to.g - song.from.g) * u,
            song.from.b + (song.to.b - song.from.b) * u};
      auto blend = [&c](double alpha) {
        c = {c.r + (255 - c.r) * alpha, c.g + (255 - c.g) * alpha, c.b + (255 - c.b) * alpha};
      };
      const double dx = x - n * 0.68, dy = y - n * 0.32;
      const double r = std::sqrt(dx * dx + dy * dy);
      if (r < n * 0.2)
        blend(0.35);
      else if (r < n * 0.2 + 1.5)
        blend(0.2);  // a softer rim
      const std::size_t bar = x * kBars / n;
      const std::uint32_t bar_x = x % (n / kBars);
      const double height = n * 0.45 * (0.2 + 0.8 * (level[bar] - low) / range);
      if (bar_x >= 2 && bar_x < n / kBars - 1 && y > n - 14 - height && y < n - 14) blend(0.75);
      const std::size_t at = (std::size_t{y} * n + x) * 3;
      rgb[at] = static_cast<std::uint8_t>(c.r);
      rgb[at + 1] = static_cast<std::uint8_t>(c.g);
      rgb[at + 2] = static_cast<std::uint8_t>(c.b);
    }
  }
  return encode_png(n, n, rgb);
}

}  // namespace demo
}  // namespace volkrin
