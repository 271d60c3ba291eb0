// Script 3 of the SQLite store; see sqlite_library_schema.hpp.
#include "store/sqlite/sqlite_library_schema.hpp"

#include <string>

#include "store/library_schema.hpp"

namespace volkrin {
namespace {

constexpr std::string_view kTables = R"sql(
ALTER TABLE tracks ADD COLUMN album TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN album_artist TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN track_number INTEGER;
ALTER TABLE tracks ADD COLUMN track_total INTEGER;
ALTER TABLE tracks ADD COLUMN disc_number INTEGER;
ALTER TABLE tracks ADD COLUMN disc_total INTEGER;
ALTER TABLE tracks ADD COLUMN year INTEGER;
ALTER TABLE tracks ADD COLUMN genre TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN musicbrainz_track_id TEXT;
ALTER TABLE tracks ADD COLUMN musicbrainz_album_id TEXT;
ALTER TABLE tracks ADD COLUMN musicbrainz_artist_id TEXT;
ALTER TABLE tracks ADD COLUMN album_id TEXT;
ALTER TABLE tracks ADD COLUMN artist_id TEXT;
ALTER TABLE tracks ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX tracks_of_album ON tracks (album_id, disc_number, track_number);
CREATE INDEX tracks_of_artist ON tracks (artist_id);
CREATE INDEX tracks_by_content ON tracks (content_hash);
CREATE TABLE albums (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  artist TEXT NOT NULL,
  sort_artist TEXT NOT NULL,
  artist_id TEXT,
  year INTEGER,
  genre TEXT NOT NULL,
  track_count INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  cover_track_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX albums_by_name ON albums (sort_name, id);
CREATE INDEX albums_by_artist ON albums (sort_artist, sort_name, id);
CREATE INDEX albums_by_year ON albums (year IS NULL, year, sort_name, id);
CREATE INDEX albums_newest ON albums (created_at DESC, id DESC);
CREATE INDEX albums_of_artist ON albums (artist_id, sort_name, id);
CREATE TABLE artists (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  album_count INTEGER NOT NULL,
  track_count INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  cover_track_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX artists_by_name ON artists (sort_name, id);
CREATE TABLE library_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO library_changes (id, version) VALUES (1, 0);
)sql";

std::string trigger(std::string_view name, std::string_view event, std::string_view row) {
  std::string sql =
      "CREATE TRIGGER " + std::string(name) + " AFTER " + std::string(event) + " ON tracks BEGIN\n";
  sql += refresh_album_sql(std::string(row) + ".album_id");
  sql += refresh_artist_sql(std::string(row) + ".artist_id");
  sql += "UPDATE library_changes SET version = version + 1;\n";
  return sql + "END;\n";
}

std::string build() {
  std::string sql(kTables);
  sql += trigger("tracks_library_insert", "INSERT", "new");
  sql += trigger("tracks_library_delete", "DELETE", "old");
  // An update refreshes what the row left, then what it joined.
  const std::string update = "UPDATE OF " + std::string(kLibraryTrackColumns);
  sql += trigger("tracks_library_update_old", update, "old");
  sql += trigger("tracks_library_update_new", update, "new");
  return sql;
}

}  // namespace

std::string_view sqlite_library_script() {
  static const std::string script = build();
  return script;
}

}  // namespace volkrin
