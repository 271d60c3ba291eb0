// RedisCache against real Redis (plain, TLS, AUTH): conformance, certificates, outages.
#include "redis/redis_cache.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/detached.hpp>

#include "cache/cache_conformance.hpp"
#include "redis/redis_services.hpp"
#include "test_support.hpp"

extern char** environ;

namespace volkrin {
namespace {

using namespace std::chrono_literals;
using test::bytes;
using test::run_coroutine;
using test::text_of;

// A conformance backend: a RedisCache with a fresh key prefix on the server `UrlVariable`
// names (with the test CA for TLS). Time passes by sleeping: Redis keeps its own clock.
template <const char* UrlVariable, bool kTls>
struct RedisBackend {
  std::unique_ptr<Cache> open() {
    const auto url = test::env_value(UrlVariable);
    const auto ca = test::env_value("VOLKRIN_TEST_REDIS_CA");
    if (!url || (kTls && !ca)) {
      if (test::services_required()) ADD_FAILURE() << UrlVariable << " is not set";
      return nullptr;
    }
    harness = std::make_unique<test::RedisHarness>(test::redis_settings(*url, kTls ? *ca : ""));
    return std::make_unique<RedisCache>(harness->client);
  }
  void close() { harness.reset(); }
  void advance(std::chrono::seconds by) { std::this_thread::sleep_for(by); }

  std::unique_ptr<test::RedisHarness> harness;
};

constexpr char kPlainUrl[] = "VOLKRIN_TEST_REDIS_URL";
constexpr char kTlsUrl[] = "VOLKRIN_TEST_REDIS_TLS_URL";
using PlainBackend = RedisBackend<kPlainUrl, false>;
using TlsBackend = RedisBackend<kTlsUrl, true>;

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(RedisPlain, CacheConformance,
                               ::testing::Types<volkrin::PlainBackend>);
INSTANTIATE_TYPED_TEST_SUITE_P(RedisTls, CacheConformance, ::testing::Types<volkrin::TlsBackend>);

namespace volkrin {
namespace {

// The message ping() throws, or "" when Redis answered.
std::string ping_error(Cache& cache) {
  try {
    run_coroutine(cache.ping());
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

// A TCP port nothing listens on (bound once by us, then released).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A socket that listens but never accepts: connects succeed (the kernel's backlog), and
// nothing ever answers, like a Redis that hangs.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(RedisCache, tls_with_only_the_system_cas_is_refused) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_TLS_URL");
  test::RedisHarness harness(test::redis_settings(url));
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  run_coroutine(cache.set("k", bytes("v"), 60s));
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  EXPECT_GE(test::cache_backend_errors(), errors + 2);
  EXPECT_NE(ping_error(cache).find("certificate verify failed"), std::string::npos)
      << ping_error(cache);
}

TEST(RedisCache, tls_with_another_ca_is_refused) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_TLS_URL");
  VOLKRIN_REDIS_ENV(other_ca, "VOLKRIN_TEST_REDIS_OTHER_CA");
  test::RedisHarness harness(test::redis_settings(url, other_ca));
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  EXPECT_EQ(test::cache_backend_errors(), errors + 1);
  EXPECT_NE(ping_error(cache).find("certificate verify failed"), std::string::npos);
}

TEST(RedisCache, tls_checks_the_host_name_against_the_certificate) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_TLS_URL");
  VOLKRIN_REDIS_ENV(ca, "VOLKRIN_TEST_REDIS_CA");
  const auto port = url.substr(url.rfind(':') + 1);
  {
    // The certificate names 127.0.0.1 too.
    test::RedisHarness harness(test::redis_settings("rediss://127.0.0.1:" + port, ca));
    RedisCache cache(harness.client);
    EXPECT_EQ(ping_error(cache), "");
  }
  // The test server also listens on 127.0.0.2, which the certificate does not name.
  test::RedisHarness harness(test::redis_settings("rediss://127.0.0.2:" + port, ca));
  RedisCache cache(harness.client);
  const std::string error = ping_error(cache);
  if (error.find("refused") != std::string::npos) GTEST_SKIP() << "127.0.0.2 unreachable here";
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
}

TEST(RedisCache, unreadable_ca_file_is_a_config_error) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_TLS_URL");
  RedisSettings settings = test::redis_settings(url, "/nonexistent/ca.crt");
  try {
    redis::RedisClient client(settings);
    ADD_FAILURE() << "an unreadable CA file was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("REDIS_CA_FILE: ", 0), 0u) << e.what();
  }
}

TEST(RedisCache, auth_with_user_and_password_from_the_url) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_AUTH_URL");
  test::RedisHarness harness(test::redis_settings(url));
  RedisCache cache(harness.client);
  run_coroutine(cache.set("k", bytes("authorised"), 60s));
  EXPECT_EQ(text_of(run_coroutine(cache.get("k"))), "authorised");
}

TEST(RedisCache, auth_with_a_wrong_password_fails_cleanly_and_never_shows_it) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_AUTH_URL");
  RedisSettings settings = test::redis_settings(url);
  settings.password = "wrong-password-4711";
  test::RedisHarness harness(settings);
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  run_coroutine(cache.set("k", bytes("v"), 60s));
  EXPECT_GE(test::cache_backend_errors(), errors + 2);
  const std::string error = ping_error(cache);
  EXPECT_NE(error.find("AUTH"), std::string::npos) << error;
  EXPECT_NE(error.find("WRONGPASS"), std::string::npos) << error;
  EXPECT_EQ(error.find("wrong-password-4711"), std::string::npos) << error;
}

TEST(RedisCache, no_password_on_a_server_that_wants_one_reads_as_misses) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_AUTH_URL");
  RedisSettings settings = test::redis_settings(url);
  settings.username.clear();
  settings.password.clear();
  test::RedisHarness harness(settings);
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  EXPECT_EQ(test::cache_backend_errors(), errors + 1);
  EXPECT_NE(ping_error(cache), "");
}

TEST(RedisCache, the_database_from_the_url_path_is_selected) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  RedisSettings in_db3 = test::redis_settings(url + "/3");
  ASSERT_EQ(in_db3.db, 3u);
  RedisSettings in_db0 = in_db3;
  in_db0.db = 0;
  test::RedisHarness three(in_db3);
  test::RedisHarness zero(in_db0);
  RedisCache cache3(three.client);
  RedisCache cache0(zero.client);
  run_coroutine(cache3.set("k", bytes("in three"), 60s));
  EXPECT_EQ(text_of(run_coroutine(cache3.get("k"))), "in three");
  EXPECT_EQ(run_coroutine(cache0.get("k")), nullptr);
  run_coroutine(cache3.remove("k"));
}

TEST(RedisCache, every_instance_sees_an_invalidation_at_once) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings shared = test::redis_settings(url);
  test::RedisHarness first_process(shared);
  test::RedisHarness second_process(shared);
  RedisCache first(first_process.client);
  RedisCache second(second_process.client);
  run_coroutine(first.set("tracks:all", bytes("\"etag\"\n[]"), 300s));
  EXPECT_EQ(text_of(run_coroutine(second.get("tracks:all"))), "\"etag\"\n[]");
  run_coroutine(second.remove("tracks:all"));
  EXPECT_EQ(run_coroutine(first.get("tracks:all")), nullptr);
}

TEST(RedisCache, a_fill_loses_to_a_removal_by_another_instance) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const RedisSettings shared = test::redis_settings(url);
  test::RedisHarness first_process(shared);
  test::RedisHarness second_process(shared);
  RedisCache first(first_process.client);
  RedisCache second(second_process.client);
  // The first reads the database while the second invalidates (after an upload there).
  const auto stamp = run_coroutine(first.removal_stamp("tracks:all"));
  ASSERT_TRUE(stamp.has_value());
  run_coroutine(second.remove("tracks:all"));
  run_coroutine(first.set_unless_removed("tracks:all", bytes("\"old\"\n[]"), 300s, *stamp));
  EXPECT_EQ(run_coroutine(second.get("tracks:all")), nullptr);
  EXPECT_EQ(run_coroutine(first.get("tracks:all")), nullptr);

  const auto fresh = run_coroutine(second.removal_stamp("tracks:all"));
  ASSERT_TRUE(fresh.has_value());
  EXPECT_NE(*fresh, *stamp);
  run_coroutine(second.set_unless_removed("tracks:all", bytes("\"new\"\n[1]"), 300s, *fresh));
  EXPECT_EQ(text_of(run_coroutine(first.get("tracks:all"))), "\"new\"\n[1]");
}

TEST(RedisCache, large_values_round_trip) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_TLS_URL");
  VOLKRIN_REDIS_ENV(ca, "VOLKRIN_TEST_REDIS_CA");
  redis::ClientOptions options;  // a slow machine (or valgrind) must not time out here
  options.connection.command_timeout = 20s;
  test::RedisHarness harness(test::redis_settings(url, ca), options);
  RedisCache cache(harness.client);
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
  run_coroutine(cache.set("big", bytes(big), 60s));
  const auto back = run_coroutine(cache.get("big"));
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->size(), big.size());
  EXPECT_TRUE(*back == big) << "the bytes differ";
}

TEST(RedisCache, many_calls_in_flight_on_one_connection_get_their_own_replies) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  redis::ClientOptions options;
  options.pool_size = 1;
  test::RedisHarness harness(test::redis_settings(url), options);
  RedisCache cache(harness.client);
  boost::asio::io_context io;
  int wrong = 0;
  for (int i = 0; i < 200; ++i) {
    boost::asio::co_spawn(
        io,
        [&cache, &wrong, i]() -> boost::asio::awaitable<void> {
          const std::string key = "k" + std::to_string(i);
          co_await cache.set(key, bytes("value " + std::to_string(i)), 60s);
          if (test::text_of(co_await cache.get(key)) != "value " + std::to_string(i)) ++wrong;
        },
        boost::asio::detached);
  }
  io.run();
  EXPECT_EQ(wrong, 0);
}

TEST(RedisCache, redis_down_reads_as_misses_quickly_and_counts_each_failure) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");  // only to run where the services are
  test::RedisHarness harness(
      test::redis_settings("redis://127.0.0.1:" + std::to_string(free_port())));
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  EXPECT_LT(seconds_since(started), 1.0);
  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
    run_coroutine(cache.set("k", bytes("v"), 60s));
    run_coroutine(cache.remove("k"));
  }
  EXPECT_LT(seconds_since(started), 1.0) << "calls must fail fast while Redis is down";
  EXPECT_EQ(test::cache_backend_errors(), errors + 61);
  EXPECT_EQ(run_coroutine(cache.removal_stamp("k")), std::nullopt) << "no stamp, so no fill";
  run_coroutine(cache.set_unless_removed("k", bytes("v"), 60s, ""));
  EXPECT_EQ(test::cache_backend_errors(), errors + 63);
  EXPECT_NE(ping_error(cache).find("refused"), std::string::npos) << ping_error(cache);
}

// Collects what the default logger writes while it lives.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::size_t count(std::string_view text) const {
    const auto lines = sink_->last_formatted();
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(),
                      [text](const auto& line) { return line.find(text) != std::string::npos; }));
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST(RedisCache, redis_down_is_logged_once_not_per_request) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  const LogCapture log;
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  test::RedisHarness harness(test::redis_settings("redis://" + address));
  RedisCache cache(harness.client);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  EXPECT_EQ(log.count("Redis at " + address), 1u);
}

TEST(RedisCache, a_redis_that_does_not_answer_times_out_after_the_command_timeout) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  SilentServer silent;
  test::RedisHarness harness(
      test::redis_settings("redis://127.0.0.1:" + std::to_string(silent.port())));
  RedisCache cache(harness.client);
  const auto errors = test::cache_backend_errors();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(run_coroutine(cache.get("k")), nullptr);
  const double took = seconds_since(started);
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 1.5);
  EXPECT_EQ(test::cache_backend_errors(), errors + 1);
}

// A redis-server of the test's own, which it can kill and start again on the same port.
class PrivateRedis {
 public:
  PrivateRedis() : port_(free_port()) {}
  ~PrivateRedis() { kill(); }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  bool start() {
    const std::string port = std::to_string(port_);
    const std::string dir = dir_.path().string();
    std::vector<std::string> args{
        "redis-server", "--port", port,    "--bind", "127.0.0.1", "--save",    "",
        "--appendonly", "no",     "--dir", dir,      "--logfile", dir + "/log"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  test::TempDir dir_;
  pid_t pid_ = -1;
};

// Polls until the cache stores and reads back a value, for at most `limit`.
bool cache_works_within(Cache& cache, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    run_coroutine(cache.set("probe", bytes("ok"), 60s));
    if (text_of(run_coroutine(cache.get("probe"))) == "ok") return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(RedisCache, resumes_by_itself_when_redis_comes_back) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  PrivateRedis server;
  ASSERT_TRUE(server.start());
  redis::ClientOptions options;
  options.warning_interval = 0s;  // every failure warns, so the recovery is logged too
  test::RedisHarness harness(
      test::redis_settings("redis://127.0.0.1:" + std::to_string(server.port())), options);
  RedisCache cache(harness.client);
  ASSERT_TRUE(cache_works_within(cache, 5s)) << "the private redis-server did not start";

  server.kill();
  const auto errors = test::cache_backend_errors();
  EXPECT_EQ(run_coroutine(cache.get("probe")), nullptr);
  EXPECT_EQ(run_coroutine(cache.get("probe")), nullptr);
  EXPECT_GE(test::cache_backend_errors(), errors + 2);

  const LogCapture log;
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(cache_works_within(cache, 5s)) << "the cache did not come back";
  EXPECT_EQ(ping_error(cache), "");
  EXPECT_EQ(log.count("answers again"), 1u);
}

TEST(RedisCache, a_removal_redis_missed_is_delivered_when_it_answers_again) {
  VOLKRIN_REDIS_ENV(url, "VOLKRIN_TEST_REDIS_URL");
  PrivateRedis server;
  ASSERT_TRUE(server.start());
  const RedisSettings settings =
      test::redis_settings("redis://127.0.0.1:" + std::to_string(server.port()));
  test::RedisHarness first_process(settings);
  test::RedisHarness second_process(settings);
  RedisCache first(first_process.client);
  RedisCache second(second_process.client);
  ASSERT_TRUE(cache_works_within(first, 5s)) << "the private redis-server did not start";
  ASSERT_TRUE(cache_works_within(second, 5s));

  server.kill();
  run_coroutine(first.remove("tracks:all"));  // an upload's invalidation, which Redis never gets
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(cache_works_within(second, 5s));
  // Meanwhile another instance holds the list that invalidation was meant for.
  run_coroutine(second.set("tracks:all", bytes("\"stale\"\n[]"), 300s));
  ASSERT_NE(run_coroutine(second.get("tracks:all")), nullptr);

  // The first instance's next calls deliver the removal before anything else.
  ASSERT_TRUE(cache_works_within(first, 5s));
  EXPECT_EQ(run_coroutine(second.get("tracks:all")), nullptr);
}

}  // namespace
}  // namespace volkrin
