// In-process RateLimiter adapter: fixed windows in a hash map with bounded memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ports/rate_limiter.hpp"

namespace volkrin {

// Counts are per process: behind a load balancer each instance counts on its own (use the
// Redis adapter to share them). Memory stays bounded: windows that have ended are dropped
// in sweeps (amortised O(1) per hit), and at max_keys live windows an arbitrary eighth of
// them is dropped, which resets those counts (only a flood of distinct keys gets there).
// Thread-safe; hit() never suspends.
class MemoryRateLimiter final : public RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit MemoryRateLimiter(std::size_t max_keys = 100'000,
                             std::function<Clock::time_point()> clock_for_test = {});

  boost::asio::awaitable<RateDecision> hit(std::string_view key, unsigned limit,
                                           std::chrono::seconds window) override;
  boost::asio::awaitable<void> refund(std::string_view key) override;
  RateDecision hit_now(std::string_view key, unsigned limit, std::chrono::seconds window);
  void refund_now(std::string_view key);

  std::size_t size() const;

 private:
  struct Window {
    Clock::time_point ends;
    unsigned count = 0;
  };
  void sweep_locked(Clock::time_point now);

  const std::size_t max_keys_;
  const std::function<Clock::time_point()> clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
  std::size_t sweep_at_;  // the next sweep happens when the map reaches this size
};

}  // namespace volkrin
