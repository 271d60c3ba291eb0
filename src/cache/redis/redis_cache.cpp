// Cache adapter on Redis; see redis_cache.hpp.
#include "cache/redis/redis_cache.hpp"

namespace volkrin {

using boost::asio::awaitable;
using redis::RespValue;

namespace {

constexpr std::chrono::milliseconds kMaxTtl = std::chrono::hours(24 * 365 * 10);

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

awaitable<std::shared_ptr<const std::string>> RedisCache::get(std::string_view key) {
  std::string command = redis::encode_command({"GET", full_key(key)});
  std::string error;
  try {
    RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == RespValue::Type::bulk_string) {
      client_->record_success();
      co_return std::make_shared<const std::string>(std::move(reply.text));
    }
    if (reply.is_null()) {
      client_->record_success();
      co_return nullptr;
    }
    error = unexpected(reply);
  } catch (const std::exception& e) {
    error = e.what();
  }
  client_->record_failure("GET", error);
  co_return nullptr;
}

awaitable<void> RedisCache::set(std::string_view key, std::shared_ptr<const std::string> value,
                                std::chrono::seconds ttl) {
  if (value == nullptr || ttl <= std::chrono::seconds::zero()) {
    co_await remove(key);
    co_return;
  }
  const auto ms = ttl >= std::chrono::duration_cast<std::chrono::seconds>(kMaxTtl)
                      ? kMaxTtl
                      : std::chrono::duration_cast<std::chrono::milliseconds>(ttl);
  std::string command =
      redis::encode_command({"SET", full_key(key), *value, "PX", std::to_string(ms.count())});
  std::string error;
  try {
    const RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == RespValue::Type::simple_string) {
      client_->record_success();
      co_return;
    }
    error = unexpected(reply);
  } catch (const std::exception& e) {
    error = e.what();
  }
  client_->record_failure("SET", error);
}

awaitable<void> RedisCache::remove(std::string_view key) {
  std::string command = redis::encode_command({"DEL", full_key(key)});
  std::string error;
  try {
    const RespValue reply = co_await client_->execute(std::move(command));
    if (reply.type == RespValue::Type::integer) {
      client_->record_success();
      co_return;
    }
    error = unexpected(reply);
  } catch (const std::exception& e) {
    error = e.what();
  }
  client_->record_failure("DEL", error);
}

awaitable<void> RedisCache::ping() {
  std::string command = redis::encode_command({"PING"});
  const RespValue reply = co_await client_->execute(std::move(command));
  if (reply.is_error()) throw redis::RedisError("PING answered " + reply.text);
}

}  // namespace volkrin
