// Reads the configuration variables through an EnvLookup and validates them into a Config.
#include "support/config.hpp"

#include <cerrno>
#include <fstream>
#include <iterator>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "support/ascii.hpp"
#include "support/config_detail.hpp"
#include "support/log.hpp"
#include "support/percent_decode.hpp"
#include "support/postgres_url.hpp"

namespace volkrin {

namespace config_detail {

std::string quote_for_message(std::string_view value, std::size_t limit) {
  bool cut = false;
  if (value.size() > limit) {
    std::size_t end = limit;
    // Never split a multi-byte UTF-8 sequence: back off over continuation bytes.
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0U) == 0x80U) --end;
    value = value.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  append_json_escaped(out, value);
  out += '"';
  if (cut) out += "...";
  return out;
}

std::string errno_text(int error) {
  return std::generic_category().message(error);
}

}  // namespace config_detail

namespace {

using config_detail::quote_for_message;

constexpr std::uint64_t kSecondsPerDay = 24ULL * 60 * 60;
constexpr std::uint64_t kMaxUploadBytes = 64ULL << 30;
constexpr std::size_t kRecommendedSecretBytes = 32;

[[noreturn]] void fail(std::string_view name, std::string_view what) {
  std::string message(name);
  message += ": ";
  message += what;
  throw ConfigError(message);
}

// Empty values count as unset, whatever the lookup does with them. (NAME_FILE values are
// resolved by the lookup itself: see make_env_lookup.)
std::optional<std::string> get(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Decimal digits only: no sign, no whitespace, no trailing junk, no overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || !is_digit(text.front())) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::uint64_t integer_in_range(std::string_view name, const std::string& text, std::uint64_t min,
                               std::uint64_t max) {
  const auto value = parse_decimal(text);
  if (!value || *value < min || *value > max) {
    fail(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max) +
                   " (got " + quote_for_message(text) + ")");
  }
  return *value;
}

bool is_ipv4(std::string_view text) {
  const std::string copy(text);
  in_addr address{};
  return inet_pton(AF_INET, copy.c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
  const std::string copy(text);
  in6_addr address{};
  return inet_pton(AF_INET6, copy.c_str(), &address) == 1;
}

// RFC 1123 host name (letters, digits, '-', plus '_' as container service names use it),
// labels of 1..63 characters, at most 253 in all, one trailing '.' allowed. A name whose
// last label is all digits would be a malformed IPv4 address, so it is refused.
bool is_host_name(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  std::string_view last_label;
  while (true) {
    const auto dot = text.find('.');
    const auto label = text.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') return false;
    }
    last_label = label;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return !std::all_of(last_label.begin(), last_label.end(), is_digit);
}

// Hides "user:password@" in anything that looks like a URL before it is echoed back.
std::string redact_credentials(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    // No scheme: anything up to an '@' may still be a credential.
    const auto at = text.rfind('@');
    if (at == std::string_view::npos) return std::string(text);
    return "***" + std::string(text.substr(at));
  }
  const auto authority_start = scheme_end + 3;
  const auto authority_end = text.find_first_of("/?#", authority_start);
  const auto authority = text.substr(authority_start, authority_end == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : authority_end - authority_start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, authority_start)) + "***" +
         std::string(text.substr(authority_start + at));
}

struct HttpUrl {
  std::string origin;     // lower-case scheme://host[:port], default port dropped
  std::string path_rest;  // everything after the authority, as written
};

// Parses "http(s)://host[:port]..." and returns the origin and the rest, or an explanation.
std::pair<std::optional<HttpUrl>, std::string> parse_http_url(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20U || byte == 0x7FU) {
      return {std::nullopt, "must not contain spaces or control characters"};
    }
  }
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return {std::nullopt, "must start with http:// or https://"};
  }
  const std::string scheme = ascii_lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return {std::nullopt, "must start with http:// or https://"};
  }
  const auto after = text.substr(scheme_end + 3);
  const auto authority_end = after.find_first_of("/?#");
  const auto authority = after.substr(0, authority_end);
  const auto rest =
      authority_end == std::string_view::npos ? std::string_view{} : after.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return {std::nullopt, "must not contain a user name or password"};
  }

  std::string host;
  std::string_view port_part;
  bool bracketed = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || !is_ipv6(authority.substr(1, close - 1))) {
      return {std::nullopt, "has an invalid IPv6 address"};
    }
    host = ascii_lower(authority.substr(1, close - 1));
    bracketed = true;
    const auto tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return {std::nullopt, "has an invalid host"};
      port_part = tail.substr(1);
      if (port_part.empty()) return {std::nullopt, "has an empty port"};
    }
  } else {
    const auto colon = authority.find(':');
    const auto name = authority.substr(0, colon);
    if (name.empty() || (!is_ipv4(name) && !is_host_name(name))) {
      return {std::nullopt, "has an invalid host"};
    }
    host = ascii_lower(name);
    if (colon != std::string_view::npos) {
      port_part = authority.substr(colon + 1);
      if (port_part.empty()) return {std::nullopt, "has an empty port"};
    }
  }

  std::string port_suffix;
  if (!port_part.empty()) {
    const std::optional<std::uint64_t> port = parse_decimal(port_part);
    if (!port || *port < 1 || *port > 65535) {
      return {std::nullopt, "has an invalid port (expected 1..65535)"};
    }
    // Browsers leave the default port out of Origin; so does the normal form.
    const bool default_port = (scheme == "http" && *port == 80) || (scheme == "https" && *port == 443);
    if (!default_port) port_suffix = ":" + std::to_string(*port);
  }

  HttpUrl url;
  url.origin = scheme + "://" + (bracketed ? "[" + host + "]" : host) + port_suffix;
  url.path_rest = std::string(rest);
  return {std::move(url), std::string{}};
}

void reject_unsupported_backends(const EnvLookup& env) {
  if (get(env, "MONGO_URI")) {
    fail("MONGO_URI",
         "this server has no MongoDB store; set DATABASE_URL (or leave it unset for the "
         "embedded SQLite store) and import a mongoexport dump of the original's users and "
         "tracks collections with \"volkrin import-mongo --users users.json --tracks "
         "tracks.json\"");
  }
}

// A Redis server's host: IPv4, IPv6 (brackets optional) or a host name. Empty when invalid.
std::string redis_host(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
    return is_ipv6(text) ? ascii_lower(text) : std::string();
  }
  if (is_ipv4(text) || is_ipv6(text) || is_host_name(text)) return ascii_lower(text);
  return {};
}

// The value is echoed with everything before its last '@' (after the scheme) replaced by
// "***": a password written without %-escapes may hold '/' or '?'.
[[noreturn]] void fail_redis_url(const char* name, const std::string& value, std::string_view why) {
  const auto scheme_end = value.find("://");
  const auto start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto at = value.rfind('@');
  const std::string shown = at == std::string::npos || at < start
                                ? value
                                : value.substr(0, start) + "***" + value.substr(at);
  fail(name, std::string(why) +
                 " (expected redis://[user:password@]host[:port][/db] or rediss://... for TLS, "
                 "got " +
                 quote_for_message(shown) + ")");
}

// redis://[[user]:password@]host[:port][/db] or rediss://...
RedisSettings parse_redis_url(const char* name, const std::string& value) {
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20U || byte == 0x7FU)
      fail_redis_url(name, value, "must not contain spaces or control characters");
  }
  const auto scheme_end = value.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? std::string() : ascii_lower(value.substr(0, scheme_end));
  if (scheme != "redis" && scheme != "rediss")
    fail_redis_url(name, value, "must start with redis:// or rediss://");

  RedisSettings settings;
  settings.source = name;
  settings.tls = scheme == "rediss";
  std::string_view after = std::string_view(value).substr(scheme_end + 3);
  // Credentials end at the last '@': a password pasted without %-escapes may hold '/', '?'
  // or '#', and nothing after the host may hold an '@'.
  std::string_view userinfo;
  const auto at = after.rfind('@');
  if (at != std::string_view::npos) {
    userinfo = after.substr(0, at);
    after.remove_prefix(at + 1);
  }
  const auto authority_end = after.find_first_of("/?#");
  const std::string_view authority = after.substr(0, authority_end);
  const std::string_view rest =
      authority_end == std::string_view::npos ? std::string_view{} : after.substr(authority_end);

  if (at != std::string_view::npos) {
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      fail_redis_url(name, value, "needs user:password or :password before '@'");
    }
    auto user = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) {
      fail_redis_url(name, value, "has an invalid %-escape in its credentials (write % as %25)");
    }
    if (password->empty()) fail_redis_url(name, value, "has an empty password");
    settings.username = std::move(*user);
    settings.password = std::move(*password);
  }

  std::string_view host_part = authority;
  std::string_view port_part;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) fail_redis_url(name, value, "has an invalid IPv6 address");
    host_part = authority.substr(0, close + 1);
    const auto tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') fail_redis_url(name, value, "has an invalid host");
      port_part = tail.substr(1);
      has_port = true;
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host_part = authority.substr(0, colon);
    port_part = authority.substr(colon + 1);
    has_port = true;
  }
  if (!host_part.empty() && host_part.front() != '[' && is_ipv6(host_part)) {
    fail_redis_url(name, value, "needs brackets around an IPv6 address");
  }
  settings.host = redis_host(host_part);
  if (settings.host.empty()) fail_redis_url(name, value, "has an invalid or missing host");
  if (has_port) {
    const auto port = parse_decimal(port_part);
    if (!port || *port < 1 || *port > 65535)
      fail_redis_url(name, value, "has an invalid port (expected 1..65535)");
    settings.port = static_cast<std::uint16_t>(*port);
  }

  if (rest.find_first_of("?#") != std::string_view::npos) {
    fail_redis_url(name, value, "query parameters and fragments are not supported");
  }
  if (!rest.empty() && rest != "/") {
    const auto db = parse_decimal(rest.substr(1));
    if (!db || *db > 1'000'000)
      fail_redis_url(name, value, "has an invalid database number in its path");
    settings.db = static_cast<unsigned>(*db);
  }
  return settings;
}

std::optional<RedisSettings> parse_redis(const EnvLookup& env, std::vector<std::string>& warnings) {
  // In order of precedence.
  static constexpr std::array<const char*, 3> kSources{"REDIS_URL", "UPSTASH_REDIS_URL",
                                                       "REDIS_HOST"};
  std::optional<RedisSettings> settings;
  for (const char* name : kSources) {
    const auto value = get(env, name);
    if (!value) continue;
    if (settings) {
      warnings.push_back(std::string(name) + " is ignored because " + settings->source + " is set");
      continue;
    }
    if (std::string_view(name) != "REDIS_HOST") {
      settings = parse_redis_url(name, *value);
      continue;
    }
    RedisSettings plain;
    plain.source = name;
    plain.host = redis_host(*value);
    if (plain.host.empty()) {
      fail(name, "must be an IPv4 address, an IPv6 address or a host name (got " +
                     quote_for_message(redact_credentials(*value)) + ")");
    }
    if (const auto port = get(env, "REDIS_PORT")) {
      plain.port = static_cast<std::uint16_t>(integer_in_range("REDIS_PORT", *port, 1, 65535));
    }
    settings = std::move(plain);
  }
  if (get(env, "REDIS_PORT") && (!settings || settings->source != "REDIS_HOST")) {
    warnings.emplace_back("REDIS_PORT is ignored: it only goes with REDIS_HOST");
  }
  if (const auto ca = get(env, "REDIS_CA_FILE")) {
    if (settings && settings->tls) {
      settings->ca_file = *ca;
    } else {
      warnings.emplace_back("REDIS_CA_FILE is ignored: no rediss:// (TLS) Redis URL is set");
    }
  }
  if (const auto prefix = get(env, "REDIS_KEY_PREFIX")) {
    const bool printable = std::all_of(prefix->begin(), prefix->end(), [](char c) {
      return static_cast<unsigned char>(c) > 0x20U && static_cast<unsigned char>(c) < 0x7FU;
    });
    if (!printable || prefix->size() > 64) {
      fail("REDIS_KEY_PREFIX",
           "must be at most 64 printable ASCII characters without spaces (got " +
               quote_for_message(*prefix) + ")");
    }
    if (settings) settings->key_prefix = *prefix;
  }
  return settings;
}

// "N/WINDOW": N requests per window, the window a number of seconds or a number followed
// by s, m or h (a unit alone means one of it), e.g. "20/5m", "100/h"; or "off".
[[noreturn]] void fail_rate_rule(const char* name, const std::string& value) {
  fail(name,
       "must be N/WINDOW with N from 1 to 1000000 and a window from 1s to 24h such as 20/5m "
       "(units s, m, h), or off (got " +
           quote_for_message(value) + ")");
}

std::optional<RateRule> parse_rate_rule(const char* name, const std::string& value) {
  if (value == "off") return std::nullopt;
  const auto slash = value.find('/');
  if (slash == std::string::npos) fail_rate_rule(name, value);
  const auto count = parse_decimal(std::string_view(value).substr(0, slash));
  std::string_view window = std::string_view(value).substr(slash + 1);
  std::uint64_t unit = 1;
  if (!window.empty() && is_alpha(window.back())) {
    switch (window.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      default:
        fail_rate_rule(name, value);
    }
    window.remove_suffix(1);
  }
  const auto amount =
      window.empty() && unit != 1 ? std::optional<std::uint64_t>(1) : parse_decimal(window);
  if (!count || *count < 1 || *count > 1'000'000 || !amount || *amount < 1 ||
      *amount > kSecondsPerDay / unit) {
    fail_rate_rule(name, value);
  }
  return RateRule{static_cast<unsigned>(*count),
                  std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*amount * unit))};
}

AppEnv parse_app_env(const EnvLookup& env) {
  const auto value = get(env, "APP_ENV");
  if (!value || *value == "development") return AppEnv::development;
  if (*value == "production") return AppEnv::production;
  fail("APP_ENV", "must be development or production (got " + quote_for_message(*value) + ")");
}

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

// DATABASE_URL is echoed only by scheme: the rest may carry a password.
std::filesystem::path parse_database_url(const std::string& url) {
  constexpr std::string_view kExpected =
      "expected sqlite:///absolute/path.db or sqlite://relative/path.db";
  const auto colon = url.find(':');
  const std::string_view raw_scheme =
      std::string_view(url).substr(0, colon == std::string::npos ? 0 : colon);
  const bool scheme_ok = !raw_scheme.empty() && is_alpha(raw_scheme.front()) &&
                         std::all_of(raw_scheme.begin(), raw_scheme.end(), [](char c) {
                           return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
                         });
  if (!scheme_ok) fail("DATABASE_URL", std::string("not a URL; ") + std::string(kExpected));

  const std::string scheme = ascii_lower(raw_scheme);
  if (scheme == "postgres" || scheme == "postgresql") {
    fail("DATABASE_URL", "expected postgres://user:password@host:5432/db (or postgresql://)");
  }
  if (scheme != "sqlite") {
    fail("DATABASE_URL",
         "unsupported scheme " + quote_for_message(scheme) + "; " + std::string(kExpected));
  }
  const std::string_view rest = std::string_view(url).substr(colon + 1);
  if (rest == ":memory:" || rest == "//:memory:") {
    fail("DATABASE_URL",
         "an in-memory SQLite database would lose all data on restart; " + std::string(kExpected));
  }
  if (rest.substr(0, 2) != "//") fail("DATABASE_URL", kExpected);
  const std::string_view path = rest.substr(2);
  if (path.empty() || path == "/") {
    fail("DATABASE_URL", "needs a file path; " + std::string(kExpected));
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    fail("DATABASE_URL",
         "query parameters and fragments are not supported; " + std::string(kExpected));
  }
  if (path.back() == '/') fail("DATABASE_URL", "must name a file, not a directory");
  return std::filesystem::path(path);
}

// libpq checks the URL; its complaint is echoed with the password hidden.
std::string parse_postgres_url(const std::string& url) {
  if (const auto problem = postgres_url_problem(url)) {
    fail("DATABASE_URL", "not a valid PostgreSQL URL: " + *problem);
  }
  return url;
}

std::chrono::seconds parse_jwt_lifetime(const std::string& value) {
  std::string_view number = value;
  std::uint64_t unit = 1;
  bool unit_ok = true;
  if (!number.empty() && is_alpha(number.back())) {
    switch (number.back()) {
      case 's':
      case 'S':
        unit = 1;
        break;
      case 'm':
      case 'M':
        unit = 60;
        break;
      case 'h':
      case 'H':
        unit = 3600;
        break;
      case 'd':
      case 'D':
        unit = kSecondsPerDay;
        break;
      default:
        unit_ok = false;
    }
    number.remove_suffix(1);
  }
  constexpr std::uint64_t kMax = 365 * kSecondsPerDay;
  const auto count = parse_decimal(number);
  if (!unit_ok || !count || *count == 0 || *count > kMax / unit) {
    fail("JWT_EXPIRES_IN",
         "must be a number of seconds, or a number followed by s, m, h or d, between 1s and "
         "365d (got " +
             quote_for_message(value) + ")");
  }
  return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*count * unit));
}

HashCost parse_hash_cost(const std::string& value, AppEnv app_env) {
  HashCost cost{};
  if (value == "min") {
    cost = HashCost::min;
  } else if (value == "interactive") {
    cost = HashCost::interactive;
  } else if (value == "moderate") {
    cost = HashCost::moderate;
  } else if (value == "sensitive") {
    cost = HashCost::sensitive;
  } else {
    fail("PASSWORD_HASH_COST",
         "must be min, interactive, moderate or sensitive (got " + quote_for_message(value) + ")");
  }
  if (cost == HashCost::min && app_env == AppEnv::production) {
    fail("PASSWORD_HASH_COST", "min is for tests only and is refused when APP_ENV=production");
  }
  return cost;
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

// Bytes, or a number with K, M, G (KiB, MiB, GiB; any case) meaning powers of 1024.
std::uint64_t parse_size(const char* name, const std::string& value) {
  const auto split = static_cast<std::size_t>(
      std::find_if_not(value.begin(), value.end(), is_digit) - value.begin());
  const std::string_view number = std::string_view(value).substr(0, split);
  const std::string suffix = ascii_lower(std::string_view(value).substr(split));
  std::uint64_t unit = 0;
  if (suffix.empty()) {
    unit = 1;
  } else if (suffix == "k" || suffix == "kib") {
    unit = 1ULL << 10;
  } else if (suffix == "m" || suffix == "mib") {
    unit = 1ULL << 20;
  } else if (suffix == "g" || suffix == "gib") {
    unit = 1ULL << 30;
  }
  const auto count = parse_decimal(number);
  if (unit == 0 || !count || *count == 0 || *count > kMaxUploadBytes / unit) {
    fail(name,
         "must be a size in bytes, optionally followed by K, M or G (KiB, MiB, GiB), between 1 "
         "byte and 64G (got " +
             quote_for_message(value) + ")");
  }
  return *count * unit;
}

std::chrono::seconds seconds_in_range(const EnvLookup& env, const char* name,
                                      std::chrono::seconds fallback, std::uint64_t min,
                                      std::uint64_t max) {
  const auto value = get(env, name);
  if (!value) return fallback;
  return std::chrono::seconds(
      static_cast<std::chrono::seconds::rep>(integer_in_range(name, *value, min, max)));
}

unsigned thread_count(const EnvLookup& env, const char* name) {
  const auto value = get(env, name);
  if (!value) return 0;
  return static_cast<unsigned>(integer_in_range(name, *value, 0, 256));
}

// "10.0.0.0/8, 127.0.0.1, ::1" → ranges; names the variable on a bad entry.
std::vector<Cidr> parse_cidr_list(const char* name, std::string_view text) {
  std::vector<Cidr> ranges;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma), " \t");
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) continue;
    auto range = parse_cidr(entry);
    if (!range) {
      fail(name, "expected a comma list of addresses or CIDR ranges (got " +
                     quote_for_message(entry, 64) + ")");
    }
    ranges.push_back(*range);
  }
  return ranges;
}

// AWS's rules for bucket names: 3..63 of a-z 0-9 . -, a letter or digit at both ends, no
// "..", and not an IPv4 address.
bool is_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  const auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); };
  if (!lower_or_digit(name.front()) || !lower_or_digit(name.back())) return false;
  if (name.find("..") != std::string_view::npos || is_ipv4(name)) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '-'; });
}

bool is_region_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
  });
}

// Printable ASCII without spaces: what access keys and secrets are made of.
bool is_key_text(std::string_view text) {
  return !text.empty() && text.size() <= 256 && std::all_of(text.begin(), text.end(), [](char c) {
    return c > ' ' && c < 0x7F;
  });
}

bool parse_flag(const char* name, const std::string& value) {
  const std::string lowered = ascii_lower(value);
  if (lowered == "1" || lowered == "true" || lowered == "yes") return true;
  if (lowered == "0" || lowered == "false" || lowered == "no") return false;
  fail(name, "must be true or false (got " + quote_for_message(value) + ")");
}

std::optional<S3Settings> parse_s3(const EnvLookup& env) {
  const auto bucket = get(env, "S3_BUCKET");
  if (!bucket) {
    for (const char* name : {"S3_ENDPOINT", "S3_FORCE_PATH_STYLE"}) {
      if (get(env, name)) fail(name, "has no effect without S3_BUCKET; set both or neither");
    }
    return std::nullopt;
  }
  S3Settings s3;
  if (!is_bucket_name(*bucket)) {
    fail("S3_BUCKET",
         "must be an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting "
         "and ending with a letter or digit (got " +
             quote_for_message(*bucket) + ")");
  }
  s3.bucket = *bucket;
  if (const auto region = get(env, "AWS_REGION")) {
    if (!is_region_name(*region)) {
      fail("AWS_REGION", "must be a region name such as us-east-1 (got " +
                             quote_for_message(*region) + ")");
    }
    s3.region = *region;
  }
  auto key_id = get(env, "AWS_ACCESS_KEY_ID");
  if (!key_id) fail("AWS_ACCESS_KEY_ID", "required when S3_BUCKET is set");
  if (!is_key_text(*key_id)) {
    fail("AWS_ACCESS_KEY_ID", "must be printable ASCII without spaces, at most 256 characters");
  }
  s3.access_key_id = std::move(*key_id);
  auto secret = get(env, "AWS_SECRET_ACCESS_KEY");
  if (!secret) fail("AWS_SECRET_ACCESS_KEY", "required when S3_BUCKET is set");
  if (!is_key_text(*secret)) {
    fail("AWS_SECRET_ACCESS_KEY",
         "must be printable ASCII without spaces, at most 256 characters");
  }
  s3.secret_access_key = std::move(*secret);
  if (const auto endpoint = get(env, "S3_ENDPOINT")) {
    auto [url, why] = parse_http_url(*endpoint);
    if (url && !url->path_rest.empty() && url->path_rest != "/") {
      why = "must not have a path, query or fragment";
    }
    if (!why.empty()) {
      fail("S3_ENDPOINT", why + " (expected http(s)://host[:port], got " +
                              quote_for_message(redact_credentials(*endpoint)) + ")");
    }
    s3.endpoint = std::move(url->origin);
  }
  if (const auto path_style = get(env, "S3_FORCE_PATH_STYLE")) {
    s3.force_path_style = parse_flag("S3_FORCE_PATH_STYLE", *path_style);
  }
  return s3;
}

}  // namespace

Config load_config(const EnvLookup& env) {
  // Settings from the original deployment that this build cannot honour come first, so that
  // a copied .env explains itself before any finer complaint.
  reject_unsupported_backends(env);

  Config cfg;
  cfg.app_env = parse_app_env(env);

  if (const auto host = get(env, "HOST")) cfg.host = parse_host(*host);
  if (const auto port = get(env, "PORT")) {
    cfg.port = static_cast<std::uint16_t>(integer_in_range("PORT", *port, 0, 65535));
  }

  if (const auto dir = get(env, "DATA_DIR")) cfg.data_dir = *dir;
  if (const auto url = get(env, "DATABASE_URL"); url && is_postgres_url(*url)) {
    cfg.postgres_url = parse_postgres_url(*url);
  } else if (url) {
    cfg.sqlite_path = parse_database_url(*url);
  } else {
    cfg.sqlite_path = cfg.data_dir / "volkrin.db";
  }

  if (auto secret = get(env, "JWT_SECRET")) {
    if (secret->size() < kRecommendedSecretBytes) {
      // User ids are public, so whoever guesses a weak key can sign an admin's token.
      if (cfg.app_env == AppEnv::production) {
        fail("JWT_SECRET", "must be at least 32 bytes when APP_ENV=production (got " +
                               std::to_string(secret->size()) +
                               "); make one with `openssl rand -hex 32`");
      }
      cfg.warnings.emplace_back("JWT_SECRET is shorter than 32 bytes; use a longer random secret");
    }
    cfg.jwt_secret = std::move(*secret);
  } else if (cfg.app_env == AppEnv::production) {
    fail("JWT_SECRET", "required when APP_ENV=production");
  }
  if (const auto lifetime = get(env, "JWT_EXPIRES_IN")) {
    cfg.jwt_lifetime = parse_jwt_lifetime(*lifetime);
  }
  cfg.admin_secret = get(env, "ADMIN_SECRET");
  if (const auto cost = get(env, "PASSWORD_HASH_COST")) {
    cfg.password_cost = parse_hash_cost(*cost, cfg.app_env);
  }

  if (const auto origins = get(env, "CORS_ORIGINS"))
    cfg.cors_origins = parse_cors_origins(*origins);
  if (const auto base = get(env, "PUBLIC_BASE_URL"))
    cfg.public_base_url = parse_public_base_url(*base);

  if (const auto format = get(env, "LOG_FORMAT")) cfg.log_format = parse_log_format(*format);
  if (const auto level = get(env, "LOG_LEVEL")) cfg.log_level = parse_log_level(*level);

  cfg.database_connect_timeout =
      seconds_in_range(env, "DATABASE_CONNECT_TIMEOUT", cfg.database_connect_timeout, 0, 3600);

  cfg.io_threads = thread_count(env, "IO_THREADS");
  cfg.worker_threads = thread_count(env, "WORKER_THREADS");

  cfg.keepalive_timeout =
      seconds_in_range(env, "KEEPALIVE_TIMEOUT", cfg.keepalive_timeout, 1, 3600);
  cfg.header_timeout = seconds_in_range(env, "HEADER_TIMEOUT", cfg.header_timeout, 1, 300);
  cfg.shutdown_timeout = seconds_in_range(env, "SHUTDOWN_TIMEOUT", cfg.shutdown_timeout, 0, 3600);

  if (auto token = get(env, "METRICS_TOKEN")) {
    if (token->size() < 16) fail("METRICS_TOKEN", "must be at least 16 characters");
    cfg.metrics_token = std::move(*token);
  }
  if (const auto allow = get(env, "METRICS_ALLOW")) cfg.metrics_allow = parse_cidr_list("METRICS_ALLOW", *allow);
  if (const auto proxies = get(env, "TRUST_PROXY")) cfg.trusted_proxies = parse_cidr_list("TRUST_PROXY", *proxies);

  const auto cert = get(env, "TLS_CERT_FILE");
  const auto key = get(env, "TLS_KEY_FILE");
  if (cert.has_value() != key.has_value()) {
    fail(cert ? "TLS_KEY_FILE" : "TLS_CERT_FILE", "TLS_CERT_FILE and TLS_KEY_FILE go together");
  }
  if (cert) {
    for (const auto& [name, path] : {std::pair{"TLS_CERT_FILE", *cert}, std::pair{"TLS_KEY_FILE", *key}}) {
      if (std::ifstream probe(path); !probe) {
        fail(name, "cannot read " + quote_for_message(path) + ": " + config_detail::errno_text(errno));
      }
    }
    cfg.tls_cert_file = *cert;
    cfg.tls_key_file = *key;
  }

  if (const auto size = get(env, "MAX_AUDIO_SIZE")) {
    cfg.max_audio_bytes = parse_size("MAX_AUDIO_SIZE", *size);
  }
  if (const auto size = get(env, "MAX_THUMBNAIL_SIZE")) {
    cfg.max_thumbnail_bytes = parse_size("MAX_THUMBNAIL_SIZE", *size);
  }
  cfg.s3 = parse_s3(env);

  cfg.redis = parse_redis(env, cfg.warnings);
  if (const auto rule = get(env, "RATE_LIMIT_LOGIN_PER_ADDRESS")) {
    cfg.login_per_address = parse_rate_rule("RATE_LIMIT_LOGIN_PER_ADDRESS", *rule);
  }
  if (const auto rule = get(env, "RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS")) {
    cfg.login_per_account_address = parse_rate_rule("RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS", *rule);
  }
  if (const auto rule = get(env, "RATE_LIMIT_LOGIN_PER_ACCOUNT")) {
    cfg.login_per_account = parse_rate_rule("RATE_LIMIT_LOGIN_PER_ACCOUNT", *rule);
  }
  if (const auto rule = get(env, "RATE_LIMIT_SIGNUP_PER_ADDRESS")) {
    cfg.signup_per_address = parse_rate_rule("RATE_LIMIT_SIGNUP_PER_ADDRESS", *rule);
  }
  return cfg;
}

}  // namespace volkrin
