// Storage keys of media objects: client file names made harmless, fresh keys, and the check
// that a key read back from a URL or the database is one this server could have made.
#include "format/storage_key.hpp"

#include <optional>
#include <stdexcept>

#include "support/crypto.hpp"

namespace volkrin {

namespace {

constexpr std::size_t kMaxNameBytes = 100;
constexpr std::size_t kMaxKeyBytes = 300;

struct Utf8Char {
  std::size_t size = 0;
  char32_t code_point = 0;
};

// The well-formed UTF-8 sequence at the start of non-empty `s` (Unicode table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF); nullopt when there is none.
std::optional<Utf8Char> next_utf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return Utf8Char{1, b0};
  std::size_t size = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    size = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    size = 3;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    size = 4;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return std::nullopt;
  }
  if (s.size() < size) return std::nullopt;
  for (std::size_t i = 1; i < size; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return std::nullopt;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return Utf8Char{size, cp};
}

// C0 controls, DEL and C1 controls (Unicode general category Cc).
bool is_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Unicode White_Space characters that are not controls.
bool is_space(char32_t cp) {
  return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// ASCII allowed in a key segment: [A-Za-z0-9._-].
bool is_key_ascii(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
         cp == '.' || cp == '_' || cp == '-';
}

// Non-ASCII characters stand for the "UTF-8 letters" of a key; controls never do.
bool is_key_char(char32_t cp) {
  return cp < 0x80 ? is_key_ascii(cp) : !is_control(cp);
}

bool is_safe_segment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == "..") return false;
  while (!segment.empty()) {
    const auto c = next_utf8(segment);
    if (!c || !is_key_char(c->code_point)) return false;
    segment.remove_prefix(c->size);
  }
  return true;
}

// Keeps whole key characters, turns whitespace runs into one '_' and drops everything else:
// bytes that are not valid UTF-8, controls, path separators and other ASCII punctuation.
std::string keep_key_chars(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  while (!name.empty()) {
    const auto c = next_utf8(name);
    if (!c) {
      name.remove_prefix(1);
      continue;
    }
    const std::string_view bytes = name.substr(0, c->size);
    name.remove_prefix(c->size);
    if (is_space(c->code_point)) {
      pending_space = true;
    } else if (is_key_char(c->code_point)) {
      if (pending_space) out += '_';
      pending_space = false;
      out += bytes;
    }
  }
  if (pending_space) out += '_';
  return out;
}

// Drops every ".." pair, left to right. A run of n dots keeps n % 2 of them, and removing
// dots never brings two other dots together, so no ".." is left.
std::string without_double_dots(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' && i + 1 < s.size() && s[i + 1] == '.') {
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// At most `max` bytes of valid UTF-8 `s`, cut only between characters.
std::string_view truncate_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
  return s.substr(0, cut);
}

// Random (version 4, RFC 9562) UUID in its lower-case 8-4-4-4-12 form.
std::string new_uuid_v4() {
  std::string bytes = crypto::random_bytes(16);
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0Fu) | 0x40u);
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3Fu) | 0x80u);
  const std::string hex = crypto::hex_encode(bytes);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

}  // namespace

std::string sanitize_filename(std::string_view name) {
  const std::string kept = without_double_dots(keep_key_chars(name));
  std::string_view s = kept;
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  s = truncate_utf8(s, kMaxNameBytes);
  return s.empty() ? std::string("file") : std::string(s);
}

std::string new_storage_key(std::string_view prefix, std::string_view client_filename) {
  if (prefix != "audio" && prefix != "thumbnails") {
    throw std::invalid_argument("storage key prefix must be audio or thumbnails");
  }
  std::string key(prefix);
  key += '/';
  key += new_uuid_v4();
  key += '-';
  key += sanitize_filename(client_filename);
  return key;
}

bool is_safe_storage_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return false;
  while (true) {
    const std::size_t slash = key.find('/');
    if (!is_safe_segment(key.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    key.remove_prefix(slash + 1);
  }
}

}  // namespace volkrin
