// The server's variables: APP_ENV, the listening socket, URLs it is reached by, logging,
// threads, timeouts and trusted proxies.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/ascii.hpp"
#include "support/config/http_url.hpp"
#include "support/config/sections.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

namespace {

std::string parse_host(const std::string& value) {
  std::string_view host = value;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (is_ipv6(host)) return std::string(host);
  } else if (is_ipv4(host) || is_ipv6(host) || is_host_name(host)) {
    return value;
  }
  fail("HOST", "must be an IPv4 address, an IPv6 address or a host name (got " +
                   quote_for_message(value) + ")");
}

std::vector<std::string> parse_cors_origins(const std::string& value) {
  std::vector<std::string> origins;
  std::string_view rest = value;
  while (true) {
    const auto comma = rest.find(',');
    const auto entry = trim(rest.substr(0, comma), " \t");
    if (entry == "*") {
      origins.emplace_back("*");
    } else if (!entry.empty()) {
      auto [url, why] = parse_http_url(entry);
      if (url && !url->path_rest.empty()) why = "must not have a path, query or trailing '/'";
      if (!why.empty()) {
        fail("CORS_ORIGINS", "entry " + quote_for_message(redact_credentials(entry)) + " " + why +
                                 " (expected \"*\" or scheme://host[:port] with http or https)");
      }
      origins.push_back(std::move(url->origin));
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return origins;
}

std::string parse_public_base_url(const std::string& value) {
  auto [url, why] = parse_http_url(value);
  if (url && url->path_rest.find_first_of("?#") != std::string::npos) {
    why = "must not have a query or fragment";
  }
  if (!why.empty()) {
    fail("PUBLIC_BASE_URL", why + " (expected an absolute http or https URL, got " +
                                quote_for_message(redact_credentials(value)) + ")");
  }
  std::string path = std::move(url->path_rest);
  if (!path.empty() && path.back() == '/') path.pop_back();
  return url->origin + path;
}

LogFormat parse_log_format(const std::string& value) {
  if (value == "dev") return LogFormat::dev;
  if (value == "combined") return LogFormat::combined;
  if (value == "json") return LogFormat::json;
  fail("LOG_FORMAT", "must be dev, combined or json (got " + quote_for_message(value) + ")");
}

std::string parse_log_level(const std::string& value) {
  static constexpr std::array<std::string_view, 6> kLevels{"trace", "debug", "info",
                                                           "warn",  "error", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), value) != kLevels.end()) return value;
  fail("LOG_LEVEL",
       "must be trace, debug, info, warn, error or off (got " + quote_for_message(value) + ")");
}

unsigned thread_count(const EnvLookup& env, const char* name) {
  const auto value = get(env, name);
  if (!value) return 0;
  return static_cast<unsigned>(integer_in_range(name, *value, 0, 256));
}

}  // namespace

void read_app_env(const EnvLookup& env, Config& cfg) {
  const auto value = get(env, "APP_ENV");
  if (!value || *value == "development") {
    cfg.app_env = AppEnv::development;
  } else if (*value == "production") {
    cfg.app_env = AppEnv::production;
  } else {
    fail("APP_ENV", "must be development or production (got " + quote_for_message(*value) + ")");
  }
}

void read_listener(const EnvLookup& env, Config& cfg) {
  if (const auto host = get(env, "HOST")) cfg.host = parse_host(*host);
  if (const auto port = get(env, "PORT")) {
    cfg.port = static_cast<std::uint16_t>(integer_in_range("PORT", *port, 0, 65535));
  }
}

void read_public_urls(const EnvLookup& env, Config& cfg) {
  if (const auto origins = get(env, "CORS_ORIGINS")) {
    cfg.cors_origins = parse_cors_origins(*origins);
  }
  if (const auto base = get(env, "PUBLIC_BASE_URL")) {
    cfg.public_base_url = parse_public_base_url(*base);
  }
}

void read_logging(const EnvLookup& env, Config& cfg) {
  if (const auto format = get(env, "LOG_FORMAT")) cfg.log_format = parse_log_format(*format);
  if (const auto level = get(env, "LOG_LEVEL")) cfg.log_level = parse_log_level(*level);
}

void read_threads_and_timeouts(const EnvLookup& env, Config& cfg) {
  cfg.database_connect_timeout =
      seconds_in_range(env, "DATABASE_CONNECT_TIMEOUT", cfg.database_connect_timeout, 0, 3600);
  cfg.io_threads = thread_count(env, "IO_THREADS");
  cfg.worker_threads = thread_count(env, "WORKER_THREADS");
  cfg.keepalive_timeout =
      seconds_in_range(env, "KEEPALIVE_TIMEOUT", cfg.keepalive_timeout, 1, 3600);
  cfg.header_timeout = seconds_in_range(env, "HEADER_TIMEOUT", cfg.header_timeout, 1, 300);
  cfg.shutdown_timeout = seconds_in_range(env, "SHUTDOWN_TIMEOUT", cfg.shutdown_timeout, 0, 3600);
}

void read_trusted_proxies(const EnvLookup& env, Config& cfg) {
  if (const auto proxies = get(env, "TRUST_PROXY")) {
    cfg.trusted_proxies = parse_cidr_list("TRUST_PROXY", *proxies);
  }
}

}  // namespace volkrin::config_detail
