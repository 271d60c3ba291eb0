// Port: a key → bytes cache with TTLs. Adapters: in-process (bounded LRU), Redis.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

// Values are shared immutable byte strings so that a hit can be written to a socket
// without copying. A cache may forget anything at any time; failures read as misses.
class Cache {
 public:
  virtual ~Cache() = default;
  // nullptr on a miss or an expired entry.
  virtual boost::asio::awaitable<std::shared_ptr<const std::string>> get(std::string_view key) = 0;
  virtual boost::asio::awaitable<void> set(std::string_view key,
                                           std::shared_ptr<const std::string> value,
                                           std::chrono::seconds ttl) = 0;
  virtual boost::asio::awaitable<void> remove(std::string_view key) = 0;

  // Filling a key from a slower source (the database) without undoing a removal: take a
  // stamp before reading the source, then set_unless_removed() stores the value only when
  // no remove(key) came in between, from this process or from any other sharing the cache
  // (another instance's upload, say). Otherwise a value read before a removal could be
  // stored after it, and be served until its TTL ends. removal_stamp() is nullopt when the
  // backend cannot give one (it is down): then there is nothing to fill.
  virtual boost::asio::awaitable<std::optional<std::string>> removal_stamp(
      std::string_view key) = 0;
  virtual boost::asio::awaitable<void> set_unless_removed(std::string_view key,
                                                          std::shared_ptr<const std::string> value,
                                                          std::chrono::seconds ttl,
                                                          std::string stamp) = 0;
  // For the readiness check: throws when the backend does not answer (get, set and remove
  // never do). An in-process cache always answers.
  virtual boost::asio::awaitable<void> ping() { co_return; }
};

}  // namespace volkrin
