// Signatures of local media URLs: HMAC-SHA256 over the key and the expiry time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volkrin {

// Lower-case hex HMAC-SHA256(secret, key + "\n" + expires).
std::string media_signature(std::string_view secret, std::string_view key, std::int64_t expires);

// "/media/<percent-encoded key>?expires=<expires>&sig=<signature>" ('/' kept in the key).
std::string signed_media_path(std::string_view secret, std::string_view key, std::int64_t expires);

enum class MediaUrlCheck { ok, bad_signature, expired };
// Compares in constant time; `expires_text` must be a plain decimal integer.
MediaUrlCheck check_media_signature(std::string_view secret, std::string_view key,
                                    std::string_view expires_text, std::string_view signature,
                                    std::int64_t now_seconds);

}  // namespace volkrin
