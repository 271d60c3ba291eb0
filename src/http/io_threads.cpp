// One io_context per I/O thread; see io_threads.hpp.
#include "http/io_threads.hpp"

#include <algorithm>
#include <thread>

namespace volkrin::http {
namespace asio = boost::asio;

IoThreads::IoThreads(unsigned threads) {
  const unsigned count = std::max(threads, 1U);
  contexts_.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    // Hint 1: exactly one thread runs this context, which lets Asio skip some locking.
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    if (i > 0) keep_running_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

asio::any_io_executor IoThreads::next_executor() {
  const unsigned i = turn_.fetch_add(1, std::memory_order_relaxed) % size();
  return contexts_[i]->get_executor();
}

void IoThreads::run() {
  std::vector<std::thread> threads;
  threads.reserve(contexts_.size() - 1);
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([context = contexts_[i].get()] { context->run(); });
  }
  main().run();
  stop();
  for (auto& t : threads) t.join();
}

void IoThreads::stop() {
  for (auto& context : contexts_) context->stop();
}

}  // namespace volkrin::http
