// LoginLimits: what each login limit counts, and that strangers cannot lock an owner out.
#include "service/login_limits.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ratelimit/memory_rate_limiter.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using namespace std::chrono_literals;
using test::run_coroutine;

constexpr std::string_view kOwner = "owner@example.com";
constexpr std::string_view kHome = "192.0.2.10";
constexpr std::string_view kStranger = "203.0.113.66";

class LoginLimitsTest : public ::testing::Test {
 protected:
  // Every address 1000/1m, each account and address 3/1m, each account 6/1m.
  LoginLimits limits_{&limiter_,
                      LoginRules{RateRule{1000, 60s}, RateRule{3, 60s}, RateRule{6, 60s}}};

  bool account_allows(std::string_view email, std::string_view address) {
    return run_coroutine(limits_.check_account(email, address)).allowed;
  }
  // An attempt with a wrong password: checked, then kept.
  bool fail(std::string_view email, std::string_view address) {
    return account_allows(email, address);
  }
  // An attempt with the right password: checked, then forgiven when it was let through.
  bool succeed(std::string_view email, std::string_view address) {
    const bool allowed = account_allows(email, address);
    if (allowed) run_coroutine(limits_.forgive(email, address));
    return allowed;
  }

  MemoryRateLimiter limiter_;
};

TEST_F(LoginLimitsTest, a_strangers_failures_do_not_lock_the_owner_out_from_another_address) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fail(kOwner, kStranger)) << i;
  // However long the stranger goes on, refused attempts stay off the account-wide count.
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(fail(kOwner, kStranger)) << i;
  EXPECT_FALSE(succeed(kOwner, kStranger)) << "the pair is over its limit";
  EXPECT_TRUE(succeed(kOwner, kHome));
}

TEST_F(LoginLimitsTest, successes_count_toward_neither_account_limit) {
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(succeed(kOwner, kHome)) << i;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fail(kOwner, kHome)) << i;
  EXPECT_FALSE(fail(kOwner, kHome));
}

TEST_F(LoginLimitsTest, failures_from_many_addresses_reach_the_account_wide_limit) {
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(fail(kOwner, "198.51.100." + std::to_string(i))) << i;
  }
  const RateDecision refused = run_coroutine(limits_.check_account(kOwner, "198.51.100.99"));
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after, 1s);
  EXPECT_LE(refused.retry_after, 60s);
  EXPECT_FALSE(succeed(kOwner, kHome)) << "the account-wide limit stops the owner too";
  EXPECT_TRUE(succeed("other@example.com", kHome)) << "other accounts are not affected";
}

TEST_F(LoginLimitsTest, an_attempt_refused_account_wide_does_not_count_for_its_address) {
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(fail(kOwner, "198.51.100." + std::to_string(i)));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(fail(kOwner, kHome));
  // Each refusal gave its pair hit back: counted on the pair alone, home has its three left.
  LoginLimits fresh_account{&limiter_, LoginRules{std::nullopt, RateRule{3, 60s}, std::nullopt}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(run_coroutine(fresh_account.check_account(kOwner, kHome)).allowed) << i;
  }
  EXPECT_FALSE(run_coroutine(fresh_account.check_account(kOwner, kHome)).allowed);
}

TEST_F(LoginLimitsTest, accounts_are_their_trimmed_lower_case_emails) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fail(kOwner, kStranger));
  EXPECT_FALSE(fail("  OWNER@Example.com ", kStranger));
}

TEST_F(LoginLimitsTest, the_address_limit_counts_every_attempt) {
  LoginLimits tight{&limiter_, LoginRules{RateRule{2, 60s}, std::nullopt, std::nullopt}};
  EXPECT_TRUE(run_coroutine(tight.check_address(kHome)).allowed);
  EXPECT_TRUE(run_coroutine(tight.check_address(kHome)).allowed);
  EXPECT_FALSE(run_coroutine(tight.check_address(kHome)).allowed);
  EXPECT_TRUE(run_coroutine(tight.check_address(kStranger)).allowed);
}

TEST_F(LoginLimitsTest, no_limiter_or_no_rules_limit_nothing) {
  const LoginLimits none{nullptr, LoginRules{RateRule{1, 60s}, RateRule{1, 60s}, RateRule{1, 60s}}};
  const LoginLimits off{&limiter_, LoginRules{}};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(run_coroutine(none.check_address(kHome)).allowed);
    EXPECT_TRUE(run_coroutine(none.check_account(kOwner, kHome)).allowed);
    EXPECT_TRUE(run_coroutine(off.check_address(kHome)).allowed);
    EXPECT_TRUE(run_coroutine(off.check_account(kOwner, kHome)).allowed);
  }
}

}  // namespace
}  // namespace volkrin
