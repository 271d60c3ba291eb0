// /api/health, /api/health/ready and /metrics.
#include "api/health_api.hpp"

#include <boost/json/object.hpp>
#include <chrono>

#include "support/metrics.hpp"
#include "support/worker_pool.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

}  // namespace

void add_health_routes(http::Router& router, MetadataStore& store) {
  router.add("GET", "/api/health", Access::open, [](Request&) -> awaitable<Response> {
    co_return http::json_response(
        200, boost::json::object{{"status", "ok"}, {"message", "Volkrin Stream backend healthy ✅"}});
  });

  router.add("GET", "/api/health/ready", Access::open, [&store](Request&) -> awaitable<Response> {
    const auto started = std::chrono::steady_clock::now();
    bool ok = true;
    try {
      co_await offload([&] { store.ping(); });
    } catch (const std::exception&) {
      ok = false;
      metrics().backend_error(Backend::database);
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    boost::json::object database{{"status", ok ? "ok" : "error"}, {"latencyMs", ms}};
    boost::json::object body{{"status", ok ? "ok" : "error"},
                             {"components", boost::json::object{{"database", database}}}};
    co_return http::json_response(ok ? 200 : 503, body);
  });

  router.add("GET", "/metrics", Access::open, [](Request&) -> awaitable<Response> {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics().exposition();
    co_return r;
  });
}

}  // namespace volkrin::api
