// The process-wide worker pool behind offload().
#include "support/worker_pool.hpp"

#include <memory>
#include <mutex>

namespace volkrin {
namespace {
std::mutex pool_mutex;
std::unique_ptr<boost::asio::thread_pool> pool;
}  // namespace

void start_worker_pool(unsigned threads) {
  std::lock_guard lock(pool_mutex);
  if (!pool) pool = std::make_unique<boost::asio::thread_pool>(threads == 0 ? 2 : threads);
}

void stop_worker_pool() {
  std::unique_ptr<boost::asio::thread_pool> stopping;
  {
    std::lock_guard lock(pool_mutex);
    stopping = std::move(pool);
  }
  if (stopping) stopping->join();
}

boost::asio::thread_pool& worker_pool() {
  std::lock_guard lock(pool_mutex);
  if (!pool) pool = std::make_unique<boost::asio::thread_pool>(2);
  return *pool;
}

}  // namespace volkrin
