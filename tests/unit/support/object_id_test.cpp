// Unit tests for ObjectId-style identifier generation and validation.
#include "support/object_id.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace volkrin {
namespace {

std::int64_t seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ObjectId, is_24_lower_case_hex_characters) {
  const std::string id = new_object_id();
  ASSERT_EQ(id.size(), 24u);
  for (const char c : id) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  }
  EXPECT_TRUE(is_object_id(id));
}

TEST(ObjectId, starts_with_current_time_in_seconds) {
  const std::int64_t before = seconds_now();
  const std::string id = new_object_id();
  const std::int64_t prefix = std::stoll(id.substr(0, 8), nullptr, 16);
  EXPECT_LE(std::llabs(prefix - before), 2) << id;
}

TEST(ObjectId, ten_thousand_ids_are_unique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(new_object_id());
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(ObjectId, ids_from_concurrent_threads_are_unique) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i)
        made[static_cast<std::size_t>(t)].push_back(new_object_id());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> ids;
  for (const auto& v : made) ids.insert(v.begin(), v.end());
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(ObjectId, shares_process_bytes_between_ids) {
  const std::string a = new_object_id();
  const std::string b = new_object_id();
  EXPECT_EQ(a.substr(8, 10), b.substr(8, 10));
}

TEST(ObjectId, is_object_id_accepts_24_lower_case_hex) {
  EXPECT_TRUE(is_object_id("64f1a2b3c4d5e6f708091a2b"));
  EXPECT_TRUE(is_object_id("000000000000000000000000"));
  EXPECT_TRUE(is_object_id("ffffffffffffffffffffffff"));
}

TEST(ObjectId, is_object_id_rejects_wrong_length) {
  EXPECT_FALSE(is_object_id(""));
  EXPECT_FALSE(is_object_id("64f1a2b3c4d5e6f708091a2"));    // 23
  EXPECT_FALSE(is_object_id("64f1a2b3c4d5e6f708091a2b0"));  // 25
}

TEST(ObjectId, is_object_id_rejects_upper_case_and_non_hex) {
  EXPECT_FALSE(is_object_id("64F1A2B3C4D5E6F708091A2B"));
  EXPECT_FALSE(is_object_id("64f1a2b3c4d5e6f708091a2B"));
  EXPECT_FALSE(is_object_id("64f1a2b3c4d5e6f708091a2g"));
  EXPECT_FALSE(is_object_id("64f1a2b3c4d5e6f708091a2 "));
  EXPECT_FALSE(is_object_id(std::string("64f1a2b3c4d5e6f708091a2\0", 24)));
}

}  // namespace
}  // namespace volkrin
