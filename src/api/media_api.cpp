// /media/*key: checks the URL's signature, then sends the file (Range, conditional).
#include "api/media_api.hpp"

#include <unistd.h>

#include "format/content_sniff.hpp"
#include "http/file_response.hpp"
#include "media/signed_url.hpp"
#include "support/api_error.hpp"
#include "support/time_format.hpp"
#include "support/worker_pool.hpp"

namespace volkrin::api {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

std::optional<OpenedMedia> open_media(MediaStore& media, const std::string& key) {
  std::unique_ptr<OpenedObject> object;
  try {
    object = media.open(key);
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // not a key this server makes
  }
  if (!object) return std::nullopt;
  // The type comes from the bytes, as at upload, not from the name.
  std::string head(kSniffBytes, '\0');
  const ssize_t n = ::pread(object->fd(), head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  std::string type = "application/octet-stream";
  if (auto audio = sniff_audio(head)) {
    type = std::string(audio_mime(*audio));
  } else if (auto image = sniff_image(head)) {
    type = std::string(image_mime(*image));
  }
  const StoredObject& info = object->info();
  auto file = std::make_shared<http::OpenFile>(object->release_fd(), info.size, info.modified_ms,
                                               info.etag);
  return OpenedMedia{std::move(file), std::move(type)};
}

void add_media_routes(http::Router& router, MediaStore& media, std::string signing_secret) {
  router.add("GET", "/media/*key", Access::open,
             [&media, secret = std::move(signing_secret)](Request& req) -> awaitable<Response> {
               const std::string key(req.param("key"));
               const auto check =
                   check_media_signature(secret, key, req.query_param("expires").value_or(""),
                                         req.query_param("sig").value_or(""), now_seconds());
               if (check != MediaUrlCheck::ok) {
                 throw ApiError(403, check == MediaUrlCheck::expired ? "This media link has expired"
                                                                     : "Invalid media link");
               }
               auto opened = co_await offload([&] { return open_media(media, key); });
               if (!opened) throw ApiError(404, "Media not found");
               // The link itself expires; caches must not keep the bytes beyond it.
               co_return http::file_response(req, std::move(opened->object), opened->content_type,
                                             "private, max-age=300");
             });
}

}  // namespace volkrin::api
