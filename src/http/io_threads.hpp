// The I/O threads: one single-threaded io_context per thread, so that a connection's
// handlers always run on the same thread, in order, without a strand or a shared queue.
// Connections are dealt to the contexts in turn; the first context also carries the
// listener, signals, timers and the Redis client.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

namespace volkrin::http {

class IoThreads {
 public:
  explicit IoThreads(unsigned threads);
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  boost::asio::io_context& main() { return *contexts_.front(); }
  // The context of the next connection, in turn.
  boost::asio::any_io_executor next_executor();
  unsigned size() const { return static_cast<unsigned>(contexts_.size()); }

  // Runs every context, the main one on the calling thread; returns once the main context
  // has stopped (stop()) and the other threads have been stopped and joined.
  void run();
  // Stops every context; what they were doing is abandoned.
  void stop();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> keep_running_;  // the other contexts wait for work while idle
  std::atomic<unsigned> turn_{0};
};

}  // namespace volkrin::http
