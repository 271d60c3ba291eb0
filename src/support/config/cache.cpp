// The shared cache's variables: REDIS_URL, UPSTASH_REDIS_URL or REDIS_HOST/REDIS_PORT, and
// REDIS_CA_FILE and REDIS_KEY_PREFIX.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "support/ascii.hpp"
#include "support/config/sections.hpp"
#include "support/config/url_authority.hpp"
#include "support/config/values.hpp"
#include "support/percent_decode.hpp"

namespace volkrin::config_detail {

namespace {

// REDIS_HOST: IPv4, IPv6 (brackets optional) or a host name. Empty when invalid.
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

// "user:password" or ":password" before the '@', each part %-decoded.
void read_credentials(const char* name, const std::string& value, std::string_view userinfo,
                      RedisSettings& settings) {
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

// host[:port], the host an address (IPv6 in brackets) or a name.
void read_host_and_port(const char* name, const std::string& value, std::string_view text,
                        RedisSettings& settings) {
  const UrlAuthority authority = read_authority(text);
  if (authority.unclosed_literal) fail_redis_url(name, value, "has an invalid IPv6 address");
  if (authority.after_literal) fail_redis_url(name, value, "has an invalid host");
  if (authority.not_ipv6 || authority.bad_host) {
    fail_redis_url(name, value, "has an invalid or missing host");
  }
  settings.host = authority.host;
  if (authority.port) {
    const auto port = port_number(*authority.port);
    if (!port) fail_redis_url(name, value, "has an invalid port (expected 1..65535)");
    settings.port = *port;
  }
}

// redis://[[user]:password@]host[:port][/db] or rediss://...
RedisSettings parse_redis_url(const char* name, const std::string& value) {
  if (has_space_or_control(value)) {
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
  if (const auto at = after.rfind('@'); at != std::string_view::npos) {
    read_credentials(name, value, after.substr(0, at), settings);
    after.remove_prefix(at + 1);
  }
  const auto authority_end = after.find_first_of("/?#");
  read_host_and_port(name, value, after.substr(0, authority_end), settings);
  const std::string_view rest =
      authority_end == std::string_view::npos ? std::string_view{} : after.substr(authority_end);
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

RedisSettings parse_redis_host(const EnvLookup& env, const char* name, const std::string& value) {
  RedisSettings plain;
  plain.source = name;
  plain.host = redis_host(value);
  if (plain.host.empty()) {
    fail(name, "must be an IPv4 address, an IPv6 address or a host name (got " +
                   quote_for_message(redact_credentials(value)) + ")");
  }
  if (const auto port = get(env, "REDIS_PORT")) {
    plain.port = static_cast<std::uint16_t>(integer_in_range("REDIS_PORT", *port, 1, 65535));
  }
  return plain;
}

// The first of REDIS_URL, UPSTASH_REDIS_URL, REDIS_HOST that is set; a warning for each
// later one that is set too.
std::optional<RedisSettings> read_redis_server(const EnvLookup& env,
                                               std::vector<std::string>& warnings) {
  static constexpr std::array<const char*, 3> kSources{"REDIS_URL", "UPSTASH_REDIS_URL",
                                                       "REDIS_HOST"};
  std::optional<RedisSettings> settings;
  for (const char* name : kSources) {
    const auto value = get(env, name);
    if (!value) continue;
    if (settings) {
      warnings.push_back(std::string(name) + " is ignored because " + settings->source + " is set");
    } else if (std::string_view(name) != "REDIS_HOST") {
      settings = parse_redis_url(name, *value);
    } else {
      settings = parse_redis_host(env, name, *value);
    }
  }
  if (get(env, "REDIS_PORT") && (!settings || settings->source != "REDIS_HOST")) {
    warnings.emplace_back("REDIS_PORT is ignored: it only goes with REDIS_HOST");
  }
  return settings;
}

}  // namespace

void read_redis(const EnvLookup& env, Config& cfg) {
  std::optional<RedisSettings> settings = read_redis_server(env, cfg.warnings);
  if (const auto ca = get(env, "REDIS_CA_FILE")) {
    if (settings && settings->tls) {
      settings->ca_file = *ca;
    } else {
      cfg.warnings.emplace_back("REDIS_CA_FILE is ignored: no rediss:// (TLS) Redis URL is set");
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
  cfg.redis = std::move(settings);
}

}  // namespace volkrin::config_detail
