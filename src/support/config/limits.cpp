// The limits' variables: upload sizes and the login and sign-up rate limits.
#include "support/config/sections.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

void read_upload_limits(const EnvLookup& env, Config& cfg) {
  if (const auto size = get(env, "MAX_AUDIO_SIZE")) {
    cfg.max_audio_bytes = parse_size("MAX_AUDIO_SIZE", *size);
  }
  if (const auto size = get(env, "MAX_THUMBNAIL_SIZE")) {
    cfg.max_thumbnail_bytes = parse_size("MAX_THUMBNAIL_SIZE", *size);
  }
}

void read_rate_limits(const EnvLookup& env, Config& cfg) {
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
}

}  // namespace volkrin::config_detail
