// The conditional answer of every cacheable GET of the API and the web player.
#pragma once

#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"

namespace volkrin::api {

// `r` with its ETag and Cache-Control: no-cache (the client keeps it, and asks again each
// time), or an empty 304 when the request's If-None-Match names that ETag.
http::Response not_modified_or(http::Response r, const http::Request& req, std::string_view etag);

}  // namespace volkrin::api
