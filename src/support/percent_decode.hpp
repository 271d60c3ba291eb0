// Percent-decoding (%XX escapes) of URL paths, query strings, user info and RFC 8187 values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

// Every %XX escape decoded (either case of hex digit); nullopt for a '%' not followed by two
// hex digits. With `plus_is_space` (query strings) '+' decodes to a space, else it stays.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace volkrin
