// The PostgreSQL store's schema scripts and the runner that applies them under a lock.
#include "store/postgres/postgres_migrations.hpp"

#include <array>
#include <string>

#include "store/postgres/postgres_connection.hpp"
#include "store/postgres/postgres_library_schema.hpp"
#include "store/schema_version.hpp"

namespace volkrin {
namespace {

// Mirrors the SQLite schema. Times are milliseconds since the Unix epoch; ids compare
// byte-wise (COLLATE "C") as in SQLite, so that ties in the track order break alike.
constexpr std::string_view kUsersAndTracks = R"sql(
CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CONSTRAINT users_role_check CHECK (role IN ('user', 'admin')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE tracks (
  id TEXT COLLATE "C" PRIMARY KEY,
  title TEXT NOT NULL,
  artist TEXT NOT NULL DEFAULT '',
  file_key TEXT NOT NULL,
  thumbnail_key TEXT NOT NULL,
  uploaded_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
  duration_ms BIGINT,
  bitrate BIGINT,
  sample_rate BIGINT,
  channels BIGINT,
  format TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX tracks_newest ON tracks (created_at DESC, id DESC);
CREATE INDEX tracks_uploaded_by ON tracks (uploaded_by);
)sql";

// Trigram indexes let `q` (ILIKE '%text%') find a substring of three characters or more
// without reading every track. pg_trgm ships with PostgreSQL and is a trusted extension, but
// a server may lack it or refuse it: then searches scan, as before, and start-up goes on.
constexpr std::string_view kTrackSearch = R"sql(
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX tracks_title_trigrams ON tracks USING gin (title gin_trgm_ops);
  CREATE INDEX tracks_artist_trigrams ON tracks USING gin (artist gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'no trigram index for track searches (%); they will scan', SQLERRM;
END
$$;
)sql";

const std::array<std::string_view, 3> kScripts = {kUsersAndTracks, kTrackSearch,
                                                  postgres_library_script()};

constexpr PostgresStatement kCurrentVersion{
    "migrations_current_version", "SELECT coalesce(max(version), 0) FROM schema_migrations"};
constexpr PostgresStatement kRecordVersion{"migrations_record_version",
                                           "INSERT INTO schema_migrations (version) VALUES ($1)"};

// Rolls back unless committed; the connection stays usable either way.
class Transaction {
 public:
  explicit Transaction(PostgresConnection& connection) : connection_(connection) {
    connection_.exec("BEGIN");
  }
  ~Transaction() {
    if (!done_) connection_.end_transaction_quietly();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit() {
    connection_.exec("COMMIT");
    done_ = true;
  }

 private:
  PostgresConnection& connection_;
  bool done_ = false;
};

}  // namespace

std::span<const std::string_view> postgres_schema_scripts() {
  return kScripts;
}

int postgres_schema_version() {
  return static_cast<int>(kScripts.size());
}

void apply_postgres_migrations(PostgresConnection& connection,
                               std::span<const std::string_view> scripts) {
  const auto known = static_cast<std::int64_t>(scripts.size());
  for (;;) {
    Transaction transaction(connection);
    // Held until COMMIT or ROLLBACK; a second process waits here, then sees the new version.
    connection.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kPostgresMigrationLock) + ")");
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const std::int64_t version = connection.run(kCurrentVersion).int64(0, 0);
    check_schema_version(version, known);
    if (version == known) {
      transaction.commit();
      return;
    }
    connection.exec(std::string(scripts[static_cast<std::size_t>(version)]));
    const std::array next{pg_int(version + 1)};
    connection.run(kRecordVersion, next);
    transaction.commit();
  }
}

void migrate_postgres_schema(PostgresConnection& connection) {
  apply_postgres_migrations(connection, postgres_schema_scripts());
}

}  // namespace volkrin
