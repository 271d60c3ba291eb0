// Following library changes; see library_watch.hpp.
#include "service/library_watch.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "support/worker_pool.hpp"

namespace volkrin {

boost::asio::awaitable<void> follow_library_changes(boost::asio::io_context& ioc,
                                                    MetadataStore& store, TrackService& tracks,
                                                    std::chrono::milliseconds interval) {
  namespace asio = boost::asio;
  asio::steady_timer timer(ioc);
  std::optional<std::int64_t> seen;
  while (!ioc.stopped()) {
    try {
      const std::int64_t now = co_await offload([&store] { return store.library_version(); });
      if (seen && *seen != now) co_await tracks.invalidate_list();
      seen = now;
    } catch (const std::exception& e) {
      spdlog::debug("library version not read: {}", e.what());
    }
    timer.expires_after(interval);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace volkrin
