// A small pool of pipelined Redis connections and the failure accounting of its adapters.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_connection.hpp"
#include "redis/resp.hpp"
#include "support/config.hpp"
#include "support/log_throttle.hpp"

namespace volkrin::redis {

struct ClientOptions {
  unsigned pool_size = 4;
  ConnectionOptions connection;
  std::chrono::seconds warning_interval{30};
};

// Commands go round-robin to the connections; each connection pipelines what it gets, so
// a slow reply holds up only its own connection. No call blocks a thread.
//
// Lifetime: start() puts the connections on an executor (the server's I/O threads). They
// must be stopped, by the guard start() returns, before that executor's io_context is
// destroyed, and while nothing runs it or after the last call has finished.
class RedisClient {
 public:
  // Throws ConfigError naming REDIS_CA_FILE when the CA file cannot be used.
  explicit RedisClient(RedisSettings settings, ClientOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  class Running {
   public:
    Running() = default;
    explicit Running(RedisClient* client) : client_(client) {}
    Running(Running&& other) noexcept : client_(std::exchange(other.client_, nullptr)) {}
    Running& operator=(Running&& other) noexcept;
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    ~Running();

   private:
    RedisClient* client_ = nullptr;
  };
  [[nodiscard]] Running start(const boost::asio::any_io_executor& executor);
  // Closes the connections at once; waiting calls are dropped. Idempotent.
  void stop();

  // One command, encoded by encode_command() (outside the co_await: a braced list held
  // across a suspension trips GCC 12). Returns the reply, error replies included; throws
  // RedisError when Redis cannot be reached or does not answer within the command timeout.
  boost::asio::awaitable<RespValue> execute(std::string command);

  const RedisSettings& settings() const { return target_->settings; }
  // "host:port" and whether it is TLS, without credentials.
  std::string describe() const;

  // Each failure counts in volkrin_backend_errors_total{backend="cache"}; a warning is
  // logged for the first one and then at most once per warning_interval. The first success
  // after a logged warning is logged too.
  void record_failure(std::string_view operation, std::string_view error);
  void record_success() noexcept;

  // PING once, logging whether Redis answers (through the same throttle).
  boost::asio::awaitable<void> check_at_startup();

 private:
  std::shared_ptr<const ConnectionTarget> target_;
  ClientOptions options_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::atomic<std::size_t> next_{0};
  LogThrottle throttle_;
  std::atomic<bool> warned_{false};
};

}  // namespace volkrin::redis
