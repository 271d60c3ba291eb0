// The account routes' way into AuthService: rate limits first, blocking work off the I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/rate_limiter.hpp"
#include "service/auth_service.hpp"
#include "service/login_limits.hpp"
#include "service/track_service.hpp"
#include "support/config.hpp"

namespace volkrin {

// Limits checked before any password is hashed. No limiter, or a rule left unset, means no
// limit. The login limits and what each counts: service/login_limits.hpp.
struct AuthLimitRules {
  LoginRules login;
  std::optional<RateRule> signup_per_address;
};

// A request over a limit, to be answered 429 with Retry-After.
struct RateRefusal {
  std::chrono::seconds retry_after{1};  // at least 1 s
};

// A login: refused by a limit, or the session (a failed login throws as AuthService::login).
struct LoginAttempt {
  std::optional<RateRefusal> refused;
  std::optional<Session> session;
};

// Cheap to copy. Every call resumes on the caller's executor; the blocking parts (hashing,
// the database) run on the worker pool.
class AuthGate {
 public:
  AuthGate(AuthService& auth, TrackService& tracks, RateLimiter* limiter, AuthLimitRules rules);

  // Counts a sign-up from `address`; checked before the request body is read.
  boost::asio::awaitable<std::optional<RateRefusal>> check_signup(std::string_view address) const;
  boost::asio::awaitable<Session> signup(SignupInput input) const;

  // Counts a login from `address`; checked before the request body is read.
  boost::asio::awaitable<std::optional<RateRefusal>> check_login(std::string_view address) const;
  // Counts the attempt against the account's limits, then logs in; the account limits keep
  // the attempt only when its credentials were wrong (a 401).
  boost::asio::awaitable<LoginAttempt> login(std::string email, std::string password,
                                             std::string address) const;

  boost::asio::awaitable<std::vector<UserRecord>> list_users() const;
  // Deletes the user, then drops the cached track list (tracks show their uploader).
  boost::asio::awaitable<void> delete_user(std::string caller_id, std::string user_id) const;

 private:
  AuthService& auth_;
  TrackService& tracks_;
  RateLimiter* limiter_;
  LoginLimits login_limits_;
  std::optional<RateRule> signup_per_address_;
};

}  // namespace volkrin
