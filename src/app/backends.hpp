// Builds the adapters a configuration asks for (the only place that picks them).
#pragma once

#include <memory>

#include "ports/cache.hpp"
#include "ports/media_store.hpp"
#include "ports/metadata_store.hpp"
#include "ports/rate_limiter.hpp"
#include "redis/redis_client.hpp"
#include "support/config.hpp"

namespace volkrin {

// Throws ConfigError naming the variable when the store cannot be opened. PostgreSQL is
// waited for up to DATABASE_CONNECT_TIMEOUT.
std::unique_ptr<MetadataStore> open_metadata_store(const Config& config);

// Key for signing local media URLs, derived from the JWT secret so that every instance
// sharing that secret signs alike, while a media URL can never pass as a token.
std::string media_signing_key(const Config& config);

// Media in the S3 bucket when configured (uploads spooled under DATA_DIR/spool), else under
// DATA_DIR/media. Partial uploads of an earlier process are swept here, unless the caller
// may run beside a server on the same DATA_DIR (an import), whose uploads they could be.
enum class SweepPartialUploads { yes, no };
std::unique_ptr<MediaStore> open_media_store(const Config& config,
                                             SweepPartialUploads sweep = SweepPartialUploads::yes);

// The Redis client when Redis is configured, else nullptr. Connects nowhere yet (see
// RedisClient::start); throws ConfigError naming REDIS_CA_FILE when that file is unusable.
std::shared_ptr<redis::RedisClient> open_redis(const Config& config);
// On Redis when `redis` is set, else in-process.
std::unique_ptr<Cache> open_cache(const std::shared_ptr<redis::RedisClient>& redis);
std::unique_ptr<RateLimiter> open_rate_limiter(const std::shared_ptr<redis::RedisClient>& redis);

unsigned resolve_io_threads(const Config& config);
unsigned resolve_worker_threads(const Config& config);

}  // namespace volkrin
