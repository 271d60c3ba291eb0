// Cache adapter on Redis; see redis_cache.hpp.
#include "redis/redis_cache.hpp"

#include <algorithm>

#include "support/crypto.hpp"

namespace volkrin {

using boost::asio::awaitable;
using redis::RespValue;

namespace {

constexpr std::chrono::milliseconds kMaxTtl = std::chrono::hours(24 * 365 * 10);
constexpr std::chrono::milliseconds kStampLifetime = std::chrono::hours(24);

// KEYS[1] the key, KEYS[2] its removal stamp; ARGV[1] a fresh token, ARGV[2] the stamp's
// lifetime in ms. Returns DEL's count.
constexpr std::string_view kRemoveScript = R"lua(
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return redis.call('DEL', KEYS[1])
)lua";

// KEYS[1] the key, KEYS[2] its removal stamp; ARGV[1] the value, ARGV[2] the stamp taken
// before the value was read ("" for none), ARGV[3] the TTL in ms. Returns 1 when stored.
constexpr std::string_view kSetUnlessRemovedScript = R"lua(
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
)lua";

std::chrono::milliseconds capped_ttl(std::chrono::seconds ttl) {
  return ttl >= std::chrono::duration_cast<std::chrono::seconds>(kMaxTtl)
             ? kMaxTtl
             : std::chrono::duration_cast<std::chrono::milliseconds>(ttl);
}

std::string unexpected(const RespValue& reply) {
  if (reply.is_error()) return reply.text;
  return "unexpected reply";
}

}  // namespace

RedisCache::RedisCache(std::shared_ptr<redis::RedisClient> client) : client_(std::move(client)) {}

std::string RedisCache::full_key(std::string_view key) const {
  std::string full = client_->settings().key_prefix;
  full += key;
  return full;
}

std::string RedisCache::stamp_key(std::string_view key) const {
  std::string full = client_->settings().key_prefix;
  full += "removed:";
  full += key;
  return full;
}

awaitable<std::optional<RespValue>> RedisCache::call(std::string command, RespValue::Type accepted,
                                                     bool or_null, std::string_view what,
                                                     bool record) {
  std::string error;
  try {
    RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == accepted || (or_null && reply.is_null())) {
      client_->record_success();
      co_return reply;
    }
    error = unexpected(reply);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (record) client_->record_failure(what, error);
  co_return std::nullopt;
}

awaitable<std::shared_ptr<const std::string>> RedisCache::get(std::string_view key) {
  co_await deliver_pending_removals();
  // Each command is built before the co_await: GCC 12 cannot keep a braced list inside one.
  std::string command = redis::encode_command({"GET", full_key(key)});
  auto reply =
      co_await call(std::move(command), RespValue::Type::bulk_string, /*or_null=*/true, "GET");
  if (!reply || reply->is_null()) co_return nullptr;
  co_return std::make_shared<const std::string>(std::move(reply->text));
}

awaitable<void> RedisCache::set(std::string_view key, std::shared_ptr<const std::string> value,
                                std::chrono::seconds ttl) {
  if (value == nullptr || ttl <= std::chrono::seconds::zero()) {
    co_await remove(key);
    co_return;
  }
  co_await deliver_pending_removals();
  std::string command = redis::encode_command(
      {"SET", full_key(key), *value, "PX", std::to_string(capped_ttl(ttl).count())});
  co_await call(std::move(command), RespValue::Type::simple_string, /*or_null=*/false, "SET");
}

awaitable<void> RedisCache::remove(std::string_view key) {
  co_await deliver_pending_removals();
  // co_await kept out of conditions: GCC 12 miscompiles it inside `&&` (a crash here).
  const bool taken = co_await try_remove(key, /*record=*/true);
  if (taken) co_return;
  const std::lock_guard lock(pending_mutex_);
  if (std::find(pending_removals_.begin(), pending_removals_.end(), key) ==
      pending_removals_.end()) {
    pending_removals_.emplace_back(key);
  }
  has_pending_removals_.store(true, std::memory_order_release);
}

awaitable<bool> RedisCache::try_remove(std::string_view key, bool record) {
  const std::string token = crypto::hex_encode(crypto::random_bytes(12));
  std::string command =
      redis::encode_command({"EVAL", kRemoveScript, "2", full_key(key), stamp_key(key), token,
                             std::to_string(kStampLifetime.count())});
  const auto reply =
      co_await call(std::move(command), RespValue::Type::integer, /*or_null=*/false, "DEL", record);
  co_return reply.has_value();
}

awaitable<void> RedisCache::deliver_pending_removals() {
  if (!has_pending_removals_.load(std::memory_order_acquire)) co_return;
  std::vector<std::string> keys;
  {
    const std::lock_guard lock(pending_mutex_);
    keys.swap(pending_removals_);
    has_pending_removals_.store(false, std::memory_order_release);
  }
  // While Redis is still away these fail at once; they were counted when they first failed.
  std::size_t delivered = 0;
  while (delivered < keys.size()) {
    const bool taken = co_await try_remove(keys[delivered], /*record=*/false);
    if (!taken) break;
    ++delivered;
  }
  if (delivered == keys.size()) co_return;
  const std::lock_guard lock(pending_mutex_);
  for (std::size_t i = delivered; i < keys.size(); ++i) {
    if (std::find(pending_removals_.begin(), pending_removals_.end(), keys[i]) ==
        pending_removals_.end()) {
      pending_removals_.push_back(std::move(keys[i]));
    }
  }
  has_pending_removals_.store(true, std::memory_order_release);
}

awaitable<std::optional<std::string>> RedisCache::removal_stamp(std::string_view key) {
  co_await deliver_pending_removals();
  std::string command = redis::encode_command({"GET", stamp_key(key)});
  auto reply =
      co_await call(std::move(command), RespValue::Type::bulk_string, /*or_null=*/true, "GET");
  if (!reply) co_return std::nullopt;
  co_return reply->is_null() ? std::string() : std::move(reply->text);
}

awaitable<void> RedisCache::set_unless_removed(std::string_view key,
                                               std::shared_ptr<const std::string> value,
                                               std::chrono::seconds ttl, std::string stamp) {
  if (value == nullptr || ttl <= std::chrono::seconds::zero()) co_return;
  co_await deliver_pending_removals();
  std::string command =
      redis::encode_command({"EVAL", kSetUnlessRemovedScript, "2", full_key(key), stamp_key(key),
                             *value, stamp, std::to_string(capped_ttl(ttl).count())});
  co_await call(std::move(command), RespValue::Type::integer, /*or_null=*/false, "SET");
}

awaitable<void> RedisCache::ping() {
  std::string command = redis::encode_command({"PING"});
  const RespValue reply = co_await client_->execute(std::move(command));
  if (reply.is_error()) throw redis::RedisError("PING answered " + reply.text);
}

}  // namespace volkrin
