// Cached JSON entries; see cached_json.hpp.
#include "service/cached_json.hpp"

#include "support/strong_etag.hpp"

namespace volkrin {

CachedJson make_cached_json(std::string_view json) {
  std::string bytes = strong_etag(json);
  bytes += '\n';
  const std::size_t offset = bytes.size();
  bytes += json;
  return CachedJson{std::make_shared<const std::string>(std::move(bytes)), offset};
}

std::optional<CachedJson> parse_cached_json(std::shared_ptr<const std::string> entry) {
  if (!entry) return std::nullopt;
  const auto newline = entry->find('\n');
  if (newline == std::string::npos) return std::nullopt;
  return CachedJson{std::move(entry), newline + 1};
}

}  // namespace volkrin
