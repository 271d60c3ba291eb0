// The check both stores' migration runners make of the schema version a database records.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace volkrin {

// Throws std::runtime_error when `version` cannot be migrated by a build that knows `known`
// scripts: negative, or newer (written by a newer build). Otherwise the scripts from
// `version` on are to run; none when it equals `known`.
inline void check_schema_version(std::int64_t version, std::int64_t known) {
  if (version < 0) {
    throw std::runtime_error("database schema version " + std::to_string(version) +
                             " is not valid");
  }
  if (version > known) {
    throw std::runtime_error("database schema version " + std::to_string(version) +
                             " is newer than this build supports (" + std::to_string(known) +
                             "); it was written by a newer volkrin");
  }
}

}  // namespace volkrin
