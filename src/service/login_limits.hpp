// The login rate-limit policy: which counters an attempt is checked against, and which keep it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string_view>

#include "ports/rate_limiter.hpp"
#include "support/config.hpp"

namespace volkrin {

// Three limits, each against another attack:
//   per address            every attempt from one client address (IPv6: its /64): one
//                          source hammering the password hashes or trying many accounts;
//   per account + address  failed attempts on one account from one address: one source
//                          guessing one password. Strict, and it stops only that source;
//   per account            failed attempts on one account from every address together: a
//                          guesser spread over many addresses. High, since reaching it
//                          stops the owner too.
// The account limits count failures only, so that a stranger's wrong passwords cannot keep
// the owner out: an attempt is counted before its password is checked (concurrent guesses
// cannot overshoot a limit) and taken back when it turns out not to have failed. Attempts
// refused by the account + address limit do not reach the account-wide count. An attempt
// without an email names no account: only its address counts it.
struct LoginRules {
  std::optional<RateRule> per_address;
  std::optional<RateRule> per_account_address;
  std::optional<RateRule> per_account;
};

// Cheap to copy; without a limiter nothing is limited.
class LoginLimits {
 public:
  LoginLimits(RateLimiter* limiter, LoginRules rules) : limiter_(limiter), rules_(rules) {}

  // Counts the attempt against its address; checked before the request body is read.
  boost::asio::awaitable<RateDecision> check_address(std::string_view address) const;

  // Counts the attempt against the account's limits; checked before the password is.
  boost::asio::awaitable<RateDecision> check_account(std::string_view email,
                                                     std::string_view address) const;

  // Takes an attempt that check_account allowed back from the account's limits, once it is
  // known not to have failed on its credentials.
  boost::asio::awaitable<void> forgive(std::string_view email, std::string_view address) const;

 private:
  RateLimiter* limiter_;
  LoginRules rules_;
};

}  // namespace volkrin
