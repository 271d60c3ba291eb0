// Both RateLimiter adapters: limits, Retry-After, windows that end, bounds and atomicity.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "cache/cache_conformance.hpp"
#include "ratelimit/memory_rate_limiter.hpp"
#include "redis/redis_rate_limiter.hpp"
#include "redis/redis_services.hpp"
#include "service/rate_keys.hpp"

namespace volkrin {
namespace {

using namespace std::chrono_literals;
using test::run_coroutine;

class FakeClock {
 public:
  MemoryRateLimiter::Clock::time_point now() const {
    return MemoryRateLimiter::Clock::time_point(std::chrono::nanoseconds(ns_.load()));
  }
  void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }
  std::function<MemoryRateLimiter::Clock::time_point()> source() {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::int64_t> ns_{std::int64_t{1'000'000} * 1'000'000'000};
};

TEST(MemoryRateLimiter, allows_up_to_the_limit_then_refuses_until_the_window_ends) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.hit_now("a", 3, 60s).allowed) << i;
  clock.advance(20s);
  auto refused = limiter.hit_now("a", 3, 60s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 40s);
  clock.advance(39s + 500ms);
  refused = limiter.hit_now("a", 3, 60s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s) << "rounded up, never 0";
  clock.advance(500ms);
  EXPECT_TRUE(limiter.hit_now("a", 3, 60s).allowed) << "a new window";
  EXPECT_TRUE(limiter.hit_now("a", 3, 60s).allowed);
  EXPECT_TRUE(limiter.hit_now("a", 3, 60s).allowed);
  EXPECT_FALSE(limiter.hit_now("a", 3, 60s).allowed);
}

TEST(MemoryRateLimiter, keys_count_separately) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  EXPECT_TRUE(limiter.hit_now("a", 1, 60s).allowed);
  EXPECT_FALSE(limiter.hit_now("a", 1, 60s).allowed);
  EXPECT_TRUE(limiter.hit_now("b", 1, 60s).allowed);
}

TEST(MemoryRateLimiter, refused_hits_do_not_overflow_the_count) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  for (int i = 0; i < 10000; ++i) limiter.hit_now("a", 2, 60s);
  EXPECT_FALSE(limiter.hit_now("a", 2, 60s).allowed);
  clock.advance(60s);
  EXPECT_TRUE(limiter.hit_now("a", 2, 60s).allowed);
}

TEST(MemoryRateLimiter, refund_takes_back_one_allowed_hit) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  EXPECT_TRUE(limiter.hit_now("a", 2, 60s).allowed);
  EXPECT_TRUE(limiter.hit_now("a", 2, 60s).allowed);
  limiter.refund_now("a");
  EXPECT_TRUE(limiter.hit_now("a", 2, 60s).allowed) << "the refunded hit left room for one";
  EXPECT_FALSE(limiter.hit_now("a", 2, 60s).allowed);
}

TEST(MemoryRateLimiter, refund_never_goes_below_zero_nor_outlives_its_window) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  limiter.refund_now("unknown");
  EXPECT_EQ(limiter.size(), 0u) << "a refund creates no window";
  EXPECT_TRUE(limiter.hit_now("a", 1, 60s).allowed);
  limiter.refund_now("a");
  limiter.refund_now("a");
  limiter.refund_now("a");
  EXPECT_TRUE(limiter.hit_now("a", 1, 60s).allowed);
  EXPECT_FALSE(limiter.hit_now("a", 1, 60s).allowed) << "extra refunds banked nothing";
  clock.advance(60s);
  limiter.refund_now("a");  // the window has ended: nothing to take back
  EXPECT_TRUE(limiter.hit_now("a", 1, 60s).allowed);
  EXPECT_FALSE(limiter.hit_now("a", 1, 60s).allowed);
}

TEST(MemoryRateLimiter, ended_windows_are_pruned) {
  FakeClock clock;
  MemoryRateLimiter limiter(100'000, clock.source());
  for (int i = 0; i < 5000; ++i) limiter.hit_now("old" + std::to_string(i), 5, 10s);
  clock.advance(11s);
  for (int i = 0; i < 5000; ++i) limiter.hit_now("new" + std::to_string(i), 5, 10s);
  EXPECT_LE(limiter.size(), 5000u + 1024u);
}

TEST(MemoryRateLimiter, memory_stays_bounded_under_a_flood_of_keys) {
  FakeClock clock;
  MemoryRateLimiter limiter(1000, clock.source());
  for (int i = 0; i < 50'000; ++i) {
    limiter.hit_now("flood" + std::to_string(i), 5, 3600s);
    ASSERT_LE(limiter.size(), 1000u);
  }
}

TEST(MemoryRateLimiter, concurrent_hits_are_counted_exactly) {
  MemoryRateLimiter limiter;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (run_coroutine(limiter.hit("shared", 777, 3600s)).allowed) ++allowed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 777);
}

TEST(RedisRateLimiter, allows_up_to_the_limit_then_refuses_with_the_time_left) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  test::RedisHarness harness(test::redis_settings(url));
  RedisRateLimiter limiter(harness.client);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(run_coroutine(limiter.hit("a", 3, 60s)).allowed) << i;
  const auto refused = run_coroutine(limiter.hit("a", 3, 60s));
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after, 59s);
  EXPECT_LE(refused.retry_after, 60s);
  EXPECT_TRUE(run_coroutine(limiter.hit("b", 3, 60s)).allowed) << "keys count separately";
}

TEST(RedisRateLimiter, counters_expire_with_their_window) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings settings = test::redis_settings(url);
  test::RedisHarness harness(settings);
  RedisRateLimiter limiter(harness.client);
  EXPECT_TRUE(run_coroutine(limiter.hit("w", 1, 1s)).allowed);
  EXPECT_FALSE(run_coroutine(limiter.hit("w", 1, 1s)).allowed);

  // The counter in Redis carries the window as its expiry.
  const auto pttl = run_coroutine(
      harness.client->execute(redis::encode_command({"PTTL", settings.key_prefix + "rate:w"})));
  ASSERT_EQ(pttl.type, redis::RespValue::Type::integer);
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 1000);

  std::this_thread::sleep_for(1100ms);
  EXPECT_TRUE(run_coroutine(limiter.hit("w", 1, 1s)).allowed) << "a new window";
}

TEST(RedisRateLimiter, a_counter_without_expiry_gets_one) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings settings = test::redis_settings(url);
  test::RedisHarness harness(settings);
  run_coroutine(harness.client->execute(
      redis::encode_command({"SET", settings.key_prefix + "rate:stuck", "100"})));
  RedisRateLimiter limiter(harness.client);
  EXPECT_FALSE(run_coroutine(limiter.hit("stuck", 5, 30s)).allowed);
  const auto pttl = run_coroutine(
      harness.client->execute(redis::encode_command({"PTTL", settings.key_prefix + "rate:stuck"})));
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 30000);
}

TEST(RedisRateLimiter, concurrent_hits_are_counted_exactly) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  test::RedisHarness harness(test::redis_settings(url));
  RedisRateLimiter limiter(harness.client);
  boost::asio::io_context io;
  int allowed = 0;
  for (int i = 0; i < 300; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          if ((co_await limiter.hit("c", 100, 60s)).allowed) ++allowed;
        },
        boost::asio::detached);
  }
  io.run();
  EXPECT_EQ(allowed, 100);
}

TEST(RedisRateLimiter, refund_takes_back_one_hit_and_keeps_the_window) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings settings = test::redis_settings(url);
  test::RedisHarness harness(settings);
  RedisRateLimiter limiter(harness.client);
  EXPECT_TRUE(run_coroutine(limiter.hit("r", 2, 60s)).allowed);
  EXPECT_TRUE(run_coroutine(limiter.hit("r", 2, 60s)).allowed);
  run_coroutine(limiter.refund("r"));
  EXPECT_TRUE(run_coroutine(limiter.hit("r", 2, 60s)).allowed)
      << "the refunded hit left room for one";
  EXPECT_FALSE(run_coroutine(limiter.hit("r", 2, 60s)).allowed);
  const auto pttl = run_coroutine(
      harness.client->execute(redis::encode_command({"PTTL", settings.key_prefix + "rate:r"})));
  EXPECT_GT(pttl.integer, 0) << "the counter kept its expiry";
  EXPECT_LE(pttl.integer, 60000);
}

TEST(RedisRateLimiter, refund_of_a_missing_or_empty_counter_leaves_nothing) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings settings = test::redis_settings(url);
  test::RedisHarness harness(settings);
  RedisRateLimiter limiter(harness.client);
  run_coroutine(limiter.refund("none"));
  const auto exists = run_coroutine(harness.client->execute(
      redis::encode_command({"EXISTS", settings.key_prefix + "rate:none"})));
  EXPECT_EQ(exists.integer, 0) << "a refund creates no counter";
  EXPECT_TRUE(run_coroutine(limiter.hit("z", 1, 60s)).allowed);
  run_coroutine(limiter.refund("z"));
  run_coroutine(limiter.refund("z"));
  EXPECT_TRUE(run_coroutine(limiter.hit("z", 1, 60s)).allowed);
  EXPECT_FALSE(run_coroutine(limiter.hit("z", 1, 60s)).allowed) << "extra refunds banked nothing";
}

TEST(RedisRateLimiter, redis_down_allows_and_counts_the_failure) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  // Port 1 on loopback: nothing listens there.
  test::RedisHarness harness(test::redis_settings("redis://127.0.0.1:1"));
  RedisRateLimiter limiter(harness.client);
  const auto errors = test::cache_backend_errors();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(run_coroutine(limiter.hit("a", 1, 60s)).allowed);
  EXPECT_EQ(test::cache_backend_errors(), errors + 5);
  EXPECT_NO_THROW(run_coroutine(limiter.refund("a")));
  EXPECT_EQ(test::cache_backend_errors(), errors + 6);
}

TEST(RateKeys, ipv4_addresses_are_kept_as_they_are) {
  EXPECT_EQ(address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("::ffff:192.0.2.7"), "192.0.2.7");
}

TEST(RateKeys, ipv6_addresses_share_their_slash_64) {
  EXPECT_EQ(address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
  EXPECT_EQ(address_key("::1"), "::/64");
  EXPECT_EQ(address_key("not an address"), "not an address");
}

TEST(RateKeys, accounts_are_trimmed_lower_case_emails) {
  EXPECT_EQ(account_key("  Ada@Example.COM "), "ada@example.com");
  const std::string huge(5000, 'A');
  const std::string key = account_key(huge);
  EXPECT_LT(key.size(), 100u);
  EXPECT_EQ(key, account_key(std::string(5000, 'a')));
}

}  // namespace
}  // namespace volkrin
