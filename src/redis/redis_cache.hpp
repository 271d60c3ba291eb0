// Cache adapter on Redis: GET, SET key value PX ttl, DEL and removal stamps, shared by every
// instance.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ports/cache.hpp"
#include "redis/redis_client.hpp"

namespace volkrin {

// Every key is stored under the client's key prefix (REDIS_KEY_PREFIX, "volkrin:" by
// default): the values are this server's own format, so they stay apart from anything else
// in the same database.
//
// There is no in-process copy in front of Redis: every get asks Redis, so a remove (the
// track list's invalidation after an upload or a delete) is seen by all instances at once
// and no pub/sub invalidation channel is needed.
//
// Removal stamps live in Redis too, so that they hold across instances: remove() writes a
// fresh random token under "<prefix>removed:<key>" (kept for a day, far longer than any
// read it guards) in the same script that deletes the key; removal_stamp() reads it, and
// set_unless_removed() is one script that stores the value only while the token is still
// the one the stamp read.
//
// Redis down or slow never fails a request: each call gives up after the client's command
// timeout (at once while the client backs off between reconnects); get then reads as a
// miss, set is dropped, and remove is kept to be retried. Each such failure is counted and logged
// through RedisClient::record_failure (a warning at most every 30 s). The client reconnects by
// itself, so the cache comes back without a restart. ping() is the one call that throws,
// for the readiness check.
class RedisCache final : public Cache {
 public:
  explicit RedisCache(std::shared_ptr<redis::RedisClient> client);

  boost::asio::awaitable<std::shared_ptr<const std::string>> get(std::string_view key) override;
  // A ttl <= 0 or a null value removes the key instead. Long TTLs are capped at ten years.
  boost::asio::awaitable<void> set(std::string_view key, std::shared_ptr<const std::string> value,
                                   std::chrono::seconds ttl) override;
  boost::asio::awaitable<void> remove(std::string_view key) override;
  boost::asio::awaitable<std::optional<std::string>> removal_stamp(std::string_view key) override;
  boost::asio::awaitable<void> set_unless_removed(std::string_view key,
                                                  std::shared_ptr<const std::string> value,
                                                  std::chrono::seconds ttl,
                                                  std::string stamp) override;
  boost::asio::awaitable<void> ping() override;

 private:
  std::string full_key(std::string_view key) const;
  std::string stamp_key(std::string_view key) const;
  // Runs one command and returns its reply when it is of type `accepted` (or null, when
  // `or_null`), recorded as a success; otherwise nullopt, the failure recorded under `what`
  // when `record` (a reply of another type, an error, no answer in time).
  boost::asio::awaitable<std::optional<redis::RespValue>> call(std::string command,
                                                               redis::RespValue::Type accepted,
                                                               bool or_null, std::string_view what,
                                                               bool record = true);
  // One removal; false when Redis did not take it (recorded as a failure when `record`).
  boost::asio::awaitable<bool> try_remove(std::string_view key, bool record);
  // Retries the removals that failed, before this call goes on.
  boost::asio::awaitable<void> deliver_pending_removals();

  std::shared_ptr<redis::RedisClient> client_;
  // Keys whose removal Redis did not take (it was down or slow for this instance only,
  // perhaps): other instances may still be serving them, so the removal is retried before
  // each later call until Redis takes it, instead of being lost.
  std::mutex pending_mutex_;
  std::vector<std::string> pending_removals_;
  std::atomic<bool> has_pending_removals_{false};
};

}  // namespace volkrin
