// The worker pool and `offload`, the one way to run blocking work off the I/O threads.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace volkrin {

// Threads for hashing, database calls, fsync, audio probing. Created once at start-up
// (start_worker_pool); a test that never calls it gets a pool of two threads on first use.
void start_worker_pool(unsigned threads);
void stop_worker_pool();  // joins; pending work runs first
boost::asio::thread_pool& worker_pool();

// Runs fn() on the worker pool and resumes the calling coroutine on its own executor
// with the result, or rethrows fn's exception there.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> offload(F fn) {
  using R = std::invoke_result_t<F&>;
  using Slot = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
  auto initiate = [](auto handler, F work) {
    auto& pool = worker_pool();
    boost::asio::post(
        pool.get_executor(), [handler = std::move(handler), work = std::move(work)]() mutable {
          std::exception_ptr error;
          Slot slot{};
          try {
            if constexpr (std::is_void_v<R>) {
              work();
              slot = true;
            } else {
              slot.emplace(work());
            }
          } catch (...) {
            error = std::current_exception();
          }
          auto home = boost::asio::get_associated_executor(handler);
          boost::asio::post(
              home, [handler = std::move(handler), error, slot = std::move(slot)]() mutable {
                handler(error, std::move(slot));
              });
        });
  };
  Slot slot = co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                   void(std::exception_ptr, Slot)>(
      initiate, boost::asio::use_awaitable, std::move(fn));
  if constexpr (!std::is_void_v<R>) co_return std::move(*slot);
}

}  // namespace volkrin
