// MemoryCache: the shared Cache conformance suite plus its byte bound, LRU order and expiry.
#include "cache/memory_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache_conformance.hpp"

namespace volkrin {
namespace {

using std::chrono::seconds;
using test::bytes;
using test::run_coroutine;
using test::text_of;

// A steady clock that only moves when told to; safe to read from any thread.
class FakeClock {
 public:
  MemoryCache::Clock::time_point now() const {
    return MemoryCache::Clock::time_point(std::chrono::nanoseconds(ns_.load()));
  }
  void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }
  std::function<MemoryCache::Clock::time_point()> source() {
    return [this] { return now(); };
  }

 private:
  // Far from the epoch so that "now - something" never goes below it.
  std::atomic<std::int64_t> ns_{std::int64_t{1'000'000} * 1'000'000'000};
};

struct MemoryBackend {
  std::unique_ptr<Cache> open() { return std::make_unique<MemoryCache>(1 << 20, clock.source()); }
  void close() {}
  void advance(seconds by) { clock.advance(by); }

  FakeClock clock;
};

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, CacheConformance, ::testing::Types<volkrin::MemoryBackend>);

namespace volkrin {
namespace {

// One-letter keys and ten-byte values: every entry costs the same.
constexpr std::size_t kSmallCost = 1 + 10 + MemoryCache::kEntryOverhead;

class MemoryCacheTest : public ::testing::Test {
 protected:
  std::string get(MemoryCache& cache, std::string_view key) {
    return text_of(run_coroutine(cache.get(key)));
  }
  void set(MemoryCache& cache, std::string_view key, std::string value, seconds ttl = seconds(60)) {
    run_coroutine(cache.set(key, bytes(std::move(value)), ttl));
  }
  void remove(MemoryCache& cache, std::string_view key) { run_coroutine(cache.remove(key)); }

  FakeClock clock_;
};

TEST_F(MemoryCacheTest, default_bound_is_64_mib) {
  const MemoryCache cache;
  EXPECT_EQ(cache.max_bytes(), std::size_t{64} << 20);
  EXPECT_EQ(cache.size_bytes(), 0u);
  EXPECT_EQ(cache.entry_count(), 0u);
}

TEST_F(MemoryCacheTest, entry_costs_key_plus_value_plus_fixed_overhead) {
  MemoryCache cache(1 << 20);
  set(cache, "key", "12345");
  EXPECT_EQ(cache.size_bytes(), 3u + 5u + 64u);
  EXPECT_EQ(cache.entry_count(), 1u);
}

TEST_F(MemoryCacheTest, overwrite_replaces_the_cost_instead_of_adding_to_it) {
  MemoryCache cache(1 << 20);
  set(cache, "k", std::string(100, 'a'));
  set(cache, "k", std::string(10, 'b'));
  EXPECT_EQ(cache.size_bytes(), MemoryCache::entry_cost("k", 10));
  EXPECT_EQ(cache.entry_count(), 1u);
}

TEST_F(MemoryCacheTest, size_returns_to_zero_after_removing_everything) {
  MemoryCache cache(1 << 20);
  std::size_t expected = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::string value(static_cast<std::size_t>(i) * 13, 'v');
    set(cache, key, value);
    expected += MemoryCache::entry_cost(key, value.size());
  }
  EXPECT_EQ(cache.size_bytes(), expected);
  EXPECT_EQ(cache.entry_count(), 20u);
  for (int i = 0; i < 20; ++i) remove(cache, "key-" + std::to_string(i));
  EXPECT_EQ(cache.size_bytes(), 0u);
  EXPECT_EQ(cache.entry_count(), 0u);
}

TEST_F(MemoryCacheTest, least_recently_used_entry_is_evicted_first) {
  MemoryCache cache(3 * kSmallCost);
  set(cache, "a", "0123456789");
  set(cache, "b", "0123456789");
  set(cache, "c", "0123456789");
  ASSERT_EQ(cache.entry_count(), 3u);
  EXPECT_EQ(get(cache, "a"), "0123456789");  // a is now the most recently used

  set(cache, "d", "0123456789");  // evicts b, the least recently used
  EXPECT_EQ(get(cache, "b"), "<miss>");
  EXPECT_EQ(cache.entry_count(), 3u);

  set(cache, "e", "0123456789");  // order was d, a, c: evicts c
  EXPECT_EQ(get(cache, "c"), "<miss>");
  EXPECT_EQ(get(cache, "a"), "0123456789");
  EXPECT_EQ(get(cache, "d"), "0123456789");
  EXPECT_EQ(get(cache, "e"), "0123456789");
  EXPECT_EQ(cache.size_bytes(), 3 * kSmallCost);
}

TEST_F(MemoryCacheTest, overwrite_counts_as_a_use) {
  MemoryCache cache(2 * kSmallCost);
  set(cache, "a", "0123456789");
  set(cache, "b", "0123456789");
  set(cache, "a", "9876543210");  // a becomes the most recently used
  set(cache, "c", "0123456789");  // evicts b
  EXPECT_EQ(get(cache, "b"), "<miss>");
  EXPECT_EQ(get(cache, "a"), "9876543210");
  EXPECT_EQ(get(cache, "c"), "0123456789");
}

TEST_F(MemoryCacheTest, large_entry_evicts_as_many_small_ones_as_needed) {
  MemoryCache cache(4 * kSmallCost);
  for (const char* key : {"a", "b", "c", "d"}) set(cache, key, "0123456789");
  // Costs as much as two and a half small entries: three must go, oldest first.
  const std::string big(2 * kSmallCost + kSmallCost / 2 - 1 - MemoryCache::kEntryOverhead, 'x');
  set(cache, "z", big);
  EXPECT_EQ(get(cache, "a"), "<miss>");
  EXPECT_EQ(get(cache, "b"), "<miss>");
  EXPECT_EQ(get(cache, "c"), "<miss>");
  EXPECT_EQ(get(cache, "d"), "0123456789");
  EXPECT_EQ(get(cache, "z"), big);
  EXPECT_LE(cache.size_bytes(), cache.max_bytes());
}

TEST_F(MemoryCacheTest, value_larger_than_the_bound_is_not_stored_and_evicts_nothing) {
  MemoryCache cache(1000);
  set(cache, "a", "0123456789");
  set(cache, "huge", std::string(1000, 'x'));
  EXPECT_EQ(get(cache, "huge"), "<miss>");
  EXPECT_EQ(get(cache, "a"), "0123456789");
  EXPECT_EQ(cache.size_bytes(), kSmallCost);
}

TEST_F(MemoryCacheTest, oversized_overwrite_drops_the_old_value) {
  MemoryCache cache(1000);
  set(cache, "k", "old");
  set(cache, "k", std::string(2000, 'x'));
  EXPECT_EQ(get(cache, "k"), "<miss>") << "a stale value must not survive a newer set";
  EXPECT_EQ(cache.size_bytes(), 0u);
}

TEST_F(MemoryCacheTest, entry_costing_exactly_the_bound_is_stored) {
  MemoryCache cache(500);
  set(cache, "a", "0123456789");
  const std::string exact(500 - 1 - MemoryCache::kEntryOverhead, 'x');
  set(cache, "b", exact);
  EXPECT_EQ(get(cache, "b"), exact);
  EXPECT_EQ(get(cache, "a"), "<miss>");
  EXPECT_EQ(cache.size_bytes(), 500u);
}

TEST_F(MemoryCacheTest, expired_entry_is_dropped_on_get) {
  MemoryCache cache(1 << 20, clock_.source());
  set(cache, "k", "v", seconds(10));
  clock_.advance(seconds(10) - std::chrono::nanoseconds(1));
  EXPECT_EQ(get(cache, "k"), "v");
  clock_.advance(std::chrono::nanoseconds(1));
  EXPECT_EQ(cache.entry_count(), 1u) << "expiry is only checked on get";
  EXPECT_EQ(get(cache, "k"), "<miss>");
  EXPECT_EQ(cache.entry_count(), 0u);
  EXPECT_EQ(cache.size_bytes(), 0u);
}

TEST_F(MemoryCacheTest, ttls_are_tracked_per_entry) {
  MemoryCache cache(1 << 20, clock_.source());
  set(cache, "one", "1", seconds(1));
  set(cache, "five", "5", seconds(5));
  clock_.advance(seconds(2));
  EXPECT_EQ(get(cache, "one"), "<miss>");
  EXPECT_EQ(get(cache, "five"), "5");
  clock_.advance(seconds(3));
  EXPECT_EQ(get(cache, "five"), "<miss>");
}

TEST_F(MemoryCacheTest, non_positive_ttl_stores_nothing_and_removes_the_old_value) {
  MemoryCache cache(1 << 20, clock_.source());
  set(cache, "k", "old");
  set(cache, "k", "new", seconds(0));
  EXPECT_EQ(get(cache, "k"), "<miss>");
  set(cache, "k", "new", seconds(-5));
  EXPECT_EQ(get(cache, "k"), "<miss>");
  EXPECT_EQ(cache.size_bytes(), 0u);
}

TEST_F(MemoryCacheTest, null_value_removes_the_key) {
  MemoryCache cache(1 << 20);
  set(cache, "k", "v");
  run_coroutine(cache.set("k", nullptr, seconds(60)));
  EXPECT_EQ(get(cache, "k"), "<miss>");
  EXPECT_EQ(cache.entry_count(), 0u);
}

TEST_F(MemoryCacheTest, huge_ttl_never_expires_and_does_not_overflow) {
  MemoryCache cache(1 << 20, clock_.source());
  set(cache, "k", "v", seconds::max());
  clock_.advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_EQ(get(cache, "k"), "v");
}

TEST_F(MemoryCacheTest, hit_shares_the_stored_bytes_without_copying) {
  MemoryCache cache(1 << 20);
  const auto value = bytes("shared");
  run_coroutine(cache.set("k", value, seconds(60)));
  EXPECT_EQ(run_coroutine(cache.get("k")).get(), value.get());
}

TEST_F(MemoryCacheTest, bound_holds_under_concurrent_writers) {
  MemoryCache cache(50 * kSmallCost);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      auto work = [](MemoryCache& target, int thread) -> boost::asio::awaitable<void> {
        for (int i = 0; i < 2000; ++i) {
          const std::string key = std::to_string(thread) + "/" + std::to_string(i % 97);
          co_await target.set(key, bytes(std::string(static_cast<std::size_t>(i % 40), 'x')),
                              seconds(60));
          (void)co_await target.get(std::to_string((thread + 1) % 4) + "/" +
                                    std::to_string(i % 97));
          if (i % 11 == 0) co_await target.remove(key);
        }
      };
      run_coroutine(work(cache, t));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size_bytes(), cache.max_bytes());
  EXPECT_GT(cache.entry_count(), 0u);
}

}  // namespace
}  // namespace volkrin
