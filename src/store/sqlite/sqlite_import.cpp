// SqliteMetadataStore::import_batch: users and tracks from an import, in one transaction.
#include <string>

#include "store/sqlite/sqlite_metadata_store.hpp"

namespace volkrin {

ImportCounts SqliteMetadataStore::import_batch(const std::vector<UserRecord>& users,
                                               const std::vector<TrackRecord>& tracks) {
  // ON CONFLICT (id) skips known ids only: an email taken by another id, or an uploader
  // that does not exist (foreign key), still fails and rolls the whole batch back.
  static constexpr std::string_view kInsertUser =
      "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING";
  static const std::string kInsertTrack =
      sqlite_track_insert("VALUES ({values}) ON CONFLICT (id) DO NOTHING");

  return with_write_transaction([&](SqliteConnection& connection) {
    ImportCounts counts;
    for (const auto& u : users) {
      connection.prepare(kInsertUser)
          .bind_text(1, u.id)
          .bind_text(2, u.name)
          .bind_text(3, u.email)
          .bind_text(4, u.password_hash)
          .bind_text(5, u.role)
          .bind_int64(6, u.created_at_ms)
          .bind_int64(7, u.updated_at_ms)
          .run();
      ++(connection.changes() > 0 ? counts.users_added : counts.users_skipped);
    }
    for (const auto& t : tracks) {
      auto statement = connection.prepare(kInsertTrack);
      bind_track_row(statement, t);
      statement.run();
      ++(connection.changes() > 0 ? counts.tracks_added : counts.tracks_skipped);
    }
    return counts;
  });
}

}  // namespace volkrin
