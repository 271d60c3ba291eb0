// PostgresMetadataStore::import_batch: users and tracks from an import, in one transaction.
#include <array>
#include <string>

#include "store/postgres/postgres_metadata_store.hpp"

namespace volkrin {
namespace {

// ON CONFLICT (id) skips known ids only: an email taken by another id, or an uploader that
// does not exist (foreign key), still fails and rolls the whole batch back.
constexpr PostgresStatement kImportUser{
    "import_user",
    "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"};
const std::string kImportTrackSql = postgres_track_insert("ON CONFLICT (id) DO NOTHING");
const PostgresStatement kImportTrack{"import_track", kImportTrackSql};

}  // namespace

ImportCounts PostgresMetadataStore::import_batch(const std::vector<UserRecord>& users,
                                                 const std::vector<TrackRecord>& tracks) {
  return with_connection([&](PostgresConnection& connection) {
    ImportCounts counts;
    connection.exec("BEGIN");
    try {
      for (const auto& u : users) {
        const std::array params{pg_text(u.id),          pg_text(u.name),
                                pg_text(u.email),       pg_text(u.password_hash),
                                pg_text(u.role),        pg_int(u.created_at_ms),
                                pg_int(u.updated_at_ms)};
        const auto result = connection.run(kImportUser, params);
        ++(result.affected_rows() > 0 ? counts.users_added : counts.users_skipped);
      }
      for (const auto& t : tracks) {
        const auto params = track_row_params(t);
        const auto result = connection.run(kImportTrack, params);
        ++(result.affected_rows() > 0 ? counts.tracks_added : counts.tracks_skipped);
      }
      connection.exec("COMMIT");
    } catch (...) {
      try {
        connection.exec("ROLLBACK");
      } catch (...) {
        // A lost connection has rolled back on its own.
      }
      throw;
    }
    return counts;
  });
}

}  // namespace volkrin
