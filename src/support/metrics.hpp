// Prometheus metrics: the counters the original exposed, the request-duration histogram,
// process figures, and their text exposition (format 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace volkrin {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

enum class Backend { database, cache, storage };

// One registry per process (metrics()). Recording is lock-free on the steady state:
// counters are atomics, and each thread keeps its own pointers to histogram series.
class Metrics {
 public:
  Counter signups, logins, failed_logins, track_uploads, track_deletions, user_deletions,
      cache_hits, cache_misses, upload_bytes, stream_bytes, storage_full;
  std::atomic<std::int64_t> requests_in_flight{0};
  std::atomic<int> ready{1};  // 1 while every required backend answered the last check

  void backend_error(Backend backend) noexcept;

  // `path` is the route template ("/api/tracks/:id"), never a raw path.
  void observe_request(std::string_view method, std::string_view path, int status, double seconds);

  std::string exposition() const;

  static constexpr std::array<double, 6> kBuckets{0.003, 0.03, 0.1, 0.3, 1.5, 10};

 private:
  std::array<Counter, 3> backend_errors_;
};

Metrics& metrics();

}  // namespace volkrin
