// In-process Cache adapter: a byte-bounded LRU map with per-entry expiry.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ports/cache.hpp"

namespace volkrin {

// Every entry costs key size + value size + kEntryOverhead bytes; the total never exceeds
// max_bytes. Storing past the bound evicts least recently used entries first (a get or set
// counts as a use). An entry that alone would cost more than max_bytes is not stored.
// Expiry is checked on get: an expired entry reads as a miss and is dropped then.
// A ttl <= 0 or a null value removes the key instead of storing anything.
//
// Removal stamps count every remove() of any key: a fill stamped before any removal is
// dropped, which at worst costs one more miss, and needs no memory per key.
//
// Thread-safe. The operations never suspend: each coroutine runs to completion under one
// mutex, which is held for a hash lookup and a list splice only.
class MemoryCache final : public Cache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kEntryOverhead = 64;

  // clock_for_test replaces steady_clock::now so tests can move time forward.
  explicit MemoryCache(std::size_t max_bytes = std::size_t{64} << 20,
                       std::function<Clock::time_point()> clock_for_test = {});

  boost::asio::awaitable<std::shared_ptr<const std::string>> get(std::string_view key) override;
  boost::asio::awaitable<void> set(std::string_view key, std::shared_ptr<const std::string> value,
                                   std::chrono::seconds ttl) override;
  boost::asio::awaitable<void> remove(std::string_view key) override;
  boost::asio::awaitable<std::optional<std::string>> removal_stamp(std::string_view key) override;
  boost::asio::awaitable<void> set_unless_removed(std::string_view key,
                                                  std::shared_ptr<const std::string> value,
                                                  std::chrono::seconds ttl,
                                                  std::string stamp) override;

  // What the entries currently cost, expired ones included until they are dropped.
  std::size_t size_bytes() const;
  std::size_t entry_count() const;
  std::size_t max_bytes() const noexcept { return max_bytes_; }

  static std::size_t entry_cost(std::string_view key, std::size_t value_size) noexcept {
    return key.size() + value_size + kEntryOverhead;
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;
    Clock::time_point expires_at;
    std::size_t cost = 0;
  };
  using Lru = std::list<Entry>;  // most recently used first

  Clock::time_point now() const;
  // The operations themselves; the coroutines only wrap them.
  std::shared_ptr<const std::string> lookup(std::string_view key);
  // Stores nothing when `unless_removed_since` is given and a removal came after it.
  void store(std::string_view key, std::shared_ptr<const std::string> value,
             std::chrono::seconds ttl, std::optional<std::uint64_t> unless_removed_since = {});
  void erase(std::string_view key);
  // Both require mutex_ held.
  void erase_locked(Lru::iterator it);
  void evict_until_fits_locked(std::size_t incoming_cost);

  const std::size_t max_bytes_;
  const std::function<Clock::time_point()> clock_;

  mutable std::mutex mutex_;
  Lru lru_;
  // Keys view the strings inside lru_'s nodes, which never move.
  std::unordered_map<std::string_view, Lru::iterator> index_;
  std::size_t size_bytes_ = 0;
  std::uint64_t removals_ = 0;  // removals so far, of any key: the removal stamp
};

}  // namespace volkrin
