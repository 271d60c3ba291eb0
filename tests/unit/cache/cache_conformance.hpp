// Behaviour every Cache adapter must share, as a type-parameterized test suite.
//
// An adapter's test file defines a backend type and instantiates the suite with it:
//
//   struct MyBackend {
//     std::unique_ptr<volkrin::Cache> open();  // a fresh, empty cache; nullptr skips (fails
//                                              // if open() added a failure)
//     void close();  // called after the cache is destroyed: drop what open() created
//     void advance(std::chrono::seconds by);  // let the cache's time pass (fake clock or sleep)
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, CacheConformance, ::testing::Types<MyBackend>);
//
// The suite stores a few kilobytes at most, so a cache bounded at 1 MiB or more never has
// to evict during it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <concepts>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend_fixture.hpp"
#include "ports/cache.hpp"
#include "test_support.hpp"

namespace volkrin::test {

template <typename B>
concept CacheBackend = std::default_initializable<B> &&
    requires(B backend, std::chrono::seconds by) {
  { backend.open() } -> std::same_as<std::unique_ptr<Cache>>;
  backend.close();
  backend.advance(by);
};

inline std::shared_ptr<const std::string> bytes(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// The value behind a hit, or "<miss>".
inline std::string text_of(const std::shared_ptr<const std::string>& value) {
  return value == nullptr ? std::string("<miss>") : *value;
}

}  // namespace volkrin::test

template <volkrin::test::CacheBackend Backend>
class CacheConformance : public volkrin::test::BackendFixture<Backend, volkrin::Cache> {
 protected:
  volkrin::Cache& cache() { return this->store(); }

  std::string get(std::string_view key) {
    return volkrin::test::text_of(volkrin::test::run_coroutine(cache().get(key)));
  }
  void set(std::string_view key, std::string value,
           std::chrono::seconds ttl = std::chrono::seconds(60)) {
    volkrin::test::run_coroutine(cache().set(key, volkrin::test::bytes(std::move(value)), ttl));
  }
  void remove(std::string_view key) { volkrin::test::run_coroutine(cache().remove(key)); }
  std::string stamp(std::string_view key) {
    const auto stamp = volkrin::test::run_coroutine(cache().removal_stamp(key));
    EXPECT_TRUE(stamp.has_value()) << "no removal stamp for " << key;
    return stamp.value_or("");
  }
  void fill(std::string_view key, std::string value, std::string stamp) {
    volkrin::test::run_coroutine(cache().set_unless_removed(
        key, volkrin::test::bytes(std::move(value)), std::chrono::seconds(60), std::move(stamp)));
  }
};

TYPED_TEST_SUITE_P(CacheConformance);

TYPED_TEST_P(CacheConformance, unknown_key_misses) {
  EXPECT_EQ(volkrin::test::run_coroutine(this->cache().get("never-set")), nullptr);
}

TYPED_TEST_P(CacheConformance, set_value_is_returned_by_get) {
  this->set("track:1", "payload");
  EXPECT_EQ(this->get("track:1"), "payload");
  EXPECT_EQ(this->get("track:1"), "payload") << "a hit must not consume the entry";
}

TYPED_TEST_P(CacheConformance, set_overwrites_the_previous_value) {
  this->set("k", "first");
  this->set("k", "second, longer than the first");
  EXPECT_EQ(this->get("k"), "second, longer than the first");
  this->set("k", "3");
  EXPECT_EQ(this->get("k"), "3");
}

TYPED_TEST_P(CacheConformance, removed_key_misses) {
  this->set("k", "v");
  this->set("other", "kept");
  this->remove("k");
  EXPECT_EQ(this->get("k"), "<miss>");
  EXPECT_EQ(this->get("other"), "kept");
}

TYPED_TEST_P(CacheConformance, removing_an_unknown_key_is_harmless) {
  EXPECT_NO_THROW(this->remove("never-set"));
  this->set("k", "v");
  this->remove("k");
  EXPECT_NO_THROW(this->remove("k"));
  EXPECT_EQ(this->get("k"), "<miss>");
}

TYPED_TEST_P(CacheConformance, keys_are_compared_exactly) {
  this->set("list:page=1", "one");
  this->set("list:page=10", "ten");
  this->set("List:page=1", "upper");
  EXPECT_EQ(this->get("list:page=1"), "one");
  EXPECT_EQ(this->get("list:page=10"), "ten");
  EXPECT_EQ(this->get("List:page=1"), "upper");
  EXPECT_EQ(this->get("list:page="), "<miss>");
}

TYPED_TEST_P(CacheConformance, values_are_binary_safe) {
  const std::string binary("\0\x01\xff\r\n\0end", 9);
  this->set("bin", binary);
  EXPECT_EQ(this->get("bin"), binary);
}

TYPED_TEST_P(CacheConformance, empty_value_is_a_hit_not_a_miss) {
  this->set("empty", "");
  const auto value = volkrin::test::run_coroutine(this->cache().get("empty"));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, "");
}

TYPED_TEST_P(CacheConformance, entry_expires_after_its_ttl) {
  this->set("short", "v", std::chrono::seconds(2));
  this->set("long", "w", std::chrono::seconds(600));
  this->backend().advance(std::chrono::seconds(1));
  EXPECT_EQ(this->get("short"), "v");
  this->backend().advance(std::chrono::seconds(2));
  EXPECT_EQ(this->get("short"), "<miss>");
  EXPECT_EQ(this->get("long"), "w");
}

TYPED_TEST_P(CacheConformance, overwrite_starts_a_new_ttl) {
  this->set("k", "old", std::chrono::seconds(2));
  this->backend().advance(std::chrono::seconds(1));
  this->set("k", "new", std::chrono::seconds(4));
  this->backend().advance(std::chrono::seconds(2));
  EXPECT_EQ(this->get("k"), "new");
}

TYPED_TEST_P(CacheConformance, fill_stores_when_nothing_was_removed_since_its_stamp) {
  const std::string stamp = this->stamp("list");
  this->fill("list", "read after the stamp", stamp);
  EXPECT_EQ(this->get("list"), "read after the stamp");
  // A fill replaces an older value like a set.
  this->fill("list", "read again", this->stamp("list"));
  EXPECT_EQ(this->get("list"), "read again");
}

TYPED_TEST_P(CacheConformance, removal_after_the_stamp_keeps_the_fill_out) {
  const std::string stamp = this->stamp("list");
  this->remove("list");  // an invalidation while the value was being read
  this->fill("list", "read before the removal", stamp);
  EXPECT_EQ(this->get("list"), "<miss>");
  // A stamp taken after the removal lets the next fill in.
  this->fill("list", "read after the removal", this->stamp("list"));
  EXPECT_EQ(this->get("list"), "read after the removal");
}

TYPED_TEST_P(CacheConformance, late_fill_does_not_replace_a_newer_value) {
  const std::string stamp = this->stamp("list");
  this->remove("list");
  this->set("list", "filled after the removal");
  this->fill("list", "read before the removal", stamp);
  EXPECT_EQ(this->get("list"), "filled after the removal");
}

TYPED_TEST_P(CacheConformance, stamp_survives_a_set) {
  // Only removals count: a value stored since the stamp does not stop a fill.
  const std::string stamp = this->stamp("list");
  this->set("list", "stored meanwhile");
  this->fill("list", "filled", stamp);
  EXPECT_EQ(this->get("list"), "filled");
}

TYPED_TEST_P(CacheConformance, concurrent_set_and_get_from_four_threads) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 250;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &mismatches] {
      auto work = [](volkrin::Cache& cache, int thread, int& bad) -> boost::asio::awaitable<void> {
        for (int i = 0; i < kRounds; ++i) {
          const std::string own = "t" + std::to_string(thread) + ":" + std::to_string(i % 16);
          const std::string value = own + "=" + std::to_string(i);
          co_await cache.set(own, volkrin::test::bytes(value), std::chrono::seconds(60));
          co_await cache.set("shared", volkrin::test::bytes("from " + std::to_string(thread)),
                             std::chrono::seconds(60));
          if (volkrin::test::text_of(co_await cache.get(own)) != value) ++bad;
          const auto shared = volkrin::test::text_of(co_await cache.get("shared"));
          if (shared.rfind("from ", 0) != 0) ++bad;
          if (i % 7 == 0) co_await cache.remove(own);
        }
      };
      volkrin::test::run_coroutine(work(this->cache(), t, mismatches[t]));
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  for (int t = 0; t < kThreads; ++t) {
    // Round kRounds - 1 wrote slot (kRounds - 1) % 16 last and did not remove it.
    const int last = kRounds - 1;
    const std::string key = "t" + std::to_string(t) + ":" + std::to_string(last % 16);
    EXPECT_EQ(this->get(key), key + "=" + std::to_string(last));
  }
}

REGISTER_TYPED_TEST_SUITE_P(CacheConformance, unknown_key_misses, set_value_is_returned_by_get,
                            set_overwrites_the_previous_value, removed_key_misses,
                            removing_an_unknown_key_is_harmless, keys_are_compared_exactly,
                            values_are_binary_safe, empty_value_is_a_hit_not_a_miss,
                            entry_expires_after_its_ttl, overwrite_starts_a_new_ttl,
                            fill_stores_when_nothing_was_removed_since_its_stamp,
                            removal_after_the_stamp_keeps_the_fill_out,
                            late_fill_does_not_replace_a_newer_value, stamp_survives_a_set,
                            concurrent_set_and_get_from_four_threads);
