// In-process Cache adapter: a byte-bounded LRU map with per-entry expiry.
#include "cache/memory_cache.hpp"

#include <charconv>
#include <iterator>
#include <utility>

namespace volkrin {
namespace {

// now + ttl, saturating instead of overflowing the clock's representation.
MemoryCache::Clock::time_point expiry_after(MemoryCache::Clock::time_point now,
                                            std::chrono::seconds ttl) {
  const auto room =
      std::chrono::duration_cast<std::chrono::seconds>(MemoryCache::Clock::time_point::max() - now);
  if (ttl >= room) return MemoryCache::Clock::time_point::max();
  return now + ttl;
}

}  // namespace

MemoryCache::MemoryCache(std::size_t max_bytes, std::function<Clock::time_point()> clock_for_test)
    : max_bytes_(max_bytes), clock_(std::move(clock_for_test)) {}

MemoryCache::Clock::time_point MemoryCache::now() const {
  return clock_ ? clock_() : Clock::now();
}

boost::asio::awaitable<std::shared_ptr<const std::string>> MemoryCache::get(std::string_view key) {
  co_return lookup(key);
}

boost::asio::awaitable<void> MemoryCache::set(std::string_view key,
                                              std::shared_ptr<const std::string> value,
                                              std::chrono::seconds ttl) {
  store(key, std::move(value), ttl);
  co_return;
}

boost::asio::awaitable<void> MemoryCache::remove(std::string_view key) {
  erase(key);
  co_return;
}

boost::asio::awaitable<std::optional<std::string>> MemoryCache::removal_stamp(
    std::string_view /*key*/) {
  std::uint64_t removals = 0;
  {
    const std::lock_guard lock(mutex_);
    removals = removals_;
  }
  co_return std::to_string(removals);
}

boost::asio::awaitable<void> MemoryCache::set_unless_removed(
    std::string_view key, std::shared_ptr<const std::string> value, std::chrono::seconds ttl,
    std::string stamp) {
  if (value == nullptr || ttl <= std::chrono::seconds::zero()) co_return;
  std::uint64_t since = 0;
  const auto [end, error] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), since);
  // A stamp this cache did not make cannot vouch for anything.
  if (error != std::errc{} || end != stamp.data() + stamp.size()) co_return;
  store(key, std::move(value), ttl, since);
}

std::shared_ptr<const std::string> MemoryCache::lookup(std::string_view key) {
  const auto at = now();
  const std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  const auto entry = found->second;
  if (at >= entry->expires_at) {
    erase_locked(entry);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->value;
}

void MemoryCache::store(std::string_view key, std::shared_ptr<const std::string> value,
                        std::chrono::seconds ttl,
                        std::optional<std::uint64_t> unless_removed_since) {
  const auto at = now();
  const std::lock_guard lock(mutex_);
  // A removal after the stamp wins: the key stays as that removal left it.
  if (unless_removed_since && *unless_removed_since != removals_) return;
  // Whatever happens below, the previous value must not outlive a newer set().
  if (const auto found = index_.find(key); found != index_.end()) erase_locked(found->second);
  if (value == nullptr || ttl <= std::chrono::seconds::zero()) {
    ++removals_;  // a removal by another name, as RedisCache makes it
    return;
  }
  const std::size_t cost = entry_cost(key, value->size());
  if (cost > max_bytes_) return;
  evict_until_fits_locked(cost);
  lru_.push_front(Entry{std::string(key), std::move(value), expiry_after(at, ttl), cost});
  index_.emplace(lru_.front().key, lru_.begin());
  size_bytes_ += cost;
}

void MemoryCache::erase(std::string_view key) {
  const std::lock_guard lock(mutex_);
  ++removals_;
  if (const auto found = index_.find(key); found != index_.end()) erase_locked(found->second);
}

std::size_t MemoryCache::size_bytes() const {
  const std::lock_guard lock(mutex_);
  return size_bytes_;
}

std::size_t MemoryCache::entry_count() const {
  const std::lock_guard lock(mutex_);
  return index_.size();
}

void MemoryCache::erase_locked(Lru::iterator it) {
  size_bytes_ -= it->cost;
  index_.erase(std::string_view(it->key));
  lru_.erase(it);
}

void MemoryCache::evict_until_fits_locked(std::size_t incoming_cost) {
  while (!lru_.empty() && size_bytes_ + incoming_cost > max_bytes_) {
    erase_locked(std::prev(lru_.end()));
  }
}

}  // namespace volkrin
