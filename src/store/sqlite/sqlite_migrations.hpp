// Schema migrations of the SQLite store, counted in PRAGMA user_version.
#pragma once

#include <span>
#include <string_view>

namespace volkrin {

class SqliteConnection;

// The store's scripts in order: script i takes the schema from version i to i + 1.
// Append only; never edit a script that has shipped.
std::span<const std::string_view> sqlite_schema_scripts();

// The schema version this build writes: the number of scripts.
int sqlite_schema_version();

// Applies the scripts the database has not seen yet, each in its own IMMEDIATE
// transaction together with its user_version bump, so that a failed script leaves the
// database at the previous version. Safe against other processes migrating the same
// file. Throws std::runtime_error when the database's version is newer than
// scripts.size() (written by a newer build).
void apply_migrations(SqliteConnection& connection, std::span<const std::string_view> scripts);

// apply_migrations with the store's own scripts.
void migrate_sqlite_schema(SqliteConnection& connection);

}  // namespace volkrin
