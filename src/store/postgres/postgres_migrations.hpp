// Schema migrations of the PostgreSQL store, recorded in schema_migrations.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace volkrin {

class PostgresConnection;

// Key of the transaction-level advisory lock every migrating process takes first, so that
// instances starting together apply each script exactly once ("volkrinm" in ASCII).
inline constexpr std::int64_t kPostgresMigrationLock = 0x766F6C6B72696E6D;

// The store's scripts in order: script i takes the schema from version i to i + 1.
// Append only; never edit a script that has shipped.
std::span<const std::string_view> postgres_schema_scripts();

// The schema version this build writes: the number of scripts.
int postgres_schema_version();

// Applies the scripts the database has not seen yet, each in its own transaction together
// with its schema_migrations row (version, applied_at), holding
// pg_advisory_xact_lock(kPostgresMigrationLock) throughout, so that a failed script leaves
// the database at the previous version and concurrent starters wait for each other.
// Throws std::runtime_error when the database's version is newer than scripts.size()
// (written by a newer build), PostgresError when the server fails.
void apply_postgres_migrations(PostgresConnection& connection,
                               std::span<const std::string_view> scripts);

// apply_postgres_migrations with the store's own scripts.
void migrate_postgres_schema(PostgresConnection& connection);

}  // namespace volkrin
