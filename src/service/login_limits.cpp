// The login rate-limit policy; see login_limits.hpp.
#include "service/login_limits.hpp"

#include <string>

#include "service/rate_keys.hpp"

namespace volkrin {
namespace {

std::string address_counter(std::string_view address) {
  return "login:address:" + address_key(address);
}

std::string account_counter(std::string_view email) {
  return "login:account:" + account_key(email);
}

// An address key never holds a space, so the first one ends it.
std::string pair_counter(std::string_view email, std::string_view address) {
  return "login:account-address:" + address_key(address) + " " + account_key(email);
}

}  // namespace

boost::asio::awaitable<RateDecision> LoginLimits::check_address(std::string_view address) const {
  if (limiter_ == nullptr || !rules_.per_address) co_return RateDecision{};
  const std::string counter = address_counter(address);
  co_return co_await limiter_->hit(counter, rules_.per_address->limit, rules_.per_address->window);
}

boost::asio::awaitable<RateDecision> LoginLimits::check_account(std::string_view email,
                                                                std::string_view address) const {
  if (limiter_ == nullptr || account_key(email).empty()) co_return RateDecision{};
  const std::string pair = pair_counter(email, address);
  if (rules_.per_account_address) {
    const RateDecision decision = co_await limiter_->hit(pair, rules_.per_account_address->limit,
                                                         rules_.per_account_address->window);
    // Refused here, the attempt stays off the account-wide count: a stranger past the limit
    // of its own address cannot go on to lock the account for everyone.
    if (!decision.allowed) co_return decision;
  }
  if (rules_.per_account) {
    const std::string account = account_counter(email);
    const RateDecision decision =
        co_await limiter_->hit(account, rules_.per_account->limit, rules_.per_account->window);
    if (!decision.allowed) {
      // Never tried, so not a failure of this address either.
      if (rules_.per_account_address) co_await limiter_->refund(pair);
      co_return decision;
    }
  }
  co_return RateDecision{};
}

boost::asio::awaitable<void> LoginLimits::forgive(std::string_view email,
                                                  std::string_view address) const {
  if (limiter_ == nullptr || account_key(email).empty()) co_return;
  if (rules_.per_account_address) {
    const std::string pair = pair_counter(email, address);
    co_await limiter_->refund(pair);
  }
  if (rules_.per_account) {
    const std::string account = account_counter(email);
    co_await limiter_->refund(account);
  }
}

}  // namespace volkrin
