// Lets a repeated warning through at most once per interval and counts what it held back.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace volkrin {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // clock_for_test replaces steady_clock::now.
  explicit LogThrottle(std::chrono::seconds interval,
                       std::function<Clock::time_point()> clock_for_test = {})
      : interval_(interval), clock_(std::move(clock_for_test)) {}

  // For each occurrence: nullopt when it is held back; otherwise it may be logged, and the
  // value is how many were held back since the last one let through. Thread-safe.
  std::optional<std::uint64_t> allow() {
    const auto now = clock_ ? clock_() : Clock::now();
    const std::lock_guard lock(mutex_);
    if (last_ && now - *last_ < interval_) {
      ++held_back_;
      return std::nullopt;
    }
    last_ = now;
    const std::uint64_t held = held_back_;
    held_back_ = 0;
    return held;
  }

 private:
  const std::chrono::seconds interval_;
  const std::function<Clock::time_point()> clock_;
  std::mutex mutex_;
  std::optional<Clock::time_point> last_;
  std::uint64_t held_back_ = 0;
};

}  // namespace volkrin
