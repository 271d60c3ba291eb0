// MetadataStore adapter for a PostgreSQL server, through libpq.
#pragma once

#include <array>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ports/metadata_store.hpp"
#include "store/postgres/postgres_connection.hpp"
#include "store/postgres/postgres_connection_pool.hpp"
#include "store/postgres/postgres_error.hpp"
#include "store/track_columns.hpp"

namespace volkrin {

// Blocking, like every MetadataStore: run it on the worker pool. Each call borrows one of
// `connections` pooled connections; a call that finds its connection lost (server
// restarted, network cut) reconnects and runs once more, so that the store recovers
// without a restart of volkrin. A write whose answer was lost may therefore run twice:
// the second run then fails on the row the first one wrote.
class PostgresMetadataStore final : public MetadataStore {
 public:
  // url: postgres://user:password@host:port/db (or postgresql://). Connects once and
  // brings the schema up to date; the other connections open on first use. Throws
  // PostgresError when the server cannot be reached or fails (connection_lost() tells the
  // two apart), std::runtime_error when the schema is newer than this build knows.
  explicit PostgresMetadataStore(std::string url, unsigned connections = 4);

  // SELECT 1, answered within 3 s.
  void ping() override;

  // User queries live in postgres_user_queries.cpp.
  std::optional<UserRecord> find_user_by_id(std::string_view id) override;
  std::optional<UserRecord> find_user_by_email(std::string_view email) override;
  bool insert_user(const UserRecord& user) override;
  std::vector<UserRecord> list_users() override;
  bool delete_user(std::string_view id) override;
  void update_password_hash(std::string_view id, std::string_view hash,
                            std::int64_t updated_at_ms) override;

  // Track queries live in postgres_track_queries.cpp.
  void insert_track(const TrackRecord& track) override;
  // In a transaction holding an advisory lock on the hash.
  bool insert_track_if_new(const TrackRecord& track) override;
  bool has_content_hash(std::string_view content_hash) override;
  std::optional<TrackRecord> find_track(std::string_view id) override;
  std::vector<TrackRecord> list_tracks(const TrackQuery& query) override;
  std::optional<TrackRecord> delete_track(std::string_view id) override;

  // Album and artist queries live in postgres_library_queries.cpp.
  std::vector<AlbumRecord> list_albums(const AlbumQuery& query) override;
  std::optional<AlbumRecord> find_album(std::string_view id) override;
  std::vector<ArtistRecord> list_artists(const ArtistQuery& query) override;
  std::optional<ArtistRecord> find_artist(std::string_view id) override;
  std::vector<TrackRecord> album_tracks(std::string_view album_id) override;
  std::vector<TrackRecord> artist_tracks(std::string_view artist_id) override;
  std::int64_t library_version() override;

  // In postgres_import.cpp: one transaction; known ids are skipped.
  ImportCounts import_batch(const std::vector<UserRecord>& users,
                            const std::vector<TrackRecord>& tracks) override;

 private:
  // fn(PostgresConnection&) on a pooled connection; once more on a new connection when
  // the first attempt finds the connection lost.
  template <typename Fn>
  std::invoke_result_t<Fn&, PostgresConnection&> with_connection(Fn&& fn);

  std::optional<UserRecord> find_user(const PostgresStatement& statement, std::string_view key);

  std::shared_ptr<const PostgresSettings> settings_;
  PostgresConnectionPool pool_;
};

// The parameters of a tracks row in the order of kTrackColumns, shared by insert and import.
std::array<PostgresParam, kTrackColumnCount> track_row_params(const TrackRecord& t);
// A track from the columns of kTrackSelectColumns.
TrackRecord read_track(const PostgresResult& rows, int row);
// "SELECT <kTrackSelectColumns> FROM tracks t LEFT JOIN users u ... " (a WHERE may follow).
const std::string& postgres_track_select();
// "INSERT INTO tracks (<kTrackColumns>) VALUES ($1, ..., $27) " + tail.
std::string postgres_track_insert(std::string_view tail);

template <typename Fn>
std::invoke_result_t<Fn&, PostgresConnection&> PostgresMetadataStore::with_connection(Fn&& fn) {
  auto connection = pool_.acquire();
  try {
    return std::invoke(fn, *connection);
  } catch (const PostgresError& error) {
    if (!error.connection_lost()) throw;
  }
  // The failed attempt dropped the connection: this one opens a new one.
  return std::invoke(fn, *connection);
}

}  // namespace volkrin
