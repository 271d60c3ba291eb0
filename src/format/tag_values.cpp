// Tag value rules: UTF-16 units to clean, bounded UTF-8; track and disc positions; years; UUIDs.
#include "format/tag_values.hpp"

#include <cstdint>

namespace volkrin {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::size_t utf8_length(char32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

bool is_high_surrogate(std::uint32_t u) {
  return u >= 0xD800 && u <= 0xDBFF;
}
bool is_low_surrogate(std::uint32_t u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

// The character that starts at units[i], advancing i past it; broken UTF-16 gives U+FFFD.
char32_t next_char(std::wstring_view units, std::size_t& i) {
  const auto u = static_cast<std::uint32_t>(units[i++]);
  if (is_high_surrogate(u)) {
    if (i < units.size() && is_low_surrogate(static_cast<std::uint32_t>(units[i]))) {
      const auto low = static_cast<std::uint32_t>(units[i++]);
      return 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
    }
    return kReplacement;
  }
  if (is_low_surrogate(u) || u > 0x10FFFF) return kReplacement;
  return u;
}

// Characters that no stored name or lyric may hold: controls (Cc), the byte order mark and the
// two non-characters XML refuses.
bool is_dropped(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

bool is_line_break(char32_t cp) {
  return cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f';
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string clean_tag_text(std::wstring_view units, const TagTextLimits& limits) {
  std::string out;
  std::size_t chars = 0;
  std::size_t kept_bytes = 0;  // out up to its last character that is not a space or a break
  bool after_cr = false;
  for (std::size_t i = 0; i < units.size();) {
    char32_t cp = next_char(units, i);
    const bool was_cr = after_cr;
    after_cr = cp == '\r';
    if (cp == '\n' && was_cr && limits.multiline) continue;  // CR LF is one break
    if (cp == '\t') {
      cp = ' ';
    } else if (is_line_break(cp)) {
      cp = limits.multiline ? '\n' : ' ';
    } else if (is_dropped(cp)) {
      continue;
    }
    const bool blank = cp == ' ' || cp == '\n';
    if (blank && out.empty()) continue;
    const std::size_t size = utf8_length(cp);
    if (chars + 1 > limits.max_chars || out.size() + size > limits.max_bytes) break;
    append_utf8(out, cp);
    ++chars;
    if (!blank) kept_bytes = out.size();
  }
  out.resize(kept_bytes);
  return out;
}

std::optional<int> parse_tag_count(std::string_view text, int max) {
  text = trim_spaces(text);
  // Nine digits cannot overflow an int; more are absurd anyway.
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > max) return std::nullopt;
  return value;
}

TagPosition parse_tag_position(std::string_view text, int max) {
  TagPosition position;
  const std::size_t slash = text.find('/');
  position.number = parse_tag_count(text.substr(0, slash), max);
  if (slash != std::string_view::npos)
    position.total = parse_tag_count(text.substr(slash + 1), max);
  if (position.number && position.total && *position.total < *position.number) {
    position.total.reset();
  }
  return position;
}

std::optional<int> parse_tag_year(std::string_view text) {
  text = trim_spaces(text);
  if (text.size() < 4 || (text.size() > 4 && is_digit(text[4]))) return std::nullopt;
  int year = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  if (year < 1000) return std::nullopt;
  return year;
}

std::optional<std::string> parse_musicbrainz_id(std::string_view text) {
  constexpr std::size_t kUuidLength = 36;
  constexpr std::string_view kSeparators = "/;, ";
  text = trim_spaces(text);
  if (text.size() < kUuidLength) return std::nullopt;
  if (text.size() > kUuidLength && kSeparators.find(text[kUuidLength]) == std::string_view::npos) {
    return std::nullopt;
  }
  std::string id(text.substr(0, kUuidLength));
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? id[i] != '-' : !is_hex(id[i])) return std::nullopt;
    if (id[i] >= 'A' && id[i] <= 'F') id[i] = static_cast<char>(id[i] - 'A' + 'a');
  }
  return id;
}

}  // namespace volkrin
