// Backend checks with a deadline; see readiness.hpp.
#include "service/readiness.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

#include "support/metrics.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {
namespace asio = boost::asio;
namespace {

// Runs a blocking check on the worker pool and gives up waiting after `timeout`. A check
// that hangs keeps its worker but not the caller: the answer is "timed out" on time.
asio::awaitable<std::string> run_with_deadline(std::function<void()> check,
                                               std::chrono::milliseconds timeout) {
  struct State {
    explicit State(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool done = false;
    std::string error;
  };
  auto state = std::make_shared<State>(co_await asio::this_coro::executor);
  state->timer.expires_after(timeout);
  asio::post(worker_pool(), [state, check = std::move(check)] {
    std::string error;
    try {
      check();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "failed";
    }
    asio::post(state->timer.get_executor(), [state, error = std::move(error)]() mutable {
      state->done = true;
      state->error = std::move(error);
      state->timer.cancel();
    });
  });
  boost::system::error_code ec;
  co_await state->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (!state->done) co_return "timed out after " + std::to_string(timeout.count()) + " ms";
  co_return state->error;
}

Backend backend_of(std::string_view name) {
  if (name == "database") return Backend::database;
  if (name == "cache") return Backend::cache;
  return Backend::storage;
}

}  // namespace

Readiness::Readiness(MetadataStore& store, MediaStore& media, Cache& cache,
                     std::chrono::milliseconds timeout)
    : store_(store), media_(media), cache_(cache), timeout_(timeout) {}

asio::awaitable<std::vector<ComponentCheck>> Readiness::check() {
  std::vector<ComponentCheck> results;
  auto measure = [&](std::string name, std::function<void()> fn) -> asio::awaitable<void> {
    const auto started = std::chrono::steady_clock::now();
    std::string error = co_await run_with_deadline(std::move(fn), timeout_);
    ComponentCheck c;
    c.name = std::move(name);
    c.ok = error.empty();
    c.error = std::move(error);
    c.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    results.push_back(std::move(c));
  };
  co_await measure("database", [this] { store_.ping(); });
  {
    // The cache is optional: the API works without it, so it is reported but a failing
    // cache does not make the instance unready.
    const auto started = std::chrono::steady_clock::now();
    ComponentCheck c;
    c.name = "cache";
    try {
      co_await cache_.ping();
      c.ok = true;
    } catch (const std::exception& e) {
      c.error = e.what();
    }
    c.latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    results.push_back(std::move(c));
  }
  co_await measure("storage", [this] { media_.ping(); });

  bool ready = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& c = results[i];
    if (!c.ok && c.name != "cache") ready = false;
    const unsigned bit = 1u << i;
    const unsigned before = c.ok ? failing_.fetch_and(~bit) : failing_.fetch_or(bit);
    if (!c.ok) metrics().backend_error(backend_of(c.name));
    if (!c.ok && !(before & bit)) {
      spdlog::error("readiness: {} is failing: {}", c.name, c.error);
    } else if (c.ok && (before & bit)) {
      spdlog::info("readiness: {} is back", c.name);
    }
  }
  metrics().ready.store(ready ? 1 : 0, std::memory_order_relaxed);
  co_return results;
}

}  // namespace volkrin
