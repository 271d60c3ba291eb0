// /media/*key: checks the URL's signature, then sends the file (Range, conditional).
#include "api/media_api.hpp"

#include <utility>

#include "http/file_response.hpp"

namespace volkrin::api {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

std::shared_ptr<http::OpenFile> open_file_of(MediaFile& file) {
  return std::make_shared<http::OpenFile>(std::move(file.fd), file.size, file.modified_ms,
                                          std::move(file.etag));
}

void add_media_routes(http::Router& router, MediaService media) {
  router.add("GET", "/media/*key", Access::open, [media](Request& req) -> awaitable<Response> {
    std::string key(req.param("key"));
    std::string expires = req.query_param("expires").value_or("");
    std::string signature = req.query_param("sig").value_or("");
    MediaFile opened =
        co_await media.open_signed(std::move(key), std::move(expires), std::move(signature));
    const std::string type = opened.content_type;
    // The link itself expires; caches must not keep the bytes beyond it.
    co_return http::file_response(req, open_file_of(opened), type, "private, max-age=300");
  });
}

}  // namespace volkrin::api
