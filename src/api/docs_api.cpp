// GET /api/openapi.yaml: sends the embedded docs/openapi.yaml, with an ETag.
#include "api/docs_api.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "api/not_modified.hpp"
#include "embedded/docs.hpp"
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
    r.shared_body = document.bytes;
    co_return not_modified_or(std::move(r), req, document.etag);
  });
}

}  // namespace volkrin::api
