// In-process fixed-window rate limiter; see memory_rate_limiter.hpp.
#include "ratelimit/memory_rate_limiter.hpp"

#include <algorithm>
#include <limits>

namespace volkrin {
namespace {

constexpr std::size_t kFirstSweep = 1024;

std::chrono::seconds seconds_until(MemoryRateLimiter::Clock::time_point from,
                                   MemoryRateLimiter::Clock::time_point to) {
  const auto left = std::chrono::ceil<std::chrono::seconds>(to - from);
  return std::max(left, std::chrono::seconds(1));
}

}  // namespace

MemoryRateLimiter::MemoryRateLimiter(std::size_t max_keys,
                                     std::function<Clock::time_point()> clock_for_test)
    : max_keys_(std::max<std::size_t>(max_keys, 8)),
      clock_(std::move(clock_for_test)),
      sweep_at_(std::min(kFirstSweep, max_keys_)) {}

boost::asio::awaitable<RateDecision> MemoryRateLimiter::hit(std::string_view key, unsigned limit,
                                                            std::chrono::seconds window) {
  co_return hit_now(key, limit, window);
}

RateDecision MemoryRateLimiter::hit_now(std::string_view key, unsigned limit,
                                        std::chrono::seconds window) {
  const auto now = clock_ ? clock_() : Clock::now();
  const std::lock_guard lock(mutex_);
  auto found = windows_.find(std::string(key));
  if (found == windows_.end()) {
    if (windows_.size() >= sweep_at_) sweep_locked(now);
    found = windows_.emplace(std::string(key), Window{now + window, 0}).first;
  } else if (now >= found->second.ends) {
    found->second = Window{now + window, 0};
  }
  Window& current = found->second;
  // Stops at limit + 1: refused requests need no exact count, and it cannot overflow.
  if (current.count <= limit && current.count < std::numeric_limits<unsigned>::max()) {
    ++current.count;
  }
  if (current.count <= limit) return RateDecision{true, std::chrono::seconds(0)};
  return RateDecision{false, seconds_until(now, current.ends)};
}

boost::asio::awaitable<void> MemoryRateLimiter::refund(std::string_view key) {
  refund_now(key);
  co_return;
}

void MemoryRateLimiter::refund_now(std::string_view key) {
  const auto now = clock_ ? clock_() : Clock::now();
  const std::lock_guard lock(mutex_);
  const auto found = windows_.find(std::string(key));
  if (found == windows_.end() || now >= found->second.ends || found->second.count == 0) return;
  --found->second.count;
}

std::size_t MemoryRateLimiter::size() const {
  const std::lock_guard lock(mutex_);
  return windows_.size();
}

void MemoryRateLimiter::sweep_locked(Clock::time_point now) {
  std::erase_if(windows_, [now](const auto& entry) { return now >= entry.second.ends; });
  if (windows_.size() >= max_keys_) {
    auto it = windows_.begin();
    std::size_t drop = windows_.size() / 8 + 1;
    while (drop-- > 0 && it != windows_.end()) it = windows_.erase(it);
  }
  // Sweep again once the map has doubled: each sweep's cost is paid by as many inserts.
  sweep_at_ = std::min(max_keys_, std::max(kFirstSweep, windows_.size() * 2));
}

}  // namespace volkrin
