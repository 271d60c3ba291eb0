// Conditional requests (RFC 9110 section 13): If-None-Match and If-Range against the current
// validators of a representation.
#pragma once

#include <cstdint>
#include <string_view>

namespace volkrin::http {

// `etag` is the representation's entity tag as sent in ETag: "\"abc\"" or "W/\"abc\"".

// If-None-Match: "*" or a list of entity tags, compared weakly (W/"x" matches "x"). true
// means the client's copy is current: answer 304 (GET/HEAD). A malformed field never hits.
bool if_none_match_hits(std::string_view header, std::string_view etag);

// If-Range: an entity tag (strong comparison: a weak tag on either side never matches) or
// an HTTP-date (matches when it equals last_modified_seconds). true: honour Range; false:
// send the whole body. An empty field is true; a malformed one is false.
bool if_range_allows(std::string_view header, std::string_view etag,
                     std::int64_t last_modified_seconds);

}  // namespace volkrin::http
