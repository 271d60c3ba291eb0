// GET /api/openapi.yaml: sends the embedded docs/openapi.yaml, with an ETag.
#include "api/docs_api.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "embedded/docs.hpp"
#include "http/conditional.hpp"
#include "support/strong_etag.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

struct Document {
  std::shared_ptr<const std::string> bytes;
  std::string etag;
};

const Document& openapi_document() {
  static const Document document = [] {
    const EmbeddedFile* file = find_embedded(embedded::docs(), "openapi.yaml");
    if (file == nullptr) throw std::logic_error("docs/openapi.yaml is not embedded");
    auto bytes = std::make_shared<const std::string>(file->data);
    std::string etag = strong_etag(*bytes);
    return Document{std::move(bytes), std::move(etag)};
  }();
  return document;
}

}  // namespace

void add_docs_routes(http::Router& router) {
  router.add("GET", "/api/openapi.yaml", Access::open, [](Request& req) -> awaitable<Response> {
    const Document& document = openapi_document();
    Response r;
    r.content_type = "application/yaml; charset=utf-8";
    r.set_header("ETag", document.etag);
    r.set_header("Cache-Control", "no-cache");
    if (http::if_none_match_hits(req.header("If-None-Match"), document.etag)) {
      r.status = 304;
    } else {
      r.shared_body = document.bytes;
    }
    co_return r;
  });
}

}  // namespace volkrin::api
