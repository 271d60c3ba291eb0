// HTTP routes of /api/auth.
#pragma once

#include <functional>
#include <optional>

#include "http/router.hpp"
#include "ports/rate_limiter.hpp"
#include "ratelimit/login_limits.hpp"
#include "service/auth_service.hpp"
#include "support/config.hpp"

namespace volkrin::api {

// Limits checked before any password is hashed; a request over one is answered 429 with
// Retry-After. No limiter, or a rule left unset, means no limit. The login limits and what
// each counts: ratelimit/login_limits.hpp.
struct AuthRateLimits {
  RateLimiter* limiter = nullptr;
  LoginRules login;
  std::optional<RateRule> signup_per_address;
};

// `user_deleted` runs after a user is deleted (tracks show their uploader, so the cached
// track list must go).
void add_auth_routes(http::Router& router, AuthService& auth, AuthRateLimits limits,
                     std::function<boost::asio::awaitable<void>()> user_deleted);

}  // namespace volkrin::api
