// The request pipeline; see pipeline.hpp.
#include "http/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "http/access_log.hpp"
#include "http/client_gone.hpp"
#include "http/forwarded.hpp"
#include "http/request_id.hpp"
#include "support/api_error.hpp"
#include "support/backend_failure.hpp"
#include "support/log.hpp"
#include "support/log_throttle.hpp"
#include "support/metrics.hpp"
#include "support/time_format.hpp"

namespace volkrin::http {
namespace {

constexpr std::string_view kUnmatchedRoute = "#unmatched";

// Methods outside this set share one label value, so that clients cannot grow the
// number of series by inventing methods.
std::string_view metric_method(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET",   "HEAD",   "POST",   "PUT",
                                                "PATCH", "DELETE", "OPTIONS"};
  for (auto known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

// A full disk fails every upload until someone makes room: said once per interval, with
// how many more failed meanwhile, rather than once per request.
void log_storage_full(const Request& request, std::string_view detail) {
  static LogThrottle throttle(std::chrono::seconds(30));
  const auto held_back = throttle.allow();
  if (!held_back) return;
  if (*held_back == 0) {
    spdlog::error("request {} {} {}: media storage is full: {}", request.request_id, request.method,
                  request.route_template, detail);
  } else {
    spdlog::error("request {} {} {}: media storage is full: {} ({} more since the last report)",
                  request.request_id, request.method, request.route_template, detail, *held_back);
  }
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() ||
      authorization.substr(0, kPrefix.size()) != kPrefix) {
    return {};
  }
  std::string_view token = authorization.substr(kPrefix.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace

Pipeline::Pipeline(Router router, CorsPolicy cors, Authenticator authenticate,
                   PipelineOptions options)
    : router_(std::move(router)),
      cors_(std::move(cors)),
      authenticate_(std::move(authenticate)),
      options_(std::move(options)) {}

boost::asio::awaitable<std::optional<Response>> Pipeline::check_access(Access access,
                                                                       Request& request) {
  if (access == Access::open) co_return std::nullopt;
  const std::string_view token = bearer_token(request.header("Authorization"));
  if (token.empty()) co_return message_response(401, "No token, authorization denied");
  std::optional<Caller> caller = co_await authenticate_(token);
  if (!caller) co_return message_response(401, "Not authorized, token failed");
  request.caller = std::move(caller);
  if (access == Access::admin && !request.caller->is_admin()) {
    co_return message_response(403, "Access denied. Admins only.");
  }
  co_return std::nullopt;
}

boost::asio::awaitable<Response> Pipeline::route(Request& request) {
  auto target = parse_target(request.target);
  if (!target) {
    request.route_template = kUnmatchedRoute;
    co_return message_response(400, "Malformed request path");
  }
  request.path = target->path;
  request.query = target->query;

  if (request.method == "OPTIONS") {
    const auto methods = router_.methods_for(*target);
    request.route_template = kUnmatchedRoute;
    if (methods.empty()) co_return message_response(404, "Route not found");
    Response r = cors_.preflight(request.header("Origin"), methods);
    std::string allow;
    for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
    r.set_header("Allow", allow + ", OPTIONS");
    co_return r;
  }

  auto match = router_.match(request.method, *target);
  if (!match) {
    request.route_template = kUnmatchedRoute;
    co_return message_response(404, "Route not found");
  }
  request.route_template = match->route->pattern;
  request.params = std::move(match->params);
  if (auto denied = co_await check_access(match->route->access, request)) co_return *denied;
  co_return co_await match->route->handler(request);
}

boost::asio::awaitable<Response> Pipeline::handle(Request& request) {
  const auto started = std::chrono::steady_clock::now();
  auto& registry = metrics();
  registry.requests_in_flight.fetch_add(1, std::memory_order_relaxed);

  apply_forwarded_headers(request, options_.trusted_proxies);
  const std::string_view incoming_id = request.header("X-Request-Id");
  request.request_id =
      is_sane_request_id(incoming_id) ? std::string(incoming_id) : new_request_id();

  Response response;
  try {
    response = co_await route(request);
  } catch (const ApiError& e) {
    response = message_response(e.status(), e.what());
  } catch (const ClientGone& e) {
    response = Response{};
    response.status = kClientGoneStatus;
    response.close = true;
  } catch (const StorageFull& e) {
    registry.backend_error(Backend::storage);
    registry.storage_full.inc();
    log_storage_full(request, e.what());
    response = message_response(507, "Storage is full; try again later");
  } catch (const BackendFailure& e) {
    registry.backend_error(e.backend());
    spdlog::error("request {} {} {} failed: {}", request.request_id, request.method,
                  request.route_template, e.what());
    // Object storage is a remote service that comes back: say so, and let clients retry.
    response = e.backend() == Backend::storage
                   ? message_response(502, "Media storage is unavailable; try again later")
                   : message_response(500, "Internal server error");
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", request.request_id, request.method,
                  request.route_template, e.what());
    response = message_response(500, "Internal server error");
  }
  if (request.route_template.empty()) request.route_template = kUnmatchedRoute;

  // A preflight answer already carries its CORS headers.
  if (request.method != "OPTIONS") cors_.decorate(request.header("Origin"), response);
  response.set_header("X-Request-Id", request.request_id);
  response.set_header("X-Content-Type-Options", "nosniff");
  if (request.scheme == "https") {
    response.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  registry.observe_request(metric_method(request.method), request.route_template, response.status,
                           seconds);
  registry.requests_in_flight.fetch_sub(1, std::memory_order_relaxed);

  if (access_log_enabled()) {
    AccessEntry entry;
    entry.method = request.method;
    entry.target = request.target;
    entry.route = request.route_template;
    entry.status = response.status;
    entry.duration_ms = seconds * 1000.0;
    entry.bytes = response.body_size();
    entry.time_ms = now_ms();
    entry.remote_address = request.client_address;
    entry.referrer = request.header("Referer");
    entry.user_agent = request.header("User-Agent");
    entry.request_id = request.request_id;
    if (request.caller) entry.user_id = request.caller->id;
    write_access_line(format_access_line(options_.log_format, entry));
  }
  co_return response;
}

}  // namespace volkrin::http
