// Adapter selection from the configuration.
#include "app/backends.hpp"

#include <algorithm>
#include <thread>

#include "store/sqlite/sqlite_metadata_store.hpp"

namespace volkrin {

std::unique_ptr<MetadataStore> open_metadata_store(const Config& config) {
  try {
    return std::make_unique<SqliteMetadataStore>(config.sqlite_path,
                                                 std::max(2u, resolve_worker_threads(config)));
  } catch (const std::exception& e) {
    throw ConfigError("DATABASE_URL: cannot open the SQLite database " +
                      config.sqlite_path.string() + ": " + e.what());
  }
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
