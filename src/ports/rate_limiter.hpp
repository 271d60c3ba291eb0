// Port: counts requests per key in fixed windows. Adapters: in-process, Redis.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string_view>

namespace volkrin {

struct RateDecision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused: until the window ends, at least 1 s
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one request for `key` in its current window (which starts with the key's first
  // request and lasts `window`) and allows it while the count is at most `limit`. Refused
  // requests count too. A limiter whose backend fails allows the request.
  virtual boost::asio::awaitable<RateDecision> hit(std::string_view key, unsigned limit,
                                                   std::chrono::seconds window) = 0;
  // Takes one allowed hit of `key` back, for a request that turned out not to count (a login
  // that did not fail, against a limit of failures). Nothing when the key's window has ended
  // or holds no count; a limiter whose backend fails does nothing.
  virtual boost::asio::awaitable<void> refund(std::string_view key) = 0;
};

}  // namespace volkrin
