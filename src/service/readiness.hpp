// Readiness: whether each backend (database, cache, media storage) answers, and how fast.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "ports/cache.hpp"
#include "ports/media_store.hpp"
#include "ports/metadata_store.hpp"

namespace volkrin {

struct ComponentCheck {
  std::string name;  // "database", "cache", "storage"
  bool ok = false;
  double latency_ms = 0;
  // Why it failed, free of secrets but naming files, hosts or buckets: for the log, never
  // for the public answer. "" when ok.
  std::string error;
};

class Readiness {
 public:
  Readiness(MetadataStore& store, MediaStore& media, Cache& cache,
            std::chrono::milliseconds timeout = std::chrono::seconds(2));

  // Checks every component (each with the timeout), updates the volkrin_ready gauge, and
  // logs when a component starts or stops failing (once per change, not per check).
  boost::asio::awaitable<std::vector<ComponentCheck>> check();

 private:
  MetadataStore& store_;
  MediaStore& media_;
  Cache& cache_;
  std::chrono::milliseconds timeout_;
  std::atomic<unsigned> failing_{0};  // bit per component, for change-only logging
};

}  // namespace volkrin
