// Storage keys of media objects: "audio/<uuid>-<sanitized name>", and what makes a key safe.
#pragma once

#include <string>
#include <string_view>

namespace volkrin {

// A client file name reduced to something harmless: no path separators, no "..", no
// control characters, whitespace runs become one '_', at most 100 bytes (valid UTF-8 kept
// whole), never empty ("file"). Invalid UTF-8, leading dots and ASCII punctuation other than
// "._-" are dropped as well, so that the result is always a safe key segment.
std::string sanitize_filename(std::string_view name);

// "<prefix>/<uuid v4>-<sanitized name>"; prefix is "audio" or "thumbnails".
std::string new_storage_key(std::string_view prefix, std::string_view client_filename);

// A key this server could have made: 1..300 bytes, segments of [A-Za-z0-9._-] and UTF-8
// letters, no empty, "." or ".." segment, no leading '/', no backslash, no control bytes.
bool is_safe_storage_key(std::string_view key);

}  // namespace volkrin
