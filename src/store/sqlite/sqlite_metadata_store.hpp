// MetadataStore adapter for an embedded SQLite database file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ports/metadata_store.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_connection_pool.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace volkrin {

// Binds a tracks row to parameters 1..kTrackColumnCount in the order of kTrackColumns
// (store/track_columns.hpp), shared by insert and import.
void bind_track_row(SqliteStatement& statement, const TrackRecord& track);
// A track from the columns of kTrackSelectColumns.
TrackRecord read_track(const SqliteStatement& row);
// "SELECT <kTrackSelectColumns> FROM tracks t LEFT JOIN users u ... " (a WHERE may follow).
const std::string& sqlite_track_select();
// "INSERT INTO tracks (<kTrackColumns>) " + tail, where "{values}" in tail becomes ?1..?27.
std::string sqlite_track_insert(std::string_view tail);

class SqliteMetadataStore final : public MetadataStore {
 public:
  // Creates db_file's directory and the database when missing, brings its schema up to
  // date on a first connection, then opens the rest of the pool. Every connection runs in
  // WAL mode with foreign keys on and waits up to 5 s for locks. Throws
  // std::runtime_error when the file cannot be opened or its schema is newer than this
  // build knows.
  explicit SqliteMetadataStore(std::filesystem::path db_file, unsigned connections = 4);

  // Also throws "database file is missing" when db_file no longer exists or is no longer
  // the file that was opened (SQLite would go on using the old one unnoticed).
  void ping() override;

  std::optional<UserRecord> find_user_by_id(std::string_view id) override;
  std::optional<UserRecord> find_user_by_email(std::string_view email) override;
  bool insert_user(const UserRecord& user) override;
  std::vector<UserRecord> list_users() override;
  bool delete_user(std::string_view id) override;
  void update_password_hash(std::string_view id, std::string_view hash,
                            std::int64_t updated_at_ms) override;

  // Track queries live in sqlite_track_queries.cpp.
  void insert_track(const TrackRecord& track) override;
  bool insert_track_if_new(const TrackRecord& track) override;
  bool has_content_hash(std::string_view content_hash) override;
  std::optional<TrackRecord> find_track(std::string_view id) override;
  std::vector<TrackRecord> list_tracks(const TrackQuery& query) override;
  std::optional<TrackRecord> delete_track(std::string_view id) override;

  // Album and artist queries live in sqlite_library_queries.cpp.
  std::vector<AlbumRecord> list_albums(const AlbumQuery& query) override;
  std::optional<AlbumRecord> find_album(std::string_view id) override;
  std::vector<ArtistRecord> list_artists(const ArtistQuery& query) override;
  std::optional<ArtistRecord> find_artist(std::string_view id) override;
  std::vector<TrackRecord> album_tracks(std::string_view album_id) override;
  std::vector<TrackRecord> artist_tracks(std::string_view artist_id) override;
  std::int64_t library_version() override;

  ImportCounts import_batch(const std::vector<UserRecord>& users,
                            const std::vector<TrackRecord>& tracks) override;

  // Runs fn(SqliteConnection&) between BEGIN IMMEDIATE and COMMIT on one connection and
  // returns its result. When fn throws, the transaction is rolled back and the exception
  // passed on.
  template <typename Fn>
  std::invoke_result_t<Fn&, SqliteConnection&> with_write_transaction(Fn&& fn);

  const std::filesystem::path& db_file() const noexcept { return db_file_; }

 private:
  struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    bool operator==(const FileIdentity&) const = default;
  };

  static std::optional<FileIdentity> identify(const std::filesystem::path& file);
  static std::vector<std::unique_ptr<SqliteConnection>> open_connections(
      const std::filesystem::path& db_file, unsigned count, FileIdentity& opened);

  std::optional<UserRecord> find_user(std::string_view sql, std::string_view key);

  // Absolute, so that ping() checks the same file whatever the working directory becomes.
  std::filesystem::path db_file_;
  FileIdentity opened_file_;
  SqliteConnectionPool pool_;
};

template <typename Fn>
std::invoke_result_t<Fn&, SqliteConnection&> SqliteMetadataStore::with_write_transaction(Fn&& fn) {
  auto connection = pool_.acquire();
  SqliteTransaction transaction(*connection);
  if constexpr (std::is_void_v<std::invoke_result_t<Fn&, SqliteConnection&>>) {
    std::invoke(fn, *connection);
    transaction.commit();
  } else {
    decltype(auto) result = std::invoke(fn, *connection);
    transaction.commit();
    return result;
  }
}

}  // namespace volkrin
