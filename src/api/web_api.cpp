// Serves the embedded web player files with their type, ETag, caching and security headers.
#include "api/web_api.hpp"

#include <array>
#include <memory>
#include <utility>

#include "api/not_modified.hpp"
#include "embedded/web.hpp"
#include "support/strong_etag.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

struct ServedFile {
  std::shared_ptr<const std::string> body;  // sent without copying
  std::string content_type;
  std::string etag;
};

awaitable<Response> serve(const ServedFile& file, const Request& req) {
  Response r;
  r.content_type = file.content_type;
  r.set_header("Content-Security-Policy", std::string(kWebContentSecurityPolicy));
  r.set_header("Referrer-Policy", "same-origin");
  r.shared_body = file.body;
  co_return not_modified_or(std::move(r), req, file.etag);
}

}  // namespace

std::string_view web_content_type(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (name.size() > extension.size() && name.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

void add_web_routes(http::Router& router) {
  // The files of web/ by name ("index.html", "app.js", ...), embedded by CMakeLists.txt.
  for (const EmbeddedFile& embedded : embedded::web()) {
    auto file = std::make_shared<const ServedFile>(
        ServedFile{std::make_shared<const std::string>(embedded.data),
                   std::string(web_content_type(embedded.path)), strong_etag(embedded.data)});
    auto handler = [file](Request& req) { return serve(*file, req); };
    router.add("GET", "/" + std::string(embedded.path), Access::open, handler);
    if (embedded.path == "index.html") router.add("GET", "/", Access::open, handler);
  }
}

}  // namespace volkrin::api
