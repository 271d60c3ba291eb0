// The readers of each group of configuration variables, in the order load_config calls them.
#pragma once

#include "support/config.hpp"

// Each reader validates its variables and fills its part of Config; a bad value throws
// ConfigError. Not part of the public interface.
namespace volkrin::config_detail {

// storage.cpp: MONGO_URI (refused: there is no MongoDB store).
void reject_unsupported_backends(const EnvLookup& env);

// server.cpp: APP_ENV.
void read_app_env(const EnvLookup& env, Config& cfg);
// server.cpp: HOST, PORT.
void read_listener(const EnvLookup& env, Config& cfg);

// storage.cpp: DATA_DIR, DATABASE_URL.
void read_database(const EnvLookup& env, Config& cfg);

// secrets.cpp: JWT_SECRET, JWT_EXPIRES_IN, ADMIN_SECRET, PASSWORD_HASH_COST.
void read_secrets(const EnvLookup& env, Config& cfg);

// server.cpp: CORS_ORIGINS, PUBLIC_BASE_URL.
void read_public_urls(const EnvLookup& env, Config& cfg);
// server.cpp: LOG_FORMAT, LOG_LEVEL.
void read_logging(const EnvLookup& env, Config& cfg);
// server.cpp: DATABASE_CONNECT_TIMEOUT, IO_THREADS, WORKER_THREADS, KEEPALIVE_TIMEOUT,
// HEADER_TIMEOUT, SHUTDOWN_TIMEOUT.
void read_threads_and_timeouts(const EnvLookup& env, Config& cfg);

// secrets.cpp: METRICS_TOKEN, METRICS_ALLOW.
void read_metrics_access(const EnvLookup& env, Config& cfg);
// server.cpp: TRUST_PROXY.
void read_trusted_proxies(const EnvLookup& env, Config& cfg);

// tls.cpp: TLS_CERT_FILE, TLS_KEY_FILE (both or neither; check_config_files opens them).
void read_tls(const EnvLookup& env, Config& cfg);

// limits.cpp: MAX_AUDIO_SIZE, MAX_THUMBNAIL_SIZE.
void read_upload_limits(const EnvLookup& env, Config& cfg);

// storage.cpp: S3_BUCKET, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, S3_ENDPOINT,
// S3_FORCE_PATH_STYLE.
void read_s3(const EnvLookup& env, Config& cfg);

// cache.cpp: REDIS_URL, UPSTASH_REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_CA_FILE,
// REDIS_KEY_PREFIX.
void read_redis(const EnvLookup& env, Config& cfg);

// limits.cpp: RATE_LIMIT_LOGIN_PER_ADDRESS, RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS,
// RATE_LIMIT_LOGIN_PER_ACCOUNT, RATE_LIMIT_SIGNUP_PER_ADDRESS.
void read_rate_limits(const EnvLookup& env, Config& cfg);

}  // namespace volkrin::config_detail
