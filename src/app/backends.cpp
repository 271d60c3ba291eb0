// Adapter selection from the configuration.
#include "app/backends.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "cache/memory_cache.hpp"
#include "media/local_media_store.hpp"
#include "media/s3/s3_media_store.hpp"
#include "ratelimit/memory_rate_limiter.hpp"
#include "redis/redis_cache.hpp"
#include "redis/redis_rate_limiter.hpp"
#include "store/postgres/postgres_metadata_store.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"
#include "support/crypto.hpp"
#include "support/postgres_url.hpp"

namespace volkrin {

namespace {

// Waits for the server up to DATABASE_CONNECT_TIMEOUT (it may still be starting, e.g. in
// the same compose file), trying every 500 ms.
std::unique_ptr<MetadataStore> open_postgres_store(const Config& config) {
  const std::string target = postgres_url_target(config.postgres_url);
  const unsigned connections = std::max(2u, resolve_worker_threads(config));
  const auto deadline = std::chrono::steady_clock::now() + config.database_connect_timeout;
  constexpr auto kRetryEvery = std::chrono::milliseconds(500);
  bool waiting_logged = false;
  for (;;) {
    try {
      return std::make_unique<PostgresMetadataStore>(config.postgres_url, connections);
    } catch (const PostgresError& e) {
      if (!e.connection_lost()) {
        throw ConfigError("DATABASE_URL: cannot use the PostgreSQL database at " + target + ": " +
                          e.what());
      }
      if (std::chrono::steady_clock::now() + kRetryEvery > deadline) {
        throw ConfigError("DATABASE_URL: cannot connect to PostgreSQL at " + target + ": " +
                          e.reason());
      }
      if (!waiting_logged) {
        spdlog::info("waiting up to {} s for PostgreSQL at {}: {}",
                     config.database_connect_timeout.count(), target, e.reason());
        waiting_logged = true;
      }
      std::this_thread::sleep_for(kRetryEvery);
    } catch (const std::exception& e) {
      throw ConfigError("DATABASE_URL: cannot use the PostgreSQL database at " + target + ": " +
                        e.what());
    }
  }
}

}  // namespace

std::unique_ptr<MetadataStore> open_metadata_store(const Config& config) {
  if (!config.postgres_url.empty()) return open_postgres_store(config);
  try {
    return std::make_unique<SqliteMetadataStore>(config.sqlite_path,
                                                 std::max(2u, resolve_worker_threads(config)));
  } catch (const std::exception& e) {
    throw ConfigError("DATABASE_URL: cannot open the SQLite database " +
                      config.sqlite_path.string() + ": " + e.what());
  }
}

std::string media_signing_key(const Config& config) {
  return crypto::hmac_sha256(config.jwt_secret, "volkrin media URL signing key v1");
}

std::unique_ptr<MediaStore> open_media_store(const Config& config, SweepPartialUploads sweep) {
  std::unique_ptr<MediaStore> media;
  if (config.s3) {
    const auto spool = config.data_dir / "spool";
    try {
      S3StoreOptions options;
      options.spool_dir = spool;
      media = std::make_unique<S3MediaStore>(*config.s3, std::move(options));
    } catch (const std::exception& e) {
      throw ConfigError("DATA_DIR: cannot use " + spool.string() + " for uploads: " + e.what());
    }
    spdlog::info("media in S3 bucket {} ({})", config.s3->bucket,
                 config.s3->endpoint.empty() ? "AWS " + config.s3->region : config.s3->endpoint);
  } else {
    try {
      media =
          std::make_unique<LocalMediaStore>(config.data_dir / "media", media_signing_key(config));
    } catch (const std::exception& e) {
      throw ConfigError("DATA_DIR: cannot use " + (config.data_dir / "media").string() +
                        " for media: " + e.what());
    }
  }
  if (sweep == SweepPartialUploads::no) return media;
  if (const std::size_t swept = media->sweep_incomplete(); swept > 0) {
    spdlog::info("removed {} partial upload(s) left by an earlier run", swept);
  }
  return media;
}

std::shared_ptr<redis::RedisClient> open_redis(const Config& config) {
  if (!config.redis) return nullptr;
  return std::make_shared<redis::RedisClient>(*config.redis);
}

std::unique_ptr<Cache> open_cache(const std::shared_ptr<redis::RedisClient>& redis) {
  if (redis) return std::make_unique<RedisCache>(redis);
  return std::make_unique<MemoryCache>();
}

std::unique_ptr<RateLimiter> open_rate_limiter(const std::shared_ptr<redis::RedisClient>& redis) {
  if (redis) return std::make_unique<RedisRateLimiter>(redis);
  return std::make_unique<MemoryRateLimiter>();
}

unsigned resolve_io_threads(const Config& config) {
  if (config.io_threads != 0) return config.io_threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned resolve_worker_threads(const Config& config) {
  if (config.worker_threads != 0) return config.worker_threads;
  return std::max(2u, std::thread::hardware_concurrency());
}

}  // namespace volkrin
