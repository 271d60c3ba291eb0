// Fuzz target: request-target parsing, route matching and query lookups on client bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request.hpp"
#include "http/router.hpp"

namespace {

using volkrin::http::Access;
using volkrin::http::Request;
using volkrin::http::Response;

class FuzzRequest final : public Request {
 public:
  std::string_view header(std::string_view) const override { return {}; }
  std::optional<std::uint64_t> content_length() const override { return std::nullopt; }
  bool has_body() const override { return false; }
  boost::asio::awaitable<std::string> read_body(std::size_t) override { co_return std::string{}; }
  boost::asio::awaitable<std::size_t> read_body_some(std::span<char>) override { co_return 0; }
};

const volkrin::http::Router& router() {
  static const volkrin::http::Router r = [] {
    volkrin::http::Router built;
    auto noop = [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
    for (const char* p : {"/api/health", "/api/auth/users/:id", "/api/tracks/:id/stream",
                          "/api/tracks/:id", "/media/*key"}) {
      built.add("GET", p, Access::open, noop);
      built.add("DELETE", p, Access::admin, noop);
    }
    return built;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto target = volkrin::http::parse_target(input);
  if (!target) return 0;
  // Invariants: decoded segments never hold traversal components or NUL bytes.
  for (const auto& s : target->segments) {
    if (s == "." || s == ".." || s.find('\0') != std::string::npos) __builtin_trap();
  }
  if (auto m = router().match("GET", *target)) {
    for (const auto& [name, value] : m->params) {
      if (name.empty()) __builtin_trap();
    }
  }
  router().methods_for(*target);
  FuzzRequest request;
  request.query = target->query;
  request.query_param("limit");
  request.query_param("q");
  return 0;
}
