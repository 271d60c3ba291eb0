// The LIKE / ILIKE pattern both stores use for a substring search.
#pragma once

#include <string>
#include <string_view>

namespace volkrin {

// "%text%", with the text's own wildcards (% and _) and '\' escaped by '\' (the statements
// say ESCAPE '\').
inline std::string like_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace volkrin
