// libFuzzer target for the text rules: validation agrees with an independent UTF-8 decoder,
// and cleaning always yields text that validation admits.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/api_error.hpp"
#include "support/ascii.hpp"
#include "support/text_validation.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Decoded {
  std::vector<char32_t> code_points;  // up to the first ill-formed sequence
  bool valid = true;                  // whether there was none
};

// The code points of `s`. Decoded another way than the code under test: the lead byte gives
// the length, then the value is checked for the shortest form, surrogates and the bound.
Decoded reference_decode(std::string_view s) {
  Decoded out;
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (lead < 0x80) {
      n = 1;
    } else if ((lead & 0xE0) == 0xC0) {
      n = 2;
    } else if ((lead & 0xF0) == 0xE0) {
      n = 3;
    } else if ((lead & 0xF8) == 0xF0) {
      n = 4;
    }
    bool ok = n > 0 && i + n <= s.size();
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      ok = (b & 0xC0) == 0x80;
      c = (c << 6) | (b & 0x3F);
    }
    const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && c >= smallest[n] && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
    if (!ok) {
      out.valid = false;
      return out;
    }
    out.code_points.push_back(c);
    i += n;
  }
  return out;
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Decoded decoded = reference_decode(text);

  const auto length = volkrin::utf8_length(text);
  check(length.has_value() == decoded.valid);
  if (length) check(*length == decoded.code_points.size());

  // The faults come in the order they appear: a control character before an ill-formed
  // sequence is the one reported.
  bool control = false;
  bool invisible = false;
  for (const char32_t c : decoded.code_points) {
    control = control || volkrin::is_control_character(c);
    invisible = invisible || volkrin::is_invisible_character(c);
    // What must not be in a single line must not pass for visible in an email either.
    if (volkrin::is_control_character(c)) check(volkrin::is_invisible_character(c));
  }
  const volkrin::TextFault fault = volkrin::single_line_fault(text);
  check(fault == (control          ? volkrin::TextFault::control_character
                  : !decoded.valid ? volkrin::TextFault::invalid_utf8
                                   : volkrin::TextFault::none));
  check(volkrin::has_invisible_character(text) == (invisible || !decoded.valid));

  bool refused = false;
  try {
    check(volkrin::require_single_line(text, "title") == text);
  } catch (const volkrin::ApiError& e) {
    refused = true;
    check(e.status() == 400);
    check(std::string_view(e.what()).starts_with("title "));
  }
  check(refused == (fault != volkrin::TextFault::none));

  const std::string_view trimmed = volkrin::trim(text);
  check(text.find(trimmed) != std::string_view::npos);
  check(trimmed.empty() || (!is_ascii_space(trimmed.front()) && !is_ascii_space(trimmed.back())));

  const std::string cleaned = volkrin::clean_single_line(text);
  check(volkrin::single_line_fault(cleaned) == volkrin::TextFault::none);
  check(volkrin::clean_single_line(cleaned) == cleaned);
  check(cleaned == volkrin::trim(cleaned));
  if (fault == volkrin::TextFault::none) check(cleaned == trimmed);
  // Each input byte becomes at most one replacement character (3 bytes).
  check(cleaned.size() <= 3 * text.size());
  return 0;
}
