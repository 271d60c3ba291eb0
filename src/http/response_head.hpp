// The status line and header fields of a response, serialized in one buffer: the bytes
// Beast's serializer would write, without its per-field buffer sequence (which cost more
// than the rest of a cached list's answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/response.hpp"

namespace volkrin::http {

// `version` is 10 or 11. `content_length` is written when set. keep_alive adds
// "Connection: keep-alive" to an HTTP/1.0 answer and "Connection: close" to an HTTP/1.1 one
// that closes, as Beast's message::keep_alive() does.
std::string response_head(const Response& response, unsigned version, bool keep_alive,
                          std::optional<std::uint64_t> content_length);

}  // namespace volkrin::http
