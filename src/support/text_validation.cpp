// Validation and cleaning of text from outside; see text_validation.hpp.
#include "support/text_validation.hpp"

#include <algorithm>
#include <array>

#include "support/api_error.hpp"
#include "support/ascii.hpp"

namespace volkrin {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

struct Decoded {
  char32_t code_point;  // kInvalid for an ill-formed sequence
  std::size_t length;   // bytes read: the sequence, or its longest well-formed start (>= 1)
};

// The code point at text[at], by the well-formed byte sequences of Unicode's table 3-7. An
// ill-formed sequence reads as its maximal subpart, so that a cleaner replaces it by one
// U+FFFD and resynchronises on the next byte that could start a character.
Decoded decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t c = 0;
  unsigned char low = 0x80;  // the range of the second byte
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    c = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    c = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    c = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return {kInvalid, 1};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (at + k >= text.size()) return {kInvalid, k};
    const unsigned char b = byte(k);
    const unsigned char lo = k == 1 ? low : 0x80;
    const unsigned char hi = k == 1 ? high : 0xBF;
    if (b < lo || b > hi) return {kInvalid, k};
    c = (c << 6) | (b & 0x3Fu);
  }
  return {c, length};
}

struct Range {
  char32_t first, last;
};

// Unicode 15.1: Cc, Cf, Default_Ignorable_Code_Point and White_Space (but U+0020), merged
// into ranges, sorted.
constexpr std::array<Range, 29> kInvisible{{
    {0x0000, 0x001F},   {0x007F, 0x00A0},   {0x00AD, 0x00AD},   {0x034F, 0x034F},
    {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x115F, 0x1160},   {0x1680, 0x1680},
    {0x17B4, 0x17B5},   {0x180B, 0x180F},   {0x2000, 0x200F},   {0x2028, 0x202F},
    {0x205F, 0x206F},   {0x3000, 0x3000},   {0x3164, 0x3164},   {0xFE00, 0xFE0F},
    {0xFEFF, 0xFEFF},   {0xFFA0, 0xFFA0},   {0xFFF0, 0xFFFB},   {0x110BD, 0x110BD},
    {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
    {0xE0000, 0xE0FFF},
}};

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const Decoded d = decode(text, i);
    if (d.code_point == kInvalid) return std::nullopt;
    i += d.length;
  }
  return count;
}

bool is_control_character(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

bool is_invisible_character(char32_t c) {
  const auto* range = std::upper_bound(kInvisible.begin(), kInvisible.end(), c,
                                       [](char32_t v, const Range& r) { return v < r.first; });
  return range != kInvisible.begin() && c <= std::prev(range)->last;
}

TextFault single_line_fault(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.code_point == kInvalid) return TextFault::invalid_utf8;
    if (is_control_character(d.code_point)) return TextFault::control_character;
    i += d.length;
  }
  return TextFault::none;
}

std::string_view require_single_line(std::string_view text, std::string_view field) {
  if (single_line_fault(text) != TextFault::none) {
    throw ApiError(400,
                   std::string(field) + " must be valid UTF-8 text without control characters");
  }
  return text;
}

bool has_invisible_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.code_point == kInvalid || is_invisible_character(d.code_point)) return true;
    i += d.length;
  }
  return false;
}

std::string clean_single_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.code_point == kInvalid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else if (is_control_character(d.code_point)) {
      out += ' ';
    } else {
      out.append(text.substr(i, d.length));
    }
    i += d.length;
  }
  return std::string(trim(out));
}

}  // namespace volkrin
