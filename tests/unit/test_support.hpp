// What many unit tests need: a coroutine run to completion, a temporary directory of their own.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <utility>

#include "support/temp_dir.hpp"

namespace volkrin::test {

// Runs a coroutine to completion on a private io_context. Work offloaded to the worker pool
// comes back to this io_context, which keeps running until the coroutine has finished;
// whatever the coroutine threw is rethrown here.
template <typename T>
T run_coroutine(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return result.get();
}

// A fresh directory of the test's own under the system temp directory (see temp_dir.hpp).
using volkrin::TempDir;

}  // namespace volkrin::test
