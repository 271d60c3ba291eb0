// The secrets' variables: JWT signing and lifetime, the admin secret, password hashing cost,
// and who may read /metrics.
#include <string>
#include <utility>

#include "support/config/sections.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

namespace {

constexpr std::size_t kRecommendedSecretBytes = 32;

// Seconds per unit of JWT_EXPIRES_IN: s, m, h or d in either case; 0 for another letter.
std::uint64_t lifetime_unit(char letter) {
  switch (letter) {
    case 's':
    case 'S':
      return 1;
    case 'm':
    case 'M':
      return 60;
    case 'h':
    case 'H':
      return 3600;
    case 'd':
    case 'D':
      return kSecondsPerDay;
    default:
      return 0;
  }
}

std::chrono::seconds parse_jwt_lifetime(const std::string& value) {
  std::string_view number = value;
  std::uint64_t unit = 1;
  if (!number.empty() && is_alpha(number.back())) {
    unit = lifetime_unit(number.back());
    number.remove_suffix(1);
  }
  constexpr std::uint64_t kMax = 365 * kSecondsPerDay;
  const auto count = parse_decimal(number);
  if (unit == 0 || !count || *count == 0 || *count > kMax / unit) {
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

void read_jwt_secret(const EnvLookup& env, Config& cfg) {
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
}

}  // namespace

void read_secrets(const EnvLookup& env, Config& cfg) {
  read_jwt_secret(env, cfg);
  if (const auto lifetime = get(env, "JWT_EXPIRES_IN")) {
    cfg.jwt_lifetime = parse_jwt_lifetime(*lifetime);
  }
  cfg.admin_secret = get(env, "ADMIN_SECRET");
  if (const auto cost = get(env, "PASSWORD_HASH_COST")) {
    cfg.password_cost = parse_hash_cost(*cost, cfg.app_env);
  }
}

void read_metrics_access(const EnvLookup& env, Config& cfg) {
  if (auto token = get(env, "METRICS_TOKEN")) {
    if (token->size() < 16) fail("METRICS_TOKEN", "must be at least 16 characters");
    cfg.metrics_token = std::move(*token);
  }
  if (const auto allow = get(env, "METRICS_ALLOW")) {
    cfg.metrics_allow = parse_cidr_list("METRICS_ALLOW", *allow);
  }
}

}  // namespace volkrin::config_detail
