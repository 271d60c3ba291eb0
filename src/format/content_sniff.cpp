// Format recognition from leading bytes: magic numbers, container headers and MPEG frame chains.
#include "format/content_sniff.hpp"

#include <array>
#include <cstdint>

namespace volkrin {
namespace {

std::uint8_t byte_at(std::string_view s, std::size_t i) {
  return static_cast<std::uint8_t>(s[i]);
}

std::uint32_t be32(std::string_view s, std::size_t i) {
  return (std::uint32_t{byte_at(s, i)} << 24) | (std::uint32_t{byte_at(s, i + 1)} << 16) |
         (std::uint32_t{byte_at(s, i + 2)} << 8) | std::uint32_t{byte_at(s, i + 3)};
}

std::uint32_t le32(std::string_view s, std::size_t i) {
  return std::uint32_t{byte_at(s, i)} | (std::uint32_t{byte_at(s, i + 1)} << 8) |
         (std::uint32_t{byte_at(s, i + 2)} << 16) | (std::uint32_t{byte_at(s, i + 3)} << 24);
}

bool has_at(std::string_view s, std::size_t pos, std::string_view what) {
  return pos <= s.size() && s.size() - pos >= what.size() && s.substr(pos, what.size()) == what;
}

// --- MPEG audio (layer II and III) ---------------------------------------------------------

struct MpegFrame {
  unsigned version = 0;     // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  unsigned layer = 0;       // 1 = layer III, 2 = layer II
  unsigned rate_index = 0;  // index into the sample rate table
  std::size_t length = 0;   // bytes, header included
};

std::optional<MpegFrame> parse_mpeg_frame(std::string_view s, std::size_t pos) {
  if (pos > s.size() || s.size() - pos < 4) return std::nullopt;
  const std::uint8_t b1 = byte_at(s, pos + 1);
  const std::uint8_t b2 = byte_at(s, pos + 2);
  const std::uint8_t b3 = byte_at(s, pos + 3);
  if (byte_at(s, pos) != 0xFF || (b1 & 0xE0) != 0xE0) return std::nullopt;
  MpegFrame f;
  f.version = (b1 >> 3) & 0x3;
  f.layer = (b1 >> 1) & 0x3;
  const unsigned bitrate_index = b2 >> 4;
  f.rate_index = (b2 >> 2) & 0x3;
  const unsigned padding = (b2 >> 1) & 0x1;
  if (f.version == 1 || (f.layer != 1 && f.layer != 2)) return std::nullopt;
  if (bitrate_index == 0 || bitrate_index == 15 || f.rate_index == 3) return std::nullopt;
  if ((b3 & 0x3) == 2) return std::nullopt;  // reserved emphasis

  static constexpr std::array<unsigned, 15> kV1Layer2 = {0,   32,  48,  56,  64,  80,  96, 112,
                                                         128, 160, 192, 224, 256, 320, 384};
  static constexpr std::array<unsigned, 15> kV1Layer3 = {0,   32,  40,  48,  56,  64,  80, 96,
                                                         112, 128, 160, 192, 224, 256, 320};
  static constexpr std::array<unsigned, 15> kV2 = {0,  8,  16, 24,  32,  40,  48, 56,
                                                   64, 80, 96, 112, 128, 144, 160};
  static constexpr std::array<unsigned, 3> kRates = {44100, 48000, 32000};

  const bool mpeg1 = f.version == 3;
  const unsigned kbps =
      mpeg1 ? (f.layer == 2 ? kV1Layer2 : kV1Layer3)[bitrate_index] : kV2[bitrate_index];
  const unsigned rate = kRates[f.rate_index] >> (mpeg1 ? 0 : (f.version == 2 ? 1 : 2));
  const unsigned slot_factor = (f.layer == 1 && !mpeg1) ? 72 : 144;
  f.length = std::size_t{slot_factor} * 1000 * kbps / rate + padding;
  return f;
}

// A frame header at pos, and, when the head reaches that far, a matching one right after it.
bool mpeg_audio_at(std::string_view s, std::size_t pos) {
  const auto first = parse_mpeg_frame(s, pos);
  if (!first) return false;
  const std::size_t next = pos + first->length;
  if (next > s.size() || s.size() - next < 4) return true;
  const auto second = parse_mpeg_frame(s, next);
  return second && second->version == first->version && second->layer == first->layer &&
         second->rate_index == first->rate_index;
}

// --- ADTS (raw AAC) --------------------------------------------------------------------------

struct AdtsFrame {
  unsigned rate_index = 0;
  std::size_t length = 0;
};

std::optional<AdtsFrame> parse_adts_frame(std::string_view s, std::size_t pos) {
  if (pos > s.size() || s.size() - pos < 7) return std::nullopt;
  const std::uint8_t b1 = byte_at(s, pos + 1);
  const std::uint8_t b2 = byte_at(s, pos + 2);
  if (byte_at(s, pos) != 0xFF || (b1 & 0xF6) != 0xF0) return std::nullopt;  // sync, layer 0
  AdtsFrame f;
  f.rate_index = (b2 >> 2) & 0xF;
  if (f.rate_index > 12) return std::nullopt;
  f.length = (std::size_t{byte_at(s, pos + 3) & 0x3u} << 11) |
             (std::size_t{byte_at(s, pos + 4)} << 3) | (std::size_t{byte_at(s, pos + 5)} >> 5);
  const std::size_t header = (b1 & 0x1) != 0 ? 7 : 9;
  if (f.length <= header) return std::nullopt;
  return f;
}

bool adts_at(std::string_view s, std::size_t pos) {
  const auto first = parse_adts_frame(s, pos);
  if (!first) return false;
  const std::size_t next = pos + first->length;
  if (next > s.size() || s.size() - next < 7) return true;
  const auto second = parse_adts_frame(s, next);
  return second && second->rate_index == first->rate_index;
}

// --- Other containers ------------------------------------------------------------------------

// "fLaC" followed by the mandatory STREAMINFO block (type 0, 34 bytes).
bool flac_at(std::string_view s, std::size_t pos) {
  if (!has_at(s, pos, "fLaC") || s.size() - pos < 8) return false;
  return (byte_at(s, pos + 4) & 0x7F) == 0 && (be32(s, pos + 4) & 0xFFFFFF) == 34;
}

// Where the ID3v2 tag at offset 0 ends; nullopt when there is no well-formed tag header.
std::optional<std::size_t> id3v2_end(std::string_view s) {
  if (!has_at(s, 0, "ID3") || s.size() < 10) return std::nullopt;
  const std::uint8_t major = byte_at(s, 3);
  if (major < 2 || major > 4 || byte_at(s, 4) == 0xFF) return std::nullopt;
  std::size_t size = 0;
  for (std::size_t i = 6; i < 10; ++i) {
    if ((byte_at(s, i) & 0x80) != 0) return std::nullopt;  // syncsafe: 7 bits per byte
    size = (size << 7) | byte_at(s, i);
  }
  const bool footer = major == 4 && (byte_at(s, 5) & 0x10) != 0;
  return 10 + size + (footer ? 10 : 0);
}

std::optional<AudioFormat> sniff_after_id3(std::string_view s, std::size_t pos) {
  // Some writers pad past the declared tag size with zero bytes.
  while (pos < s.size() && s[pos] == '\0') ++pos;
  // The tag runs past what we were given: ID3v2 heads MP3 files; the probe has the last word.
  if (pos > s.size() || s.size() - pos < 4) return AudioFormat::mp3;
  if (has_at(s, pos, "fLaC")) {
    if (s.size() - pos < 8) return AudioFormat::flac;
    return flac_at(s, pos) ? std::optional{AudioFormat::flac} : std::nullopt;
  }
  if (mpeg_audio_at(s, pos)) return AudioFormat::mp3;
  if (adts_at(s, pos)) return AudioFormat::m4a;
  return std::nullopt;
}

// An ISO BMFF "ftyp" box naming an audio-capable MP4 brand.
bool mp4_audio(std::string_view s) {
  if (s.size() < 16 || !has_at(s, 4, "ftyp")) return false;
  // A real ftyp box is a few dozen bytes; one larger than the sniffed head is no ftyp box
  // (a JPEG's first bytes would otherwise read as a 4 GB one, making it audio as well).
  const std::size_t box = be32(s, 0);
  if (box < 16 || box % 4 != 0 || box > kSniffBytes) return false;
  static constexpr std::array<std::string_view, 7> kAudioBrands = {"M4A ", "M4B ", "mp42", "isom",
                                                                   "iso2", "dash", "mp41"};
  static constexpr std::array<std::string_view, 3> kVideoBrands = {"M4V ", "M4VH", "M4VP"};
  const auto in = [](const auto& list, std::string_view brand) {
    for (const auto b : list) {
      if (b == brand) return true;
    }
    return false;
  };
  const std::string_view major = s.substr(8, 4);
  if (in(kVideoBrands, major)) return false;
  if (in(kAudioBrands, major)) return true;
  const std::size_t end = box < s.size() ? box : s.size();
  for (std::size_t pos = 16; pos + 4 <= end; pos += 4) {
    if (in(kAudioBrands, s.substr(pos, 4))) return true;
  }
  return false;
}

std::optional<AudioFormat> sniff_ogg(std::string_view s) {
  if (s.size() < 27 || !has_at(s, 0, "OggS")) return std::nullopt;
  if (byte_at(s, 4) != 0 || (byte_at(s, 5) & 0x02) == 0) return std::nullopt;  // v0, first page
  const std::size_t segments = byte_at(s, 26);
  if (segments == 0) return std::nullopt;
  const std::size_t packet = 27 + segments;
  if (has_at(s, packet, std::string_view("\x01vorbis", 7))) return AudioFormat::ogg_vorbis;
  if (has_at(s, packet, "OpusHead")) return AudioFormat::ogg_opus;
  return std::nullopt;
}

// "RIFF" <size> <form type>, with a size large enough for the form type and one chunk header.
bool riff_form(std::string_view s, std::string_view form) {
  return s.size() >= 12 && has_at(s, 0, "RIFF") && le32(s, 4) >= 12 && has_at(s, 8, form);
}

}  // namespace

std::optional<AudioFormat> sniff_audio(std::string_view head) {
  if (const auto tag_end = id3v2_end(head)) return sniff_after_id3(head, *tag_end);
  if (flac_at(head, 0)) return AudioFormat::flac;
  if (riff_form(head, "WAVE")) return AudioFormat::wav;
  if (mp4_audio(head)) return AudioFormat::m4a;
  if (has_at(head, 0, "OggS")) return sniff_ogg(head);
  if (mpeg_audio_at(head, 0)) return AudioFormat::mp3;
  if (adts_at(head, 0)) return AudioFormat::m4a;
  return std::nullopt;
}

std::optional<ImageFormat> sniff_image(std::string_view head) {
  if (has_at(head, 0, "\xFF\xD8\xFF")) return ImageFormat::jpeg;
  if (has_at(head, 0, "\x89PNG\r\n\x1A\n")) return ImageFormat::png;
  if (has_at(head, 0, "GIF87a") || has_at(head, 0, "GIF89a")) return ImageFormat::gif;
  if (riff_form(head, "WEBP") &&
      (has_at(head, 12, "VP8 ") || has_at(head, 12, "VP8L") || has_at(head, 12, "VP8X"))) {
    return ImageFormat::webp;
  }
  return std::nullopt;
}

std::string_view to_string(AudioFormat format) {
  switch (format) {
    case AudioFormat::mp3:
      return "mp3";
    case AudioFormat::m4a:
      return "m4a";
    case AudioFormat::ogg_vorbis:
      return "ogg";
    case AudioFormat::ogg_opus:
      return "opus";
    case AudioFormat::flac:
      return "flac";
    case AudioFormat::wav:
      return "wav";
  }
  return "unknown";
}

std::string_view to_string(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return "jpeg";
    case ImageFormat::png:
      return "png";
    case ImageFormat::webp:
      return "webp";
    case ImageFormat::gif:
      return "gif";
  }
  return "unknown";
}

std::string_view audio_mime(AudioFormat format) {
  switch (format) {
    case AudioFormat::mp3:
      return "audio/mpeg";
    case AudioFormat::m4a:
      return "audio/mp4";
    case AudioFormat::ogg_vorbis:
      return "audio/ogg";
    case AudioFormat::ogg_opus:
      return "audio/ogg; codecs=opus";
    case AudioFormat::flac:
      return "audio/flac";
    case AudioFormat::wav:
      return "audio/wav";
  }
  return "application/octet-stream";
}

std::string_view image_mime(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return "image/jpeg";
    case ImageFormat::png:
      return "image/png";
    case ImageFormat::webp:
      return "image/webp";
    case ImageFormat::gif:
      return "image/gif";
  }
  return "application/octet-stream";
}

std::string_view audio_extension(AudioFormat format) {
  switch (format) {
    case AudioFormat::mp3:
      return ".mp3";
    case AudioFormat::m4a:
      return ".m4a";
    case AudioFormat::ogg_vorbis:
      return ".ogg";
    case AudioFormat::ogg_opus:
      return ".opus";
    case AudioFormat::flac:
      return ".flac";
    case AudioFormat::wav:
      return ".wav";
  }
  return "";
}

std::string_view image_extension(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return ".jpg";
    case ImageFormat::png:
      return ".png";
    case ImageFormat::webp:
      return ".webp";
    case ImageFormat::gif:
      return ".gif";
  }
  return "";
}

}  // namespace volkrin
