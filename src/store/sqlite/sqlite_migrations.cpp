// The SQLite store's schema scripts and the runner that applies them.
#include "store/sqlite/sqlite_migrations.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "store/schema_version.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_library_schema.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace volkrin {
namespace {

// Times are milliseconds since the Unix epoch.
constexpr std::string_view kUsersAndTracks = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE tracks (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  artist TEXT NOT NULL DEFAULT '',
  file_key TEXT NOT NULL,
  thumbnail_key TEXT NOT NULL,
  uploaded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  duration_ms INTEGER,
  bitrate INTEGER,
  sample_rate INTEGER,
  channels INTEGER,
  format TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tracks_newest ON tracks (created_at DESC, id DESC);
CREATE INDEX tracks_uploaded_by ON tracks (uploaded_by);
)sql";

// A trigram index of titles and artists, so that `q` finds a substring without reading every
// track. It holds no copy of the text (external content): the triggers keep it in step with
// the table, keyed by the tracks' rowid, which VACUUM preserves.
constexpr std::string_view kTrackSearch = R"sql(
CREATE VIRTUAL TABLE tracks_search USING fts5(
  title, artist, content = 'tracks', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO tracks_search (tracks_search) VALUES ('rebuild');
CREATE TRIGGER tracks_search_insert AFTER INSERT ON tracks BEGIN
  INSERT INTO tracks_search (rowid, title, artist) VALUES (new.rowid, new.title, new.artist);
END;
CREATE TRIGGER tracks_search_delete AFTER DELETE ON tracks BEGIN
  INSERT INTO tracks_search (tracks_search, rowid, title, artist)
  VALUES ('delete', old.rowid, old.title, old.artist);
END;
CREATE TRIGGER tracks_search_update AFTER UPDATE OF title, artist ON tracks BEGIN
  INSERT INTO tracks_search (tracks_search, rowid, title, artist)
  VALUES ('delete', old.rowid, old.title, old.artist);
  INSERT INTO tracks_search (rowid, title, artist) VALUES (new.rowid, new.title, new.artist);
END;
)sql";

const std::array<std::string_view, 3> kScripts = {kUsersAndTracks, kTrackSearch,
                                                  sqlite_library_script()};

std::int64_t user_version(SqliteConnection& connection) {
  auto statement = connection.prepare("PRAGMA user_version");
  return statement.step() ? statement.column_int64(0) : 0;
}

}  // namespace

std::span<const std::string_view> sqlite_schema_scripts() {
  return kScripts;
}

int sqlite_schema_version() {
  return static_cast<int>(kScripts.size());
}

void apply_migrations(SqliteConnection& connection, std::span<const std::string_view> scripts) {
  const auto known = static_cast<std::int64_t>(scripts.size());
  for (;;) {
    // The version is read inside the write transaction, so another process migrating the
    // same file at the same time cannot make a script run twice.
    SqliteTransaction transaction(connection);
    const std::int64_t version = user_version(connection);
    check_schema_version(version, known);
    if (version == known) return;
    connection.exec(std::string(scripts[static_cast<std::size_t>(version)]));
    connection.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
  }
}

void migrate_sqlite_schema(SqliteConnection& connection) {
  apply_migrations(connection, sqlite_schema_scripts());
}

}  // namespace volkrin
