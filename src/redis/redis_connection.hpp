// One Redis connection: connects on demand, pipelines, times out and reconnects with backoff.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "redis/resp.hpp"
#include "support/config.hpp"

namespace boost::asio::ssl {
class context;
}

namespace volkrin::redis {

// Redis could not be reached, refused the connection's set-up (TLS, AUTH, SELECT), or did
// not answer in time. The message names the server but never a password.
class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConnectionOptions {
  std::chrono::milliseconds connect_timeout{2000};  // resolve + TCP + TLS + AUTH + SELECT
  std::chrono::milliseconds command_timeout{1000};  // from the call until its reply
  // After a failed attempt (or a command that timed out) calls fail at once until the
  // backoff has passed; it doubles per failure up to backoff_max. A connection that breaks
  // after working is retried on the next call.
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{2000};
};

// What the connections of a pool learn from each other: once one has connected, the others
// stop waiting out their backoff, so that the whole pool is back as soon as Redis is.
struct PoolState {
  std::atomic<std::chrono::steady_clock::rep> last_connected{0};
};

// What every connection of a pool shares.
struct ConnectionTarget {
  RedisSettings settings;
  ConnectionOptions options;
  std::shared_ptr<boost::asio::ssl::context> tls;  // set when settings.tls
  std::shared_ptr<PoolState> pool = std::make_shared<PoolState>();
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Sends one encoded command and returns its reply (error replies included). Throws
  // RedisError when there is no working connection or no reply within the command timeout.
  // Callable from any thread; resumes the caller on its own executor.
  virtual boost::asio::awaitable<RespValue> execute(std::string command) = 0;

  // Closes the socket and fails what is waiting; later calls fail. Thread-safe.
  virtual void close() = 0;
  // The same, synchronously, for when nothing runs the executor's context any more (the
  // waiting callers are dropped, not resumed).
  virtual void abandon() = 0;
};

std::shared_ptr<Connection> make_connection(const boost::asio::any_io_executor& executor,
                                            std::shared_ptr<const ConnectionTarget> target);

// "host:port", with brackets around an IPv6 address.
std::string endpoint_text(const RedisSettings& settings);

}  // namespace volkrin::redis
