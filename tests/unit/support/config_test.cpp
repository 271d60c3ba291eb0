// Unit tests for load_config's validation rules and for ensure_jwt_secret.
#include "support/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using Vars = std::map<std::string, std::string>;

EnvLookup lookup_from(Vars vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Config load(Vars vars) {
  return load_config(lookup_from(std::move(vars)));
}

// The ConfigError message for `vars`; fails the test when loading succeeds.
std::string error_for(Vars vars) {
  try {
    load(std::move(vars));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "load_config accepted the configuration";
  return {};
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Loading {name=value} fails with a one-line message that starts with "name: ".
void expect_rejected(const std::string& name, const std::string& value, Vars extra = {}) {
  extra[name] = value;
  const std::string message = error_for(std::move(extra));
  EXPECT_TRUE(starts_with(message, name + ": ")) << name << "=" << value << " -> " << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(Config, defaults_apply_when_nothing_is_set) {
  const Config cfg = load({});
  EXPECT_EQ(cfg.app_env, AppEnv::development);
  EXPECT_EQ(cfg.host, "0.0.0.0");
  EXPECT_EQ(cfg.port, 8000);
  EXPECT_EQ(cfg.data_dir, fs::path("data"));
  EXPECT_EQ(cfg.sqlite_path, fs::path("data") / "volkrin.db");
  EXPECT_TRUE(cfg.jwt_secret.empty());
  EXPECT_EQ(cfg.jwt_lifetime, std::chrono::hours(24 * 7));
  EXPECT_FALSE(cfg.admin_secret.has_value());
  EXPECT_EQ(cfg.password_cost, HashCost::interactive);
  EXPECT_TRUE(cfg.cors_origins.empty());
  EXPECT_EQ(cfg.public_base_url, "");
  EXPECT_EQ(cfg.log_format, LogFormat::dev);
  EXPECT_EQ(cfg.log_level, "info");
  EXPECT_EQ(cfg.io_threads, 0U);
  EXPECT_EQ(cfg.worker_threads, 0U);
  EXPECT_EQ(cfg.keepalive_timeout, std::chrono::seconds(5));
  EXPECT_EQ(cfg.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(cfg.shutdown_timeout, std::chrono::seconds(10));
  EXPECT_EQ(cfg.max_audio_bytes, 200ULL << 20);
  EXPECT_EQ(cfg.max_thumbnail_bytes, 5ULL << 20);
  EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Config, empty_values_count_as_unset) {
  const Config cfg = load({{"APP_ENV", ""},
                           {"PORT", ""},
                           {"HOST", ""},
                           {"DATA_DIR", ""},
                           {"DATABASE_URL", ""},
                           {"ADMIN_SECRET", ""},
                           {"MONGO_URI", ""},
                           {"REDIS_URL", ""},
                           {"S3_BUCKET", ""},
                           {"MAX_AUDIO_SIZE", ""}});
  EXPECT_EQ(cfg.app_env, AppEnv::development);
  EXPECT_EQ(cfg.port, 8000);
  EXPECT_EQ(cfg.host, "0.0.0.0");
  EXPECT_EQ(cfg.sqlite_path, fs::path("data") / "volkrin.db");
  EXPECT_FALSE(cfg.admin_secret.has_value());
  EXPECT_EQ(cfg.max_audio_bytes, 200ULL << 20);
}

TEST(Config, app_env_accepts_development_and_production) {
  EXPECT_EQ(load({{"APP_ENV", "development"}}).app_env, AppEnv::development);
  EXPECT_EQ(load({{"APP_ENV", "production"}, {"JWT_SECRET", std::string(40, 'k')}}).app_env,
            AppEnv::production);
}

TEST(Config, app_env_rejects_other_words_and_case) {
  for (const char* value : {"dev", "prod", "Production", "DEVELOPMENT", "test", " production"}) {
    expect_rejected("APP_ENV", value);
  }
}

TEST(Config, port_accepts_the_full_range) {
  EXPECT_EQ(load({{"PORT", "0"}}).port, 0);
  EXPECT_EQ(load({{"PORT", "65535"}}).port, 65535);
  EXPECT_EQ(load({{"PORT", "3000"}}).port, 3000);
}

TEST(Config, port_rejects_non_integers_and_out_of_range_values) {
  for (const char* value : {"abc", "65536", "-1", "+80", "80x", " 80", "80 ", "8.0", "0x50",
                            "99999999999999999999999"}) {
    expect_rejected("PORT", value);
  }
}

TEST(Config, port_error_names_the_range_and_the_value) {
  EXPECT_EQ(error_for({{"PORT", "abc"}}),
            "PORT: must be an integer between 0 and 65535 (got \"abc\")");
}

TEST(Config, host_accepts_addresses_and_host_names) {
  EXPECT_EQ(load({{"HOST", "127.0.0.1"}}).host, "127.0.0.1");
  EXPECT_EQ(load({{"HOST", "::"}}).host, "::");
  EXPECT_EQ(load({{"HOST", "::1"}}).host, "::1");
  EXPECT_EQ(load({{"HOST", "[::1]"}}).host, "::1");
  EXPECT_EQ(load({{"HOST", "localhost"}}).host, "localhost");
  EXPECT_EQ(load({{"HOST", "api.example.com"}}).host, "api.example.com");
  EXPECT_EQ(load({{"HOST", "my_service"}}).host, "my_service");
}

TEST(Config, host_rejects_spaces_and_malformed_names) {
  for (const char* value : {"local host", " localhost", "a..b", "-bad.example", "bad-.example",
                            "1.2.3.256", "1.2.3", "[1.2.3.4]", "host:80", "exa$mple.com"}) {
    expect_rejected("HOST", value);
  }
}

TEST(Config, database_path_defaults_to_data_dir) {
  const Config cfg = load({{"DATA_DIR", "/var/lib/volkrin"}});
  EXPECT_EQ(cfg.data_dir, fs::path("/var/lib/volkrin"));
  EXPECT_EQ(cfg.sqlite_path, fs::path("/var/lib/volkrin/volkrin.db"));
}

TEST(Config, database_url_accepts_absolute_and_relative_sqlite_paths) {
  EXPECT_EQ(load({{"DATABASE_URL", "sqlite:///srv/volkrin/store.db"}}).sqlite_path,
            fs::path("/srv/volkrin/store.db"));
  EXPECT_EQ(load({{"DATABASE_URL", "sqlite://db/store.db"}}).sqlite_path, fs::path("db/store.db"));
}

TEST(Config, database_url_refuses_in_memory_sqlite) {
  expect_rejected("DATABASE_URL", "sqlite::memory:");
  expect_rejected("DATABASE_URL", "sqlite://:memory:");
}

TEST(Config, database_url_rejects_malformed_sqlite_urls) {
  for (const char* value : {"sqlite://", "sqlite:///", "sqlite:/abs.db", "sqlite:rel.db",
                            "sqlite:///x.db?mode=ro", "sqlite://dir/", "/abs/path.db", "db"}) {
    expect_rejected("DATABASE_URL", value);
  }
}

TEST(Config, database_url_accepts_postgres_urls_and_leaves_sqlite_path_empty) {
  for (const char* value : {"postgres://user:hunter2@db.example/volkrin",
                            "postgresql://user:hunter2@db.example:5433/volkrin?sslmode=require",
                            "postgresql://db.example/volkrin"}) {
    const Config cfg = load({{"DATABASE_URL", value}});
    EXPECT_EQ(cfg.postgres_url, value);
    EXPECT_TRUE(cfg.sqlite_path.empty()) << cfg.sqlite_path;
  }
  EXPECT_TRUE(load({}).postgres_url.empty());
}

TEST(Config, database_url_malformed_postgres_is_refused_without_echoing_credentials) {
  const std::vector<std::string> malformed = {
      "postgres://user:hunter2@[::1/volkrin",
      "postgresql://user:hunter2@db.example/volkrin?bogus=1",
      "postgres://user:hun%zzter2@db.example/volkrin",
      "postgres://user@db.example/volkrin?password=hunter2%zz",
      "postgres:user:hunter2@db.example/volkrin",
      "POSTGRES://user:hunter2@db.example/volkrin",
  };
  for (const auto& value : malformed) {
    expect_rejected("DATABASE_URL", value);
    const std::string message = error_for({{"DATABASE_URL", value}});
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_EQ(message.find("hun%zzter2"), std::string::npos) << message;
  }
}

TEST(Config, database_connect_timeout_defaults_to_30_seconds_and_is_checked) {
  EXPECT_EQ(load({}).database_connect_timeout, std::chrono::seconds(30));
  EXPECT_EQ(load({{"DATABASE_CONNECT_TIMEOUT", "0"}}).database_connect_timeout,
            std::chrono::seconds(0));
  expect_rejected("DATABASE_CONNECT_TIMEOUT", "3601");
  expect_rejected("DATABASE_CONNECT_TIMEOUT", "5s");
}

TEST(Config, database_url_other_schemes_are_refused_without_echoing_credentials) {
  for (const char* value : {"mysql://user:hunter2@db.example/volkrin",
                            "mongodb+srv://user:hunter2@cluster.example/x", "user:hunter2@host"}) {
    const std::string message = error_for({{"DATABASE_URL", value}});
    EXPECT_TRUE(starts_with(message, "DATABASE_URL: ")) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST(Config, production_requires_jwt_secret) {
  EXPECT_EQ(error_for({{"APP_ENV", "production"}}), "JWT_SECRET: required when APP_ENV=production");
  EXPECT_EQ(error_for({{"APP_ENV", "production"}, {"JWT_SECRET", ""}}),
            "JWT_SECRET: required when APP_ENV=production");
}

TEST(Config, development_without_jwt_secret_leaves_it_empty) {
  EXPECT_TRUE(load({{"APP_ENV", "development"}}).jwt_secret.empty());
}

TEST(Config, short_jwt_secret_is_accepted_in_development_with_a_warning) {
  const Config cfg = load({{"APP_ENV", "development"}, {"JWT_SECRET", "shortsecret"}});
  EXPECT_EQ(cfg.jwt_secret, "shortsecret");
  ASSERT_EQ(cfg.warnings.size(), 1U);
  EXPECT_NE(cfg.warnings[0].find("JWT_SECRET is shorter than 32 bytes"), std::string::npos);
  EXPECT_EQ(cfg.warnings[0].find("shortsecret"), std::string::npos);
}

TEST(Config, short_jwt_secret_is_refused_in_production) {
  for (const std::string& secret :
       {std::string("x"), std::string("shortsecret"), std::string(31, 'k')}) {
    const std::string message = error_for({{"APP_ENV", "production"}, {"JWT_SECRET", secret}});
    EXPECT_EQ(message, "JWT_SECRET: must be at least 32 bytes when APP_ENV=production (got " +
                           std::to_string(secret.size()) +
                           "); make one with `openssl rand -hex 32`")
        << secret;
  }
  EXPECT_EQ(load({{"APP_ENV", "production"}, {"JWT_SECRET", std::string(32, 'k')}}).jwt_secret,
            std::string(32, 'k'));
}

TEST(Config, long_jwt_secret_gives_no_warning) {
  const Config cfg = load({{"JWT_SECRET", std::string(32, 'x')}});
  EXPECT_EQ(cfg.jwt_secret, std::string(32, 'x'));
  EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Config, jwt_expires_in_accepts_seconds_and_units) {
  using std::chrono::seconds;
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "3600"}}).jwt_lifetime, seconds(3600));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "60s"}}).jwt_lifetime, seconds(60));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "15m"}}).jwt_lifetime, seconds(15 * 60));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "12h"}}).jwt_lifetime, seconds(12 * 3600));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "7d"}}).jwt_lifetime, seconds(7 * 86400));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "1"}}).jwt_lifetime, seconds(1));
  EXPECT_EQ(load({{"JWT_EXPIRES_IN", "365d"}}).jwt_lifetime, seconds(365 * 86400));
}

TEST(Config, jwt_expires_in_rejects_out_of_range_and_unknown_forms) {
  for (const char* value : {"0", "0d", "366d", "31536001", "8761h", "7w", "1y", "1.5h", "-1", "+1",
                            "d", "7 d", "7dd", "99999999999999999999d", "1e3"}) {
    expect_rejected("JWT_EXPIRES_IN", value);
  }
}

TEST(Config, admin_secret_is_optional) {
  EXPECT_FALSE(load({}).admin_secret.has_value());
  EXPECT_EQ(load({{"ADMIN_SECRET", "letmein"}}).admin_secret,
            std::optional<std::string>("letmein"));
}

TEST(Config, password_hash_cost_accepts_each_preset) {
  EXPECT_EQ(load({{"PASSWORD_HASH_COST", "min"}}).password_cost, HashCost::min);
  EXPECT_EQ(load({{"PASSWORD_HASH_COST", "interactive"}}).password_cost, HashCost::interactive);
  EXPECT_EQ(load({{"PASSWORD_HASH_COST", "moderate"}}).password_cost, HashCost::moderate);
  EXPECT_EQ(load({{"PASSWORD_HASH_COST", "sensitive"}}).password_cost, HashCost::sensitive);
}

TEST(Config, password_hash_cost_rejects_unknown_presets) {
  for (const char* value : {"low", "Interactive", "12", "max"}) {
    expect_rejected("PASSWORD_HASH_COST", value);
  }
}

TEST(Config, password_hash_cost_min_is_refused_in_production) {
  expect_rejected("PASSWORD_HASH_COST", "min",
                  {{"APP_ENV", "production"}, {"JWT_SECRET", std::string(40, 'k')}});
}

TEST(Config, cors_origins_are_trimmed_and_empty_entries_dropped) {
  const Config cfg = load({{"CORS_ORIGINS", " https://app.example , ,http://localhost:5173,, *,"}});
  EXPECT_EQ(cfg.cors_origins,
            (std::vector<std::string>{"https://app.example", "http://localhost:5173", "*"}));
}

TEST(Config, cors_origins_are_normalised_like_browser_origins) {
  const Config cfg =
      load({{"CORS_ORIGINS", "HTTPS://App.Example:443,http://[::1]:8080,http://127.0.0.1:80"}});
  EXPECT_EQ(cfg.cors_origins, (std::vector<std::string>{"https://app.example", "http://[::1]:8080",
                                                        "http://127.0.0.1"}));
}

TEST(Config, cors_origins_only_commas_means_none) {
  EXPECT_TRUE(load({{"CORS_ORIGINS", " , ,"}}).cors_origins.empty());
}

TEST(Config, cors_origins_reject_paths_other_schemes_and_bad_hosts) {
  for (const char* value :
       {"https://app.example/", "https://app.example/path", "ftp://app.example", "app.example",
        "https://", "https://app.example:0", "https://app.example:70000",
        "https://app.example:", "https://app .example", "https://app.example?x=1", "null", "**"}) {
    const std::string message =
        error_for({{"CORS_ORIGINS", std::string("https://ok.example,") + value}});
    EXPECT_TRUE(starts_with(message, "CORS_ORIGINS: ")) << message;
  }
}

TEST(Config, cors_origins_error_names_the_bad_entry) {
  const std::string message =
      error_for({{"CORS_ORIGINS", "https://ok.example,https://bad.example/"}});
  EXPECT_TRUE(starts_with(message, "CORS_ORIGINS: ")) << message;
  EXPECT_NE(message.find("\"https://bad.example/\""), std::string::npos) << message;
}

TEST(Config, cors_origins_error_hides_credentials) {
  const std::string message = error_for({{"CORS_ORIGINS", "https://user:hunter2@app.example"}});
  EXPECT_TRUE(starts_with(message, "CORS_ORIGINS: ")) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(Config, public_base_url_strips_one_trailing_slash) {
  EXPECT_EQ(load({{"PUBLIC_BASE_URL", "https://media.example/"}}).public_base_url,
            "https://media.example");
  EXPECT_EQ(load({{"PUBLIC_BASE_URL", "https://media.example/stream/"}}).public_base_url,
            "https://media.example/stream");
  EXPECT_EQ(load({{"PUBLIC_BASE_URL", "http://localhost:8000"}}).public_base_url,
            "http://localhost:8000");
}

TEST(Config, public_base_url_rejects_relative_other_schemes_queries_and_fragments) {
  for (const char* value :
       {"/stream", "media.example", "ftp://media.example", "https://media.example/?a=1",
        "https://media.example#top", "https://", "https://media example"}) {
    expect_rejected("PUBLIC_BASE_URL", value);
  }
}

TEST(Config, public_base_url_error_hides_credentials) {
  const std::string message =
      error_for({{"PUBLIC_BASE_URL", "https://user:hunter2@media.example/?q"}});
  EXPECT_TRUE(starts_with(message, "PUBLIC_BASE_URL: ")) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(Config, log_format_and_level_accept_known_words) {
  EXPECT_EQ(load({{"LOG_FORMAT", "combined"}}).log_format, LogFormat::combined);
  EXPECT_EQ(load({{"LOG_FORMAT", "json"}}).log_format, LogFormat::json);
  EXPECT_EQ(load({{"LOG_FORMAT", "dev"}}).log_format, LogFormat::dev);
  for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
    EXPECT_EQ(load({{"LOG_LEVEL", level}}).log_level, level);
  }
}

TEST(Config, log_format_and_level_reject_unknown_words) {
  expect_rejected("LOG_FORMAT", "text");
  expect_rejected("LOG_FORMAT", "JSON");
  expect_rejected("LOG_LEVEL", "warning");
  expect_rejected("LOG_LEVEL", "INFO");
}

TEST(Config, thread_counts_accept_zero_to_256) {
  const Config cfg = load({{"IO_THREADS", "0"}, {"WORKER_THREADS", "256"}});
  EXPECT_EQ(cfg.io_threads, 0U);
  EXPECT_EQ(cfg.worker_threads, 256U);
  EXPECT_EQ(load({{"IO_THREADS", "4"}}).io_threads, 4U);
}

TEST(Config, thread_counts_reject_out_of_range_values) {
  for (const char* name : {"IO_THREADS", "WORKER_THREADS"}) {
    for (const char* value : {"257", "-1", "two", "4 "}) expect_rejected(name, value);
  }
}

TEST(Config, timeouts_accept_their_ranges) {
  using std::chrono::seconds;
  const Config low =
      load({{"KEEPALIVE_TIMEOUT", "1"}, {"HEADER_TIMEOUT", "1"}, {"SHUTDOWN_TIMEOUT", "0"}});
  EXPECT_EQ(low.keepalive_timeout, seconds(1));
  EXPECT_EQ(low.header_timeout, seconds(1));
  EXPECT_EQ(low.shutdown_timeout, seconds(0));
  const Config high = load(
      {{"KEEPALIVE_TIMEOUT", "3600"}, {"HEADER_TIMEOUT", "300"}, {"SHUTDOWN_TIMEOUT", "3600"}});
  EXPECT_EQ(high.keepalive_timeout, seconds(3600));
  EXPECT_EQ(high.header_timeout, seconds(300));
  EXPECT_EQ(high.shutdown_timeout, seconds(3600));
}

TEST(Config, timeouts_reject_out_of_range_and_unit_suffixes) {
  expect_rejected("KEEPALIVE_TIMEOUT", "0");
  expect_rejected("KEEPALIVE_TIMEOUT", "3601");
  expect_rejected("HEADER_TIMEOUT", "0");
  expect_rejected("HEADER_TIMEOUT", "301");
  expect_rejected("SHUTDOWN_TIMEOUT", "3601");
  expect_rejected("SHUTDOWN_TIMEOUT", "-1");
  expect_rejected("KEEPALIVE_TIMEOUT", "5s");
}

TEST(Config, upload_sizes_accept_bytes_and_binary_suffixes) {
  const auto audio = [](const char* value) {
    return load({{"MAX_AUDIO_SIZE", value}}).max_audio_bytes;
  };
  EXPECT_EQ(audio("1"), 1U);
  EXPECT_EQ(audio("1048576"), 1ULL << 20);
  EXPECT_EQ(audio("2k"), 2ULL << 10);
  EXPECT_EQ(audio("2KiB"), 2ULL << 10);
  EXPECT_EQ(audio("200M"), 200ULL << 20);
  EXPECT_EQ(audio("200mib"), 200ULL << 20);
  EXPECT_EQ(audio("1G"), 1ULL << 30);
  EXPECT_EQ(audio("64GiB"), 64ULL << 30);
  EXPECT_EQ(load({{"MAX_THUMBNAIL_SIZE", "512K"}}).max_thumbnail_bytes, 512ULL << 10);
}

TEST(Config, upload_sizes_reject_zero_too_large_and_unknown_suffixes) {
  for (const char* name : {"MAX_AUDIO_SIZE", "MAX_THUMBNAIL_SIZE"}) {
    for (const char* value : {"0", "0M", "65G", "68719476737", "1KB", "1MB", "1T", "1.5M", "M",
                              "-1", "+1", "1 M", " 1", "99999999999999999999G"}) {
      expect_rejected(name, value);
    }
  }
}

TEST(Config, mongo_uri_is_refused_with_import_instructions) {
  const std::string message =
      error_for({{"MONGO_URI", "mongodb+srv://admin:hunter2@cluster0.example.net/volkrin"}});
  EXPECT_EQ(message,
            "MONGO_URI: this server has no MongoDB store; set DATABASE_URL (or leave it unset for "
            "the embedded SQLite store) and import a mongoexport dump of the original's users and "
            "tracks collections with \"volkrin import-mongo --users users.json --tracks "
            "tracks.json\"");
  EXPECT_EQ(message.find("hunter2"), std::string::npos);
  EXPECT_EQ(message.find("cluster0"), std::string::npos);
}

TEST(Config, mongo_uri_is_reported_before_other_unsupported_backends) {
  const std::string message = error_for(
      {{"MONGO_URI", "mongodb://h/db"}, {"REDIS_URL", "redis://h:6379"}, {"PORT", "bad"}});
  EXPECT_TRUE(starts_with(message, "MONGO_URI: ")) << message;
}

Vars s3_vars(Vars extra = {}) {
  Vars vars{{"S3_BUCKET", "volkrin-media"},
            {"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"},
            {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}};
  for (auto& [name, value] : extra) vars[name] = value;
  return vars;
}

TEST(Config, s3_is_off_unless_a_bucket_is_set) {
  EXPECT_FALSE(load({}).s3.has_value());
  EXPECT_FALSE(load({{"AWS_ACCESS_KEY_ID", "AKIA"}, {"AWS_REGION", "eu-west-1"}}).s3.has_value());
}

TEST(Config, s3_bucket_with_keys_selects_s3_on_aws) {
  const Config cfg = load(s3_vars());
  ASSERT_TRUE(cfg.s3.has_value());
  EXPECT_EQ(cfg.s3->bucket, "volkrin-media");
  EXPECT_EQ(cfg.s3->region, "us-east-1");
  EXPECT_EQ(cfg.s3->access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(cfg.s3->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(cfg.s3->endpoint, "");
  EXPECT_FALSE(cfg.s3->force_path_style);
}

TEST(Config, s3_endpoint_region_and_path_style_are_read) {
  const Config cfg = load(s3_vars({{"AWS_REGION", "eu-central-1"},
                                   {"S3_ENDPOINT", "HTTP://127.0.0.1:4568/"},
                                   {"S3_FORCE_PATH_STYLE", "true"}}));
  ASSERT_TRUE(cfg.s3.has_value());
  EXPECT_EQ(cfg.s3->region, "eu-central-1");
  EXPECT_EQ(cfg.s3->endpoint, "http://127.0.0.1:4568");
  EXPECT_TRUE(cfg.s3->force_path_style);
  EXPECT_EQ(load(s3_vars({{"S3_ENDPOINT", "https://minio.internal:443"}})).s3->endpoint,
            "https://minio.internal");
  EXPECT_FALSE(load(s3_vars({{"S3_FORCE_PATH_STYLE", "0"}})).s3->force_path_style);
}

TEST(Config, s3_bucket_without_keys_names_the_missing_variable) {
  Vars vars = s3_vars();
  vars.erase("AWS_ACCESS_KEY_ID");
  EXPECT_EQ(error_for(vars), "AWS_ACCESS_KEY_ID: required when S3_BUCKET is set");
  vars = s3_vars();
  vars.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(error_for(vars), "AWS_SECRET_ACCESS_KEY: required when S3_BUCKET is set");
  vars["AWS_SECRET_ACCESS_KEY"] = "";
  EXPECT_EQ(error_for(vars), "AWS_SECRET_ACCESS_KEY: required when S3_BUCKET is set");
}

TEST(Config, s3_values_are_checked) {
  for (const char* bucket :
       {"ab", "Upper", "under_score", "-dash", "dot.", "a..b", "10.0.0.1", "spa ce"}) {
    expect_rejected("S3_BUCKET", bucket, s3_vars());
  }
  expect_rejected("AWS_REGION", "us east", s3_vars());
  expect_rejected("AWS_ACCESS_KEY_ID", "has space", s3_vars());
  for (const char* endpoint :
       {"127.0.0.1:9000", "ftp://h", "http://h/bucket", "http://h?x=1", "http://h:0"}) {
    expect_rejected("S3_ENDPOINT", endpoint, s3_vars());
  }
  expect_rejected("S3_FORCE_PATH_STYLE", "maybe", s3_vars());
}

TEST(Config, s3_settings_without_a_bucket_are_refused) {
  EXPECT_TRUE(starts_with(error_for({{"S3_ENDPOINT", "http://127.0.0.1:9000"}}),
                          "S3_ENDPOINT: has no effect without S3_BUCKET"));
  EXPECT_TRUE(starts_with(error_for({{"S3_FORCE_PATH_STYLE", "true"}}),
                          "S3_FORCE_PATH_STYLE: has no effect without S3_BUCKET"));
}

TEST(Config, s3_secret_never_appears_in_error_messages) {
  const std::string secret = "hunter2-very-secret-value";
  const std::vector<Vars> cases = {
      s3_vars({{"AWS_SECRET_ACCESS_KEY", secret + " with a space"}}),
      s3_vars({{"AWS_SECRET_ACCESS_KEY", secret}, {"S3_BUCKET", "Bad_Bucket"}}),
      s3_vars({{"AWS_SECRET_ACCESS_KEY", secret}, {"S3_ENDPOINT", "http://u:" + secret + "@h"}}),
      s3_vars({{"AWS_SECRET_ACCESS_KEY", secret}, {"AWS_ACCESS_KEY_ID", secret + "\n"}}),
  };
  for (const auto& vars : cases) {
    const std::string message = error_for(vars);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST(Config, redis_is_off_when_nothing_is_set) {
  EXPECT_FALSE(load({}).redis.has_value());
}

TEST(Config, rate_limits_have_defaults) {
  const Config cfg = load({});
  ASSERT_TRUE(cfg.login_per_address.has_value());
  EXPECT_EQ(cfg.login_per_address->limit, 20u);
  EXPECT_EQ(cfg.login_per_address->window, std::chrono::minutes(5));
  ASSERT_TRUE(cfg.login_per_account_address.has_value());
  EXPECT_EQ(cfg.login_per_account_address->limit, 10u);
  EXPECT_EQ(cfg.login_per_account_address->window, std::chrono::minutes(15));
  ASSERT_TRUE(cfg.login_per_account.has_value());
  EXPECT_EQ(cfg.login_per_account->limit, 100u);
  EXPECT_EQ(cfg.login_per_account->window, std::chrono::hours(1));
  ASSERT_TRUE(cfg.signup_per_address.has_value());
  EXPECT_EQ(cfg.signup_per_address->limit, 20u);
  EXPECT_EQ(cfg.signup_per_address->window, std::chrono::hours(1));
}

TEST(Config, redis_url_gives_every_part) {
  const Config cfg = load({{"REDIS_URL", "redis://alice:p%40ss%3Aword@Cache.Example:6380/2"}});
  ASSERT_TRUE(cfg.redis.has_value());
  EXPECT_EQ(cfg.redis->source, "REDIS_URL");
  EXPECT_EQ(cfg.redis->host, "cache.example");
  EXPECT_EQ(cfg.redis->port, 6380);
  EXPECT_FALSE(cfg.redis->tls);
  EXPECT_EQ(cfg.redis->username, "alice");
  EXPECT_EQ(cfg.redis->password, "p@ss:word");
  EXPECT_EQ(cfg.redis->db, 2u);
  EXPECT_EQ(cfg.redis->key_prefix, "volkrin:");
  EXPECT_TRUE(cfg.warnings.empty());
}

TEST(Config, redis_url_defaults_and_variants) {
  Config cfg = load({{"REDIS_URL", "rediss://:secret@10.0.0.5"}});
  EXPECT_TRUE(cfg.redis->tls);
  EXPECT_EQ(cfg.redis->host, "10.0.0.5");
  EXPECT_EQ(cfg.redis->port, 6379);
  EXPECT_EQ(cfg.redis->username, "");
  EXPECT_EQ(cfg.redis->password, "secret");
  EXPECT_EQ(cfg.redis->db, 0u);

  // Credentials end at the last '@', so an unescaped '/', '?', '#' or '@' stays in them.
  cfg = load({{"REDIS_URL", "redis://u:p/a?s#s@w@h:1/4"}});
  EXPECT_EQ(cfg.redis->password, "p/a?s#s@w");
  EXPECT_EQ(cfg.redis->host, "h");
  EXPECT_EQ(cfg.redis->db, 4u);

  cfg = load({{"REDIS_URL", "REDIS://[::1]:7000/"}});
  EXPECT_EQ(cfg.redis->host, "::1");
  EXPECT_EQ(cfg.redis->port, 7000);
  EXPECT_FALSE(cfg.redis->tls);
  EXPECT_TRUE(cfg.redis->password.empty());

  cfg = load({{"UPSTASH_REDIS_URL", "rediss://default:tok@eu1-x.upstash.io:6379"}});
  EXPECT_EQ(cfg.redis->source, "UPSTASH_REDIS_URL");
  EXPECT_TRUE(cfg.redis->tls);
  EXPECT_EQ(cfg.redis->username, "default");

  cfg = load({{"REDIS_HOST", "redis"}, {"REDIS_PORT", "6390"}});
  EXPECT_EQ(cfg.redis->source, "REDIS_HOST");
  EXPECT_EQ(cfg.redis->host, "redis");
  EXPECT_EQ(cfg.redis->port, 6390);
  EXPECT_FALSE(cfg.redis->tls);
  EXPECT_EQ(load({{"REDIS_HOST", "127.0.0.1"}}).redis->port, 6379);
}

TEST(Config, redis_variables_take_precedence_in_order_and_say_what_they_ignore) {
  Config cfg = load({{"REDIS_URL", "redis://a:1"},
                     {"UPSTASH_REDIS_URL", "rediss://default:x@b"},
                     {"REDIS_HOST", "c"}});
  EXPECT_EQ(cfg.redis->host, "a");
  ASSERT_EQ(cfg.warnings.size(), 2u);
  EXPECT_EQ(cfg.warnings[0], "UPSTASH_REDIS_URL is ignored because REDIS_URL is set");
  EXPECT_EQ(cfg.warnings[1], "REDIS_HOST is ignored because REDIS_URL is set");

  cfg = load({{"UPSTASH_REDIS_URL", "rediss://default:x@b"}, {"REDIS_HOST", "c"}});
  EXPECT_EQ(cfg.redis->host, "b");
  ASSERT_EQ(cfg.warnings.size(), 1u);

  cfg = load({{"REDIS_PORT", "7000"}});
  EXPECT_FALSE(cfg.redis.has_value());
  EXPECT_EQ(cfg.warnings.size(), 1u);
}

TEST(Config, redis_ca_file_and_key_prefix) {
  Config cfg = load({{"REDIS_URL", "rediss://h"},
                     {"REDIS_CA_FILE", "/etc/redis/ca.crt"},
                     {"REDIS_KEY_PREFIX", "stage:"}});
  EXPECT_EQ(cfg.redis->ca_file, fs::path("/etc/redis/ca.crt"));
  EXPECT_EQ(cfg.redis->key_prefix, "stage:");
  cfg = load({{"REDIS_URL", "redis://h"}, {"REDIS_CA_FILE", "/etc/redis/ca.crt"}});
  EXPECT_TRUE(cfg.redis->ca_file.empty());
  ASSERT_EQ(cfg.warnings.size(), 1u);
  EXPECT_NE(cfg.warnings[0].find("REDIS_CA_FILE is ignored"), std::string::npos);
  expect_rejected("REDIS_KEY_PREFIX", "has space", {{"REDIS_URL", "redis://h"}});
  expect_rejected("REDIS_KEY_PREFIX", std::string(65, 'p'), {{"REDIS_URL", "redis://h"}});
}

TEST(Config, malformed_redis_settings_are_rejected) {
  for (const char* value :
       {"http://h", "h:6379", "redis://", "redis://:6379", "redis://h:0", "redis://h:99999",
        "redis://h:", "redis://h/abc", "redis://h/1/2", "redis://h/1?ssl=true", "redis://h#x",
        "redis://user@h", "redis://u:@h", "redis://h h", "redis://::1:6379", "redis://[::1",
        "redis://u:%zz@h", "redis://-bad-.example", "redis://h/99999999"}) {
    expect_rejected("REDIS_URL", value);
    expect_rejected("UPSTASH_REDIS_URL", value);
  }
  for (const char* value : {"bad host", "h:6379", "-x", "1.2.3.4.5"}) {
    expect_rejected("REDIS_HOST", value);
  }
  for (const char* value : {"0", "65536", "x"}) {
    expect_rejected("REDIS_PORT", value, {{"REDIS_HOST", "h"}});
  }
}

TEST(Config, rate_limits_parse_count_and_window) {
  const Config cfg = load({{"RATE_LIMIT_LOGIN_PER_ADDRESS", "5/30"},
                           {"RATE_LIMIT_LOGIN_PER_ACCOUNT", "100/h"},
                           {"RATE_LIMIT_SIGNUP_PER_ADDRESS", "off"}});
  EXPECT_EQ(cfg.login_per_address->limit, 5u);
  EXPECT_EQ(cfg.login_per_address->window, std::chrono::seconds(30));
  EXPECT_EQ(cfg.login_per_account->limit, 100u);
  EXPECT_EQ(cfg.login_per_account->window, std::chrono::hours(1));
  EXPECT_FALSE(cfg.signup_per_address.has_value());
  const Config other = load({{"RATE_LIMIT_LOGIN_PER_ADDRESS", "20/5m"},
                             {"RATE_LIMIT_LOGIN_PER_ACCOUNT", "1000000/24h"},
                             {"RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS", "3/2m"},
                             {"RATE_LIMIT_SIGNUP_PER_ADDRESS", "1/1s"}});
  EXPECT_EQ(other.login_per_address->window, std::chrono::minutes(5));
  EXPECT_EQ(other.login_per_account->limit, 1000000u);
  EXPECT_EQ(other.login_per_account_address->limit, 3u);
  EXPECT_EQ(other.login_per_account_address->window, std::chrono::minutes(2));
  EXPECT_EQ(other.signup_per_address->window, std::chrono::seconds(1));
  EXPECT_FALSE(load({{"RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS", "off"}})
                   .login_per_account_address.has_value());
}

TEST(Config, malformed_rate_limits_are_rejected) {
  for (const char* name :
       {"RATE_LIMIT_LOGIN_PER_ADDRESS", "RATE_LIMIT_LOGIN_PER_ACCOUNT",
        "RATE_LIMIT_LOGIN_PER_ACCOUNT_ADDRESS", "RATE_LIMIT_SIGNUP_PER_ADDRESS"}) {
    for (const char* value :
         {"20", "0/1m", "1/0m", "1/0", "1/25h", "1/86401", "20/5d", "abc", "1000001/1m", "-1/1m",
          "20/ 5m", "20/5M", "/5m", "20/", "Off", "20/5m/1"}) {
      expect_rejected(name, value);
    }
  }
}

TEST(Config, secrets_never_appear_in_error_messages) {
  // Long enough for production, so that the production case below fails on its hash cost.
  const std::string secret = "hunter2-very-secret-value-0123456789";
  const std::vector<Vars> cases = {
      {{"JWT_SECRET", secret}, {"PORT", "bad"}},
      {{"JWT_SECRET", "hunter2-short"}, {"APP_ENV", "production"}},
      {{"ADMIN_SECRET", secret}, {"APP_ENV", "staging"}},
      {{"AWS_SECRET_ACCESS_KEY", secret}, {"S3_BUCKET", "media"}},
      {{"JWT_SECRET", secret}, {"APP_ENV", "production"}, {"PASSWORD_HASH_COST", "min"}},
      {{"DATABASE_URL", "postgres://u:" + secret + "@[h/db"}},
      {{"DATABASE_URL", "redis://u:" + secret + "@h/0"}},
      {{"MONGO_URI", "mongodb://u:" + secret + "@h/db"}},
      {{"REDIS_URL", "redis://u:" + secret + "@h:6379/x"}},
      {{"REDIS_URL", "redis://u:" + secret + "@h:99999"}},
      {{"REDIS_URL", "redis://u:" + secret + "@"}},
      {{"REDIS_URL", "ftp://u:" + secret + "@h"}},
      {{"REDIS_URL", "redis://u:" + secret + "/x?y#z@h:bad"}},
      {{"REDIS_URL", "redis:/u:" + secret + "@h"}},
      {{"UPSTASH_REDIS_URL", "rediss://default:" + secret + "@h:6379?x=1"}},
      {{"REDIS_HOST", "u:" + secret + "@h"}},
      {{"CORS_ORIGINS", "https://u:" + secret + "@h.example"}},
      {{"PUBLIC_BASE_URL", "https://u:" + secret + "@h.example/#x"}},
  };
  for (const auto& vars : cases) {
    const std::string message = error_for(vars);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST(Config, echoed_values_have_control_characters_escaped) {
  const std::string message = error_for({{"PORT", std::string("80\n\r\t\x1b[31m\x7f\"\\")}});
  EXPECT_EQ(message.find_first_of("\n\r\t\x1b\x7f"), std::string::npos) << message;
  EXPECT_NE(message.find(R"("80\n\r\t\u001b[31m\u007f\"\\")"), std::string::npos) << message;
}

TEST(Config, echoed_values_that_are_not_utf8_stay_valid_utf8) {
  const std::string message = error_for({{"PORT", std::string("80\xff\xc3")}});
  EXPECT_NE(message.find(R"("80\ufffd\ufffd")"), std::string::npos) << message;
}

TEST(Config, echoed_values_are_truncated) {
  const std::string message = error_for({{"LOG_LEVEL", std::string(1000, 'x')}});
  EXPECT_TRUE(starts_with(message, "LOG_LEVEL: ")) << message;
  EXPECT_LT(message.size(), 200U) << message;
  EXPECT_NE(message.find("\"" + std::string(64, 'x') + "\"..."), std::string::npos) << message;
}

TEST(Config, truncation_never_splits_a_utf8_character) {
  // 63 ASCII bytes, then a two-byte character straddling the 64-byte limit.
  const std::string message =
      error_for({{"LOG_LEVEL", std::string(63, 'x') + "\xC3\xA9" + "tail"}});
  EXPECT_NE(message.find("\"" + std::string(63, 'x') + "\"..."), std::string::npos) << message;
}

// ensure_jwt_secret works on a fresh temporary directory per test.
class JwtSecretFile : public ::testing::Test {
 protected:
  // Some tests take the owner's rights away; the directory's removal needs them back.
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ignored);
  }

  static Config config_for(const fs::path& dir) {
    Config cfg;
    cfg.data_dir = dir;
    return cfg;
  }

  static mode_t mode_of(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }

  static std::string error_for_dir(const fs::path& dir) {
    Config cfg = config_for(dir);
    try {
      ensure_jwt_secret(cfg);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "ensure_jwt_secret succeeded for " << dir;
    return {};
  }

  test::TempDir dir_;
  fs::path root_ = dir_.path();
};

TEST_F(JwtSecretFile, creates_a_private_directory_and_file) {
  const fs::path dir = root_ / "nested" / "data";
  Config cfg = config_for(dir);
  ensure_jwt_secret(cfg);

  EXPECT_EQ(cfg.jwt_secret.size(), 128U);
  EXPECT_EQ(cfg.jwt_secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(mode_of(dir), 0700U);
  EXPECT_EQ(mode_of(root_ / "nested"), 0700U);
  EXPECT_EQ(mode_of(dir / "jwt_secret"), 0600U);

  // Only the secret is left behind: no temporary files.
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir)) entries.push_back(entry.path().filename());
  EXPECT_EQ(entries, std::vector<fs::path>{"jwt_secret"});
}

TEST_F(JwtSecretFile, second_call_returns_the_same_secret) {
  Config first = config_for(root_ / "data");
  ensure_jwt_secret(first);
  Config second = config_for(root_ / "data");
  ensure_jwt_secret(second);
  EXPECT_EQ(first.jwt_secret, second.jwt_secret);
}

TEST_F(JwtSecretFile, concurrent_first_starts_agree_on_one_secret) {
  constexpr int kStarters = 8;
  std::vector<std::string> secrets(kStarters);
  std::vector<std::thread> threads;
  threads.reserve(kStarters);
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([this, &secrets, i] {
      Config cfg = config_for(root_ / "data");
      ensure_jwt_secret(cfg);
      secrets[static_cast<std::size_t>(i)] = cfg.jwt_secret;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& secret : secrets) EXPECT_EQ(secret, secrets[0]);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(root_ / "data")) ++entries;
  EXPECT_EQ(entries, 1U);
}

TEST_F(JwtSecretFile, existing_file_is_read_and_trimmed) {
  const std::string secret(40, 's');
  std::ofstream(root_ / "jwt_secret") << "  " << secret << "\r\n\n";
  Config cfg = config_for(root_);
  ensure_jwt_secret(cfg);
  EXPECT_EQ(cfg.jwt_secret, secret);
}

TEST_F(JwtSecretFile, configured_secret_is_left_alone_and_nothing_is_created) {
  Config cfg = config_for(root_ / "untouched");
  cfg.jwt_secret = "from-the-environment";
  ensure_jwt_secret(cfg);
  EXPECT_EQ(cfg.jwt_secret, "from-the-environment");
  EXPECT_FALSE(fs::exists(root_ / "untouched"));
}

TEST_F(JwtSecretFile, too_short_file_is_reported_as_corrupt_without_its_content) {
  std::ofstream(root_ / "jwt_secret") << "hunter2\n";
  const std::string message = error_for_dir(root_);
  EXPECT_TRUE(starts_with(message, "DATA_DIR: ")) << message;
  EXPECT_NE(message.find("jwt_secret"), std::string::npos) << message;
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST_F(JwtSecretFile, data_dir_that_is_a_regular_file_is_an_error) {
  const fs::path file = root_ / "not-a-dir";
  std::ofstream(file) << "x";
  const std::string message = error_for_dir(file);
  EXPECT_TRUE(starts_with(message, "DATA_DIR: cannot create ")) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
}

TEST_F(JwtSecretFile, data_dir_below_a_regular_file_is_an_error) {
  const fs::path file = root_ / "not-a-dir";
  std::ofstream(file) << "x";
  const std::string message = error_for_dir(file / "data");
  EXPECT_TRUE(starts_with(message, "DATA_DIR: cannot create ")) << message;
}

TEST_F(JwtSecretFile, unwritable_data_dir_is_an_error) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path dir = root_ / "locked";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string message = error_for_dir(dir);
  EXPECT_TRUE(starts_with(message, "DATA_DIR: cannot create ")) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
}

}  // namespace
}  // namespace volkrin
