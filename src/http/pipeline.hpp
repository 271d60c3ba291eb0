// Everything between "a request arrived" and "this is the answer", independent of the
// transport: request id, CORS, routing, access rules, error mapping, metrics, access log.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "http/cors.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "support/cidr.hpp"
#include "support/config.hpp"

namespace volkrin::http {

// Resolves a bearer token to the caller it belongs to; nullopt when the token does not
// verify or its user no longer exists.
using Authenticator =
    std::function<boost::asio::awaitable<std::optional<Caller>>(std::string_view token)>;

struct PipelineOptions {
  LogFormat log_format = LogFormat::dev;
  std::vector<Cidr> trusted_proxies;  // see forwarded.hpp
};

class Pipeline {
 public:
  Pipeline(Router router, CorsPolicy cors, Authenticator authenticate, PipelineOptions options);

  // Never throws. A response with status 499 means the client went away: write nothing.
  boost::asio::awaitable<Response> handle(Request& request);

  const Router& router() const { return router_; }

 private:
  boost::asio::awaitable<Response> route(Request& request);
  boost::asio::awaitable<std::optional<Response>> check_access(Access access, Request& request);

  Router router_;
  CorsPolicy cors_;
  Authenticator authenticate_;
  PipelineOptions options_;
};

inline constexpr int kClientGoneStatus = 499;

}  // namespace volkrin::http
