// http(s) URLs in configuration values (CORS origins, PUBLIC_BASE_URL, S3_ENDPOINT).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace volkrin::config_detail {

struct HttpUrl {
  std::string origin;     // lower-case scheme://host[:port], default port dropped
  std::string path_rest;  // everything after the authority, as written
};

// Parses "http(s)://host[:port]..." and returns the origin and the rest, or an explanation
// such as "has an invalid host" (the value is never part of it).
std::pair<std::optional<HttpUrl>, std::string> parse_http_url(std::string_view text);

}  // namespace volkrin::config_detail
