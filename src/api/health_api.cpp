// /api/health, /api/health/ready and /metrics.
#include "api/health_api.hpp"

#include <boost/json/object.hpp>

#include "support/api_error.hpp"
#include "support/crypto.hpp"
#include "support/metrics.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

awaitable<void> check_metrics_access(const MetricsAccess& access, Request& req) {
  if (access.token.empty() && access.allow.empty()) co_return;
  for (const auto& range : access.allow) {
    if (cidr_contains(range, req.client_address)) co_return;
  }
  const std::string_view authorization = req.header("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    throw ApiError(401, "Metrics require authorization");
  }
  const std::string_view token = authorization.substr(kBearer.size());
  if (!access.token.empty() && crypto::constant_time_equal(token, access.token)) co_return;
  if (auto caller = co_await access.authenticate(token); caller && caller->is_admin()) co_return;
  throw ApiError(403, "Access to metrics denied");
}

}  // namespace

void add_health_routes(http::Router& router, Readiness& readiness, MetricsAccess access) {
  router.add("GET", "/api/health", Access::open, [](Request&) -> awaitable<Response> {
    co_return http::json_response(
        200,
        boost::json::object{{"status", "ok"}, {"message", "Volkrin Stream backend healthy ✅"}});
  });

  router.add(
      "GET", "/api/health/ready", Access::open, [&readiness](Request&) -> awaitable<Response> {
        const auto checks = co_await readiness.check();
        boost::json::object components;
        bool ready = true;
        for (const auto& c : checks) {
          // Public: whether each component answers and how fast, never why not (the
          // reason can name files, hosts or buckets; Readiness logs it).
          components[c.name] =
              boost::json::object{{"status", c.ok ? "ok" : "error"}, {"latencyMs", c.latency_ms}};
          if (!c.ok && c.name != "cache") ready = false;
        }
        Response r = http::json_response(
            ready ? 200 : 503,
            boost::json::object{{"status", ready ? "ok" : "error"}, {"components", components}});
        r.set_header("Cache-Control", "no-store");
        co_return r;
      });

  router.add("GET", "/metrics", Access::open,
             [access = std::move(access)](Request& req) -> awaitable<Response> {
               co_await check_metrics_access(access, req);
               Response r;
               r.content_type = "text/plain; version=0.0.4; charset=utf-8";
               r.body = metrics().exposition();
               co_return r;
             });
}

}  // namespace volkrin::api
