// Locale-free ASCII text helpers for protocol and configuration text: case folding, trimming.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace volkrin {

// 'A'-'Z' to 'a'-'z'; every other byte, UTF-8 included, as it is.
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return ascii_lower(c); });
  return out;
}

// Equal but for the case of ASCII letters (HTTP field names, tokens, schemes).
constexpr bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

// The characters trim() drops unless told otherwise: space, tab, CR and LF.
inline constexpr std::string_view kAsciiWhitespace = " \t\r\n";

// text without the leading characters that are in `chars`.
constexpr std::string_view trim_start(std::string_view text,
                                      std::string_view chars = kAsciiWhitespace) {
  const auto first = text.find_first_not_of(chars);
  return first == std::string_view::npos ? std::string_view{} : text.substr(first);
}

// text without the leading and trailing characters that are in `chars`.
constexpr std::string_view trim(std::string_view text, std::string_view chars = kAsciiWhitespace) {
  text = trim_start(text, chars);
  const auto last = text.find_last_not_of(chars);
  return last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
}

// text trimmed of `chars`, with every run of them inside made one space.
inline std::string collapse_whitespace(std::string_view text,
                                       std::string_view chars = kAsciiWhitespace) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (chars.find(c) != std::string_view::npos) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace volkrin
