// Answers a request for a stored object: conditional requests, Range, and a body that
// goes out with sendfile(2).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"
#include "ports/media_store.hpp"

namespace volkrin::http {

// 200 with the whole object, 206 with one range, 304 when If-None-Match matches, or 416
// with "Content-Range: bytes */size". Always Accept-Ranges, ETag, Last-Modified.
Response file_response(const Request& request, std::shared_ptr<OpenedObject> object,
                       std::string_view content_type, std::string_view cache_control);

}  // namespace volkrin::http
