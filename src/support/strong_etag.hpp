// The strong ETag of a body built from its bytes, for the answers this server generates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace volkrin {

// Its length: quotes around 12 bytes of SHA-256 in hex.
inline constexpr std::size_t kStrongEtagSize = 2 + 24;

// "\"<24 hex digits>\"": equal bytes always get the same tag, different bytes in practice never.
std::string strong_etag(std::string_view bytes);

}  // namespace volkrin
