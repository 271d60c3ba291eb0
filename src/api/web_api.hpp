// The web player: the files of web/, embedded at build time, served at "/" and "/<name>".
#pragma once

#include <string>
#include <string_view>

#include "http/router.hpp"

namespace volkrin::api {

// Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string_view web_content_type(std::string_view name);

// The Content-Security-Policy of the player: only its own scripts, styles and API; images
// and media also from other origins (signed object-store URLs).
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' https: http: data:; media-src 'self' https: http:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// GET "/" answers index.html; every embedded file is also at "/<name>". Answers carry an
// ETag (content hash, If-None-Match → 304) and "Cache-Control: no-cache", so that a new
// build shows at once while unchanged files are not sent again.
void add_web_routes(http::Router& router);

}  // namespace volkrin::api
