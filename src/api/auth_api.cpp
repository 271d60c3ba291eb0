// /api/auth: turns requests into AuthService calls and users into the contract's JSON.
#include "api/auth_api.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <exception>
#include <optional>

#include "api/json_body.hpp"
#include "ratelimit/rate_keys.hpp"
#include "support/api_error.hpp"
#include "support/time_format.hpp"
#include "support/worker_pool.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

// {_id, name, email, role}. Each answer puts mongoose's version key "__v": 0 after the
// fields it adds, as every user object of the original carries it.
boost::json::object public_user(const UserRecord& u) {
  return {{"_id", u.id}, {"name", u.name}, {"email", u.email}, {"role", u.role}};
}

Response session_response(int status, const Session& s) {
  boost::json::object body = public_user(s.user);
  body["__v"] = 0;
  body["token"] = s.token;
  return http::json_response(status, body);
}

// The member when it is a string, else "" (absent, null or another type).
std::string string_or_empty(const boost::json::object& body, std::string_view field) {
  const auto* v = body.if_contains(field);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string required_string(const boost::json::object& body, std::string_view field,
                            std::string_view missing_message) {
  auto value = optional_string(body, field);
  if (!value) throw ApiError(400, std::string(missing_message));
  return std::move(*value);
}

// 429 with Retry-After when the decision refuses; nullopt when the request may go on.
std::optional<Response> refusal(const RateDecision& decision) {
  if (decision.allowed) return std::nullopt;
  Response r = http::message_response(429, "Too many requests, please try again later");
  r.set_header("Retry-After",
               std::to_string(std::max<std::int64_t>(decision.retry_after.count(), 1)));
  return r;
}

// The same for `key` counted against `rule`.
awaitable<std::optional<Response>> over_limit(RateLimiter* limiter,
                                              const std::optional<RateRule>& rule,
                                              std::string key) {
  if (limiter == nullptr || !rule) co_return std::nullopt;
  co_return refusal(co_await limiter->hit(key, rule->limit, rule->window));
}

// Logs in; the account limits keep the attempt only when its credentials were wrong (a 401).
awaitable<Session> login_counting_failures(AuthService& auth, const LoginLimits& limits,
                                           const std::string& email, const std::string& password,
                                           const std::string& address) {
  std::optional<Session> session;
  std::exception_ptr failure;
  bool wrong_credentials = false;
  auto attempt = [&] { return auth.login(email, password); };
  try {
    session = co_await offload(attempt);
  } catch (const ApiError& e) {
    wrong_credentials = e.status() == 401;
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (!wrong_credentials) co_await limits.forgive(email, address);
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*session);
}

}  // namespace

void add_auth_routes(http::Router& router, AuthService& auth, AuthRateLimits limits,
                     std::function<awaitable<void>()> user_deleted) {
  router.add("POST", "/api/auth/signup", Access::open,
             [&auth, limits](Request& req) -> awaitable<Response> {
               if (auto refused =
                       co_await over_limit(limits.limiter, limits.signup_per_address,
                                           "signup:address:" + address_key(req.client_address))) {
                 co_return std::move(*refused);
               }
               const auto body = co_await read_json_object(req);
               SignupInput input;
               input.name = required_string(body, "name", "Name is required");
               input.email = required_string(body, "email", "Email is required");
               input.password = required_string(body, "password", "Password is required");
               input.role = optional_string(body, "role").value_or("");
               input.admin_secret = optional_string(body, "adminSecret").value_or("");
               const Session s = co_await offload([&] { return auth.signup(input); });
               co_return session_response(201, s);
             });

  const LoginLimits login_limits(limits.limiter, limits.login);
  router.add("POST", "/api/auth/login", Access::open,
             [&auth, login_limits](Request& req) -> awaitable<Response> {
               const std::string& address = req.client_address;
               if (auto refused = refusal(co_await login_limits.check_address(address))) {
                 co_return std::move(*refused);
               }
               const auto body = co_await read_json_object(req);
               // A missing or non-string email or password is a failed login like any other
               // (401, counted), as the original answers an empty body.
               const std::string email = string_or_empty(body, "email");
               const std::string password = string_or_empty(body, "password");
               if (auto refused = refusal(co_await login_limits.check_account(email, address))) {
                 co_return std::move(*refused);
               }
               const Session s =
                   co_await login_counting_failures(auth, login_limits, email, password, address);
               co_return session_response(200, s);
             });

  router.add("GET", "/api/auth/me", Access::user, [](Request& req) -> awaitable<Response> {
    const auto& c = *req.caller;
    co_return http::json_response(
        200,
        boost::json::object{
            {"_id", c.id}, {"name", c.name}, {"email", c.email}, {"role", c.role}, {"__v", 0}});
  });

  router.add("GET", "/api/auth/users", Access::admin, [&auth](Request&) -> awaitable<Response> {
    const auto users = co_await offload([&] { return auth.list_users(); });
    boost::json::array list;
    list.reserve(users.size());
    for (const auto& u : users) {
      boost::json::object o = public_user(u);
      o["createdAt"] = iso8601_ms(u.created_at_ms);
      o["updatedAt"] = iso8601_ms(u.updated_at_ms);
      o["__v"] = 0;
      list.push_back(std::move(o));
    }
    co_return http::json_response(200, list);
  });

  router.add("DELETE", "/api/auth/users/:id", Access::admin,
             [&auth, user_deleted = std::move(user_deleted)](Request& req) -> awaitable<Response> {
               const std::string id(req.param("id"));
               const std::string caller = req.caller->id;
               co_await offload([&] { auth.delete_user(caller, id); });
               co_await user_deleted();
               co_return http::message_response(200, "User deleted successfully");
             });
}

}  // namespace volkrin::api
