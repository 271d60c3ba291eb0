// Script 3 of the PostgreSQL store; see postgres_library_schema.hpp.
#include "store/postgres/postgres_library_schema.hpp"

#include <string>

#include "store/library_schema.hpp"

namespace volkrin {
namespace {

// Sort keys compare byte-wise (COLLATE "C"), as in SQLite.
constexpr std::string_view kTables = R"sql(
ALTER TABLE tracks
  ADD COLUMN album TEXT NOT NULL DEFAULT '',
  ADD COLUMN album_artist TEXT NOT NULL DEFAULT '',
  ADD COLUMN track_number BIGINT,
  ADD COLUMN track_total BIGINT,
  ADD COLUMN disc_number BIGINT,
  ADD COLUMN disc_total BIGINT,
  ADD COLUMN year BIGINT,
  ADD COLUMN genre TEXT NOT NULL DEFAULT '',
  ADD COLUMN musicbrainz_track_id TEXT,
  ADD COLUMN musicbrainz_album_id TEXT,
  ADD COLUMN musicbrainz_artist_id TEXT,
  ADD COLUMN album_id TEXT COLLATE "C",
  ADD COLUMN artist_id TEXT COLLATE "C",
  ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX tracks_of_album ON tracks (album_id, disc_number, track_number);
CREATE INDEX tracks_of_artist ON tracks (artist_id);
CREATE INDEX tracks_by_content ON tracks (content_hash);
CREATE TABLE albums (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT COLLATE "C" NOT NULL,
  artist TEXT NOT NULL,
  sort_artist TEXT COLLATE "C" NOT NULL,
  artist_id TEXT COLLATE "C",
  year BIGINT,
  genre TEXT NOT NULL,
  track_count BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  cover_track_id TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX albums_by_name ON albums (sort_name, id);
CREATE INDEX albums_by_artist ON albums (sort_artist, sort_name, id);
CREATE INDEX albums_by_year ON albums ((year IS NULL), year, sort_name, id);
CREATE INDEX albums_newest ON albums (created_at DESC, id DESC);
CREATE INDEX albums_of_artist ON albums (artist_id, sort_name, id);
CREATE TABLE artists (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  sort_name TEXT COLLATE "C" NOT NULL,
  album_count BIGINT NOT NULL,
  track_count BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  cover_track_id TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX artists_by_name ON artists (sort_name, id);
CREATE TABLE library_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO library_changes (id, version) VALUES (1, 0);
)sql";

// library_changes counts committed changes of the tracks (see MetadataStore::library_version).
// One transaction at a time rebuilds a given album or artist: the lock is held until it
// ends, and under READ COMMITTED each statement after it sees the rows that others committed
// meanwhile. Albums are locked before artists, always, so two writers cannot deadlock.
std::string functions() {
  std::string sql =
      "CREATE FUNCTION volkrin_refresh_album(p_id TEXT) RETURNS void AS $body$\nBEGIN\n"
      "IF p_id IS NULL THEN RETURN; END IF;\n"
      "PERFORM pg_advisory_xact_lock(hashtextextended('album:' || p_id, 0));\n";
  sql += refresh_album_sql("p_id");
  sql +=
      "END\n$body$ LANGUAGE plpgsql;\n"
      "CREATE FUNCTION volkrin_refresh_artist(p_id TEXT) RETURNS void AS $body$\nBEGIN\n"
      "IF p_id IS NULL THEN RETURN; END IF;\n"
      "PERFORM pg_advisory_xact_lock(hashtextextended('artist:' || p_id, 0));\n";
  sql += refresh_artist_sql("p_id");
  sql += R"sql(END
$body$ LANGUAGE plpgsql;
CREATE FUNCTION volkrin_tracks_library() RETURNS trigger AS $body$
BEGIN
  -- Taken first, and held to the end of the transaction: whoever holds an album or artist
  -- lock below holds this row too, so no two writers can wait on each other's locks.
  UPDATE library_changes SET version = version + 1 WHERE id = 1;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM volkrin_refresh_album(OLD.album_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM volkrin_refresh_album(NEW.album_id);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM volkrin_refresh_artist(OLD.artist_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM volkrin_refresh_artist(NEW.artist_id);
  END IF;
  RETURN NULL;
END
$body$ LANGUAGE plpgsql;
CREATE TRIGGER tracks_library AFTER INSERT OR DELETE OR UPDATE OF {columns} ON tracks
  FOR EACH ROW EXECUTE FUNCTION volkrin_tracks_library();
)sql";
  const auto at = sql.find("{columns}");
  return sql.replace(at, 9, kLibraryTrackColumns);
}

}  // namespace

std::string_view postgres_library_script() {
  static const std::string script = std::string(kTables) + functions();
  return script;
}

}  // namespace volkrin
