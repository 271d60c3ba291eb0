// The Redis connection pool and its failure accounting; see redis_client.hpp.
#include "redis/redis_client.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/ssl/context.hpp>

#include <algorithm>

#include "support/metrics.hpp"

namespace volkrin::redis {
namespace {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> tls_context(const RedisSettings& settings) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_default_verify_paths();
  if (!settings.ca_file.empty()) {
    boost::system::error_code ec;
    context->load_verify_file(settings.ca_file.string(), ec);
    if (ec) {
      throw ConfigError("REDIS_CA_FILE: cannot use " + settings.ca_file.string() +
                        " as a CA certificate: " + ec.message());
    }
  }
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

std::shared_ptr<const ConnectionTarget> make_target(RedisSettings settings,
                                                    const ClientOptions& options) {
  auto target = std::make_shared<ConnectionTarget>();
  if (settings.tls) target->tls = tls_context(settings);
  target->settings = std::move(settings);
  target->options = options.connection;
  return target;
}

}  // namespace

RedisClient::RedisClient(RedisSettings settings, ClientOptions options)
    : target_(make_target(std::move(settings), options)),
      options_(options),
      throttle_(options.warning_interval) {}

RedisClient::~RedisClient() = default;

RedisClient::Running& RedisClient::Running::operator=(Running&& other) noexcept {
  if (this != &other) {
    if (client_ != nullptr) client_->stop();
    client_ = std::exchange(other.client_, nullptr);
  }
  return *this;
}

RedisClient::Running::~Running() {
  if (client_ != nullptr) client_->stop();
}

RedisClient::Running RedisClient::start(const boost::asio::any_io_executor& executor) {
  connections_.clear();
  const unsigned size = std::max(1u, options_.pool_size);
  connections_.reserve(size);
  for (unsigned i = 0; i < size; ++i) connections_.push_back(make_connection(executor, target_));
  return Running(this);
}

void RedisClient::stop() {
  for (const auto& connection : connections_) connection->abandon();
  connections_.clear();
}

boost::asio::awaitable<RespValue> RedisClient::execute(std::string command) {
  if (connections_.empty()) throw RedisError("the Redis client is not running");
  const std::size_t slot = next_.fetch_add(1, std::memory_order_relaxed) % connections_.size();
  co_return co_await connections_[slot]->execute(std::move(command));
}

std::string RedisClient::describe() const {
  return endpoint_text(settings()) + (settings().tls ? " (TLS)" : "");
}

void RedisClient::record_failure(std::string_view operation, std::string_view error) {
  metrics().backend_error(Backend::cache);
  const auto held_back = throttle_.allow();
  if (!held_back) return;
  warned_.store(true, std::memory_order_relaxed);
  if (*held_back == 0) {
    spdlog::warn("Redis at {}: {} failed: {}", describe(), operation, error);
  } else {
    spdlog::warn("Redis at {}: {} failed: {} ({} more failures since the last warning)", describe(),
                 operation, error, *held_back);
  }
}

void RedisClient::record_success() noexcept {
  if (warned_.load(std::memory_order_relaxed) && warned_.exchange(false)) {
    try {
      spdlog::info("Redis at {} answers again", describe());
    } catch (...) {  // logging must never turn a success into a failure
    }
  }
}

boost::asio::awaitable<void> RedisClient::check_at_startup() {
  std::string command = encode_command({"PING"});
  std::string error;
  try {
    const RespValue reply = co_await execute(std::move(command));
    if (reply.is_error()) error = "PING answered " + reply.text;
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty()) {
    warned_.store(false);
    spdlog::info("cache: Redis at {}{}", describe(),
                 settings().db != 0 ? ", database " + std::to_string(settings().db) : "");
    co_return;
  }
  record_failure("the start-up check (the server runs without the cache until Redis answers)",
                 error);
}

}  // namespace volkrin::redis
