// ConnectionPool: each connection lent to one holder at a time, reset when it comes back,
// and a borrower waits while every connection is out.
#include "store/connection_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <vector>

namespace volkrin {
namespace {

struct FakeConnection {
  int id = 0;
  bool dirty = false;
  int resets = 0;
};

void reset(FakeConnection& connection) noexcept {
  connection.dirty = false;
  ++connection.resets;
}

using Pool = ConnectionPool<FakeConnection, &reset>;

std::vector<std::unique_ptr<FakeConnection>> connections(int count) {
  std::vector<std::unique_ptr<FakeConnection>> out;
  for (int i = 0; i < count; ++i)
    out.push_back(std::make_unique<FakeConnection>(FakeConnection{i}));
  return out;
}

TEST(ConnectionPool, needs_at_least_one_connection) {
  EXPECT_THROW(Pool pool(connections(0)), std::invalid_argument);
}

TEST(ConnectionPool, lends_distinct_connections_and_resets_them_on_return) {
  Pool pool(connections(2));
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    EXPECT_NE(a->id, b->id);
    a->dirty = true;
  }
  auto again = pool.acquire();
  EXPECT_FALSE(again->dirty);
  EXPECT_EQ(again->resets, 1);
}

TEST(ConnectionPool, a_borrower_waits_until_a_connection_comes_back) {
  Pool pool(connections(1));
  auto held = std::make_unique<Pool::Lease>(pool.acquire());
  const int held_id = (*held)->id;
  std::atomic<bool> got{false};
  auto waiter = std::async(std::launch::async, [&] {
    auto lease = pool.acquire();
    got = true;
    return lease->id;
  });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_FALSE(got);
  held.reset();
  EXPECT_EQ(waiter.get(), held_id);
}

}  // namespace
}  // namespace volkrin
