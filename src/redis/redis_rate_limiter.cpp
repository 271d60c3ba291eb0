// Fixed-window rate limiting in Redis; see redis_rate_limiter.hpp.
#include "redis/redis_rate_limiter.hpp"

#include <algorithm>
#include <string>

namespace volkrin {
namespace {

using redis::RespValue;

// KEYS[1] the counter, ARGV[1] the window in ms. Returns {count, ms until the window ends}.
// A counter found without an expiry (one written by hand, say) gets one, so that it can
// never block forever.
constexpr std::string_view kHitScript = R"lua(
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
)lua";

// KEYS[1] the counter. Returns the count left. DECR keeps the key's expiry; a key that has
// expired (its window ended) or holds nothing is not brought back as a negative count.
constexpr std::string_view kRefundScript = R"lua(
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
)lua";

}  // namespace

RedisRateLimiter::RedisRateLimiter(std::shared_ptr<redis::RedisClient> client)
    : client_(std::move(client)) {}

std::string RedisRateLimiter::counter_key(std::string_view key) const {
  std::string full = client_->settings().key_prefix;
  full += "rate:";
  full += key;
  return full;
}

boost::asio::awaitable<RateDecision> RedisRateLimiter::hit(std::string_view key, unsigned limit,
                                                           std::chrono::seconds window) {
  const std::string full = counter_key(key);
  const std::string window_ms = std::to_string(std::chrono::milliseconds(window).count());
  std::string command = redis::encode_command({"EVAL", kHitScript, "1", full, window_ms});
  std::string error;
  try {
    const RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == RespValue::Type::array && reply.elements.size() == 2 &&
        reply.elements[0].type == RespValue::Type::integer &&
        reply.elements[1].type == RespValue::Type::integer) {
      client_->record_success();
      const std::int64_t count = reply.elements[0].integer;
      if (count <= static_cast<std::int64_t>(limit)) co_return RateDecision{};
      const std::int64_t ms_left = std::max<std::int64_t>(reply.elements[1].integer, 1);
      co_return RateDecision{false, std::chrono::seconds((ms_left + 999) / 1000)};
    }
    error = reply.is_error() ? reply.text : "unexpected reply";
  } catch (const std::exception& e) {
    error = e.what();
  }
  client_->record_failure("rate limit", error);
  co_return RateDecision{};
}

boost::asio::awaitable<void> RedisRateLimiter::refund(std::string_view key) {
  const std::string full = counter_key(key);
  std::string command = redis::encode_command({"EVAL", kRefundScript, "1", full});
  std::string error;
  try {
    const RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == RespValue::Type::integer) {
      client_->record_success();
      co_return;
    }
    error = reply.is_error() ? reply.text : "unexpected reply";
  } catch (const std::exception& e) {
    error = e.what();
  }
  client_->record_failure("rate limit refund", error);
}

}  // namespace volkrin
