// Character classes and trimming from the HTTP grammar (RFC 9110), shared by the parsers.
#pragma once

#include <string_view>

namespace volkrin::http {

// Optional whitespace: space or horizontal tab.
constexpr bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace volkrin::http
