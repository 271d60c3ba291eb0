// LogThrottle: the first occurrence passes, then one per interval, with a count of the rest.
#include "support/log_throttle.hpp"

#include <gtest/gtest.h>

namespace volkrin {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottle, lets_one_through_per_interval_and_counts_the_rest) {
  auto now = LogThrottle::Clock::time_point(1000h);
  LogThrottle throttle(30s, [&now] { return now; });
  EXPECT_EQ(throttle.allow(), 0u);
  for (int i = 0; i < 5; ++i) {
    now += 5s;
    EXPECT_EQ(throttle.allow(), std::nullopt);
  }
  now += 5s;  // 30 s after the first
  EXPECT_EQ(throttle.allow(), 5u);
  now += 29s;
  EXPECT_EQ(throttle.allow(), std::nullopt);
  now += 1s;
  EXPECT_EQ(throttle.allow(), 1u);
  now += 1h;
  EXPECT_EQ(throttle.allow(), 0u);
}

}  // namespace
}  // namespace volkrin
