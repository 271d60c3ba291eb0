// JSON as the cache keeps it: "<etag>\n<json>" in one shared string, so a hit is written to
// the socket without a copy and its ETag needs no hashing.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

struct CachedJson {
  std::shared_ptr<const std::string> entry;  // "<etag>\n<json>"
  std::size_t json_offset = 0;
  std::string_view etag() const { return std::string_view(*entry).substr(0, json_offset - 1); }
  std::string_view json() const { return std::string_view(*entry).substr(json_offset); }
};

// The entry for `json`, its strong ETag computed.
CachedJson make_cached_json(std::string_view json);

// An entry read back from the cache; nullopt when it is not one (no newline).
std::optional<CachedJson> parse_cached_json(std::shared_ptr<const std::string> entry);

}  // namespace volkrin
