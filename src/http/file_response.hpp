// Answers a request for a file: conditional requests, Range, and a body that
// goes out with sendfile(2).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/open_file.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace volkrin::http {

// 200 with the whole file, 206 with one range, 304 when If-None-Match matches, or 416
// with "Content-Range: bytes */size". Always Accept-Ranges, ETag, Last-Modified.
Response file_response(const Request& request, std::shared_ptr<OpenFile> file,
                       std::string_view content_type, std::string_view cache_control);

}  // namespace volkrin::http
