// Character classes and trimming from the HTTP grammar (RFC 9110), shared by the parsers.
#pragma once

#include <string_view>

#include "support/ascii.hpp"

namespace volkrin::http {

// Optional whitespace: space or horizontal tab.
constexpr bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

constexpr std::string_view trim_ows(std::string_view s) {
  return trim(s, " \t");
}

}  // namespace volkrin::http
