// What every text value read from tags must be: strict UTF-8, no controls, trimmed, bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/audio_tags.hpp"
#include "format/tag_values.hpp"

namespace volkrin::tag_checks {

// Valid UTF-8 (no overlong forms, surrogates or values above U+10FFFF) holding no control
// character but '\n' when multiline, no U+FEFF, U+FFFE or U+FFFF, no leading or trailing
// blank, within the limits.
inline bool is_clean(std::string_view s, const TagTextLimits& limits) {
  if (s.empty() || s.size() > limits.max_bytes) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.front() == '\n' || s.back() == '\n') return false;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto b0 = static_cast<std::uint8_t>(s[i]);
    std::size_t size = 1;
    char32_t cp = b0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      size = 2;
      cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      size = 3;
      cp = b0 & 0x0Fu;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      size = 4;
      cp = b0 & 0x07u;
    } else if (b0 >= 0x80) {
      return false;
    }
    if (s.size() - i < size) return false;
    for (std::size_t k = 1; k < size; ++k) {
      const auto b = static_cast<std::uint8_t>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[size] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    if (control && !(cp == '\n' && limits.multiline)) return false;
    if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += size;
  }
  return chars <= limits.max_chars;
}

inline bool absent_or_clean(const std::optional<std::string>& s, const TagTextLimits& limits) {
  return !s || is_clean(*s, limits);
}

inline bool absent_or_uuid(const std::optional<std::string>& s) {
  return !s || parse_musicbrainz_id(*s) == s;
}

// Every invariant read_audio_tags promises, whatever the file held.
inline bool holds_invariants(const AudioTags& t) {
  const auto in = [](const std::optional<int>& v, int lo, int hi) {
    return !v || (*v >= lo && *v <= hi);
  };
  const auto not_below = [](const std::optional<int>& total, const std::optional<int>& number) {
    return !total || !number || *total >= *number;
  };
  return absent_or_clean(t.title, kTagNameLimits) && absent_or_clean(t.artist, kTagNameLimits) &&
         absent_or_clean(t.album, kTagNameLimits) &&
         absent_or_clean(t.album_artist, kTagNameLimits) &&
         absent_or_clean(t.genre, kTagNameLimits) && absent_or_clean(t.lyrics, kTagLyricsLimits) &&
         in(t.track_number, 1, kMaxTrackPosition) && in(t.track_total, 1, kMaxTrackPosition) &&
         in(t.disc_number, 1, kMaxDiscPosition) && in(t.disc_total, 1, kMaxDiscPosition) &&
         not_below(t.track_total, t.track_number) && not_below(t.disc_total, t.disc_number) &&
         in(t.year, 1000, 9999) && absent_or_uuid(t.musicbrainz.track) &&
         absent_or_uuid(t.musicbrainz.album) && absent_or_uuid(t.musicbrainz.artist) &&
         absent_or_uuid(t.musicbrainz.album_artist) &&
         absent_or_uuid(t.musicbrainz.release_group) &&
         (!t.cover || (!t.cover->empty() && t.cover->size() <= kMaxCoverBytes));
}

}  // namespace volkrin::tag_checks
