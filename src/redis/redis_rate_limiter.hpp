// RateLimiter adapter on Redis: counters shared by every instance, one atomic script per hit.
#pragma once

#include <memory>
#include <string>

#include "ports/rate_limiter.hpp"
#include "redis/redis_client.hpp"

namespace volkrin {

// Each hit runs INCR and, for a new window, PEXPIRE in one Lua script (EVAL), so that
// concurrent hits from any instance count exactly and a counter can never be left without
// its expiry. Keys: the client's key prefix + "rate:" + key.
//
// When Redis fails or does not answer within the command timeout the request is allowed
// (the limits protect the password hashes; the cache being down must not lock everyone
// out) and the failure is counted and logged like the cache's.
class RedisRateLimiter final : public RateLimiter {
 public:
  explicit RedisRateLimiter(std::shared_ptr<redis::RedisClient> client);

  boost::asio::awaitable<RateDecision> hit(std::string_view key, unsigned limit,
                                           std::chrono::seconds window) override;
  // DECR in a script that leaves a missing or zero counter alone (and its expiry as it is).
  boost::asio::awaitable<void> refund(std::string_view key) override;

 private:
  std::string counter_key(std::string_view key) const;

  std::shared_ptr<redis::RedisClient> client_;
};

}  // namespace volkrin
