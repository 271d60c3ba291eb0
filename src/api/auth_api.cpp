// /api/auth: turns requests into AuthService calls and users into the contract's JSON.
#include "api/auth_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <utility>

#include "api/json_body.hpp"
#include "support/api_error.hpp"
#include "support/time_format.hpp"

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

// 429 with Retry-After.
Response too_many_requests(const RateRefusal& refusal) {
  Response r = http::message_response(429, "Too many requests, please try again later");
  r.set_header("Retry-After", std::to_string(refusal.retry_after.count()));
  return r;
}

}  // namespace

void add_auth_routes(http::Router& router, AuthGate auth) {
  router.add("POST", "/api/auth/signup", Access::open, [auth](Request& req) -> awaitable<Response> {
    if (auto refused = co_await auth.check_signup(req.client_address)) {
      co_return too_many_requests(*refused);
    }
    const auto body = co_await read_json_object(req);
    SignupInput input;
    input.name = required_string(body, "name", "Name is required");
    input.email = required_string(body, "email", "Email is required");
    input.password = required_string(body, "password", "Password is required");
    input.role = optional_string(body, "role").value_or("");
    input.admin_secret = optional_string(body, "adminSecret").value_or("");
    const Session s = co_await auth.signup(std::move(input));
    co_return session_response(201, s);
  });

  router.add("POST", "/api/auth/login", Access::open, [auth](Request& req) -> awaitable<Response> {
    const std::string address = req.client_address;
    if (auto refused = co_await auth.check_login(address)) co_return too_many_requests(*refused);
    const auto body = co_await read_json_object(req);
    // A missing or non-string email or password is a failed login like any other
    // (401, counted), as the original answers an empty body.
    std::string email = string_or_empty(body, "email");
    std::string password = string_or_empty(body, "password");
    const LoginAttempt attempt =
        co_await auth.login(std::move(email), std::move(password), address);
    if (attempt.refused) co_return too_many_requests(*attempt.refused);
    co_return session_response(200, *attempt.session);
  });

  router.add("GET", "/api/auth/me", Access::user, [](Request& req) -> awaitable<Response> {
    const auto& c = *req.caller;
    co_return http::json_response(
        200,
        boost::json::object{
            {"_id", c.id}, {"name", c.name}, {"email", c.email}, {"role", c.role}, {"__v", 0}});
  });

  router.add("GET", "/api/auth/users", Access::admin, [auth](Request&) -> awaitable<Response> {
    const auto users = co_await auth.list_users();
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
             [auth](Request& req) -> awaitable<Response> {
               std::string id(req.param("id"));
               std::string caller = req.caller->id;
               co_await auth.delete_user(std::move(caller), std::move(id));
               co_return http::message_response(200, "User deleted successfully");
             });
}

}  // namespace volkrin::api
