// AuthGate: the limits and offloading around AuthService that the account routes need.
#include "service/auth_gate.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "service/rate_keys.hpp"
#include "support/api_error.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {
namespace {

std::optional<RateRefusal> refusal(const RateDecision& decision) {
  if (decision.allowed) return std::nullopt;
  return RateRefusal{std::max(decision.retry_after, std::chrono::seconds(1))};
}

}  // namespace

AuthGate::AuthGate(AuthService& auth, TrackService& tracks, RateLimiter* limiter,
                   AuthLimitRules rules)
    : auth_(auth),
      tracks_(tracks),
      limiter_(limiter),
      login_limits_(limiter, rules.login),
      signup_per_address_(rules.signup_per_address) {}

boost::asio::awaitable<std::optional<RateRefusal>> AuthGate::check_signup(
    std::string_view address) const {
  if (limiter_ == nullptr || !signup_per_address_) co_return std::nullopt;
  const std::string key = "signup:address:" + address_key(address);
  co_return refusal(
      co_await limiter_->hit(key, signup_per_address_->limit, signup_per_address_->window));
}

boost::asio::awaitable<Session> AuthGate::signup(SignupInput input) const {
  auto work = [this, &input] { return auth_.signup(input); };
  co_return co_await offload(work);
}

boost::asio::awaitable<std::optional<RateRefusal>> AuthGate::check_login(
    std::string_view address) const {
  co_return refusal(co_await login_limits_.check_address(address));
}

boost::asio::awaitable<LoginAttempt> AuthGate::login(std::string email, std::string password,
                                                     std::string address) const {
  LoginAttempt result;
  result.refused = refusal(co_await login_limits_.check_account(email, address));
  if (result.refused) co_return result;
  std::exception_ptr failure;
  bool wrong_credentials = false;
  auto attempt = [this, &email, &password] { return auth_.login(email, password); };
  try {
    result.session = co_await offload(attempt);
  } catch (const ApiError& e) {
    wrong_credentials = e.status() == 401;
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (!wrong_credentials) co_await login_limits_.forgive(email, address);
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

boost::asio::awaitable<std::vector<UserRecord>> AuthGate::list_users() const {
  auto work = [this] { return auth_.list_users(); };
  co_return co_await offload(work);
}

boost::asio::awaitable<void> AuthGate::delete_user(std::string caller_id,
                                                   std::string user_id) const {
  auto work = [this, &caller_id, &user_id] { auth_.delete_user(caller_id, user_id); };
  co_await offload(work);
  co_await tracks_.invalidate_list();
}

}  // namespace volkrin
