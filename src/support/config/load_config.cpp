// load_config: every group of variables read in turn into one validated Config.
#include "support/config.hpp"
#include "support/config/sections.hpp"

namespace volkrin {

Config load_config(const EnvLookup& env) {
  // Settings from the original deployment that this build cannot honour come first, so that
  // a copied .env explains itself before any finer complaint.
  config_detail::reject_unsupported_backends(env);

  // The order decides which complaint is reported when several values are wrong.
  Config cfg;
  config_detail::read_app_env(env, cfg);  // first: other checks depend on it
  config_detail::read_listener(env, cfg);
  config_detail::read_database(env, cfg);
  config_detail::read_secrets(env, cfg);
  config_detail::read_public_urls(env, cfg);
  config_detail::read_logging(env, cfg);
  config_detail::read_threads_and_timeouts(env, cfg);
  config_detail::read_metrics_access(env, cfg);
  config_detail::read_trusted_proxies(env, cfg);
  config_detail::read_tls(env, cfg);
  config_detail::read_upload_limits(env, cfg);
  config_detail::read_s3(env, cfg);
  config_detail::read_redis(env, cfg);
  config_detail::read_rate_limits(env, cfg);
  return cfg;
}

}  // namespace volkrin
