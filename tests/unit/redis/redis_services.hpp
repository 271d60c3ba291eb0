// For the Redis adapters' tests: where the test servers are, and a client on its own thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "redis/redis_client.hpp"
#include "support/config.hpp"
#include "support/metrics.hpp"

namespace volkrin::test {

inline bool services_required() {
  const char* value = std::getenv("VOLKRIN_REQUIRE_SERVICES");
  return value != nullptr && std::string(value) == "1";
}

inline std::optional<std::string> env_value(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// Skips the test when the variable is unset, or fails it when VOLKRIN_REQUIRE_SERVICES=1.
#define VOLKRIN_REDIS_ENV(variable, name)                                             \
  const auto variable##_value = ::volkrin::test::env_value(name);                     \
  if (!variable##_value) {                                                            \
    if (::volkrin::test::services_required()) FAIL() << name " is not set";           \
    GTEST_SKIP() << name " is not set (scripts/services/redis start DIR exports it)"; \
  }                                                                                   \
  const std::string variable = *variable##_value

// A fresh key prefix, so that tests running at the same time never see each other's keys.
inline std::string unique_prefix() {
  static std::mt19937_64 random{std::random_device{}()};
  std::ostringstream out;
  out << "volkrin-test:" << std::hex << random() << ":";
  return out.str();
}

// Settings as the server reads them from REDIS_URL (and REDIS_CA_FILE).
inline RedisSettings redis_settings(const std::string& url, const std::string& ca_file = {}) {
  std::map<std::string, std::string> vars{{"REDIS_URL", url}};
  if (!ca_file.empty()) vars["REDIS_CA_FILE"] = ca_file;
  const Config config = load_config([&vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
  RedisSettings settings = *config.redis;
  settings.key_prefix = unique_prefix();
  return settings;
}

// A started client on a private I/O thread; stops everything on destruction.
class RedisHarness {
 public:
  explicit RedisHarness(RedisSettings settings, redis::ClientOptions options = {})
      : client(std::make_shared<redis::RedisClient>(std::move(settings), options)),
        running_(client->start(io_.get_executor())),
        thread_([this] { io_.run(); }) {}
  ~RedisHarness() {
    work_.reset();
    io_.stop();
    thread_.join();
    running_ = redis::RedisClient::Running{};
  }
  RedisHarness(const RedisHarness&) = delete;
  RedisHarness& operator=(const RedisHarness&) = delete;

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};

 public:
  std::shared_ptr<redis::RedisClient> client;

 private:
  redis::RedisClient::Running running_;
  std::thread thread_;
};

// volkrin_backend_errors_total{backend="cache"} as /metrics shows it.
inline std::uint64_t cache_backend_errors() {
  const std::string text = metrics().exposition();
  const std::string series = "volkrin_backend_errors_total{backend=\"cache\"} ";
  const auto at = text.find(series);
  if (at == std::string::npos) return 0;
  return std::stoull(text.substr(at + series.size()));
}

}  // namespace volkrin::test
