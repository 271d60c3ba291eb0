// SqliteMetadataStore: albums and artists (pages, one by id) and their tracks.
#include <string>

#include "store/library_order.hpp"
#include "store/like_pattern.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"

namespace volkrin {
namespace {

AlbumRecord read_album(const SqliteStatement& row) {
  AlbumRecord a;
  a.id = row.column_text(0);
  a.name = row.column_text(1);
  a.artist = row.column_text(2);
  a.artist_id = row.column_optional_text(3);
  a.year = row.column_optional_int64(4);
  a.genre = row.column_text(5);
  a.track_count = row.column_int64(6);
  a.duration_ms = row.column_int64(7);
  a.cover_track_id = row.column_optional_text(8);
  a.created_at_ms = row.column_int64(9);
  a.updated_at_ms = row.column_int64(10);
  return a;
}

ArtistRecord read_artist(const SqliteStatement& row) {
  ArtistRecord a;
  a.id = row.column_text(0);
  a.name = row.column_text(1);
  a.album_count = row.column_int64(2);
  a.track_count = row.column_int64(3);
  a.duration_ms = row.column_int64(4);
  a.cover_track_id = row.column_optional_text(5);
  a.created_at_ms = row.column_int64(6);
  a.updated_at_ms = row.column_int64(7);
  return a;
}

// LIKE ignores ASCII case only, as the sort keys do.
constexpr std::string_view kAlbumMatch =
    "(name LIKE ?1 ESCAPE '\\' OR artist LIKE ?1 ESCAPE '\\') ";

}  // namespace

std::vector<AlbumRecord> SqliteMetadataStore::list_albums(const AlbumQuery& query) {
  std::string sql = "SELECT " + std::string(kAlbumColumns) + " FROM albums ";
  std::string where;
  if (!query.text.empty()) where += kAlbumMatch;
  if (query.artist_id) where += std::string(where.empty() ? "" : "AND ") + "artist_id = ?4 ";
  if (!where.empty()) sql += "WHERE " + where;
  sql += std::string(album_order_sql(query.sort)) + "LIMIT ?2 OFFSET ?3";

  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  if (!query.text.empty()) statement.bind_text(1, like_pattern(query.text));
  if (query.artist_id) statement.bind_text(4, *query.artist_id);
  statement.bind_int64(2, query.limit.value_or(-1)).bind_int64(3, query.offset);
  std::vector<AlbumRecord> albums;
  while (statement.step()) albums.push_back(read_album(statement));
  return albums;
}

std::optional<AlbumRecord> SqliteMetadataStore::find_album(std::string_view id) {
  static const std::string sql =
      "SELECT " + std::string(kAlbumColumns) + " FROM albums WHERE id = ?1";
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, id);
  if (!statement.step()) return std::nullopt;
  return read_album(statement);
}

std::vector<ArtistRecord> SqliteMetadataStore::list_artists(const ArtistQuery& query) {
  std::string sql = "SELECT " + std::string(kArtistColumns) + " FROM artists ";
  if (!query.text.empty()) sql += "WHERE name LIKE ?1 ESCAPE '\\' ";
  sql += std::string(kArtistOrderSql) + "LIMIT ?2 OFFSET ?3";
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  if (!query.text.empty()) statement.bind_text(1, like_pattern(query.text));
  statement.bind_int64(2, query.limit.value_or(-1)).bind_int64(3, query.offset);
  std::vector<ArtistRecord> artists;
  while (statement.step()) artists.push_back(read_artist(statement));
  return artists;
}

std::optional<ArtistRecord> SqliteMetadataStore::find_artist(std::string_view id) {
  static const std::string sql =
      "SELECT " + std::string(kArtistColumns) + " FROM artists WHERE id = ?1";
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, id);
  if (!statement.step()) return std::nullopt;
  return read_artist(statement);
}

std::vector<TrackRecord> SqliteMetadataStore::album_tracks(std::string_view album_id) {
  static const std::string sql =
      sqlite_track_select() + "WHERE t.album_id = ?1 " + std::string(kAlbumTrackOrderSql);
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, album_id);
  std::vector<TrackRecord> tracks;
  while (statement.step()) tracks.push_back(read_track(statement));
  return tracks;
}

std::int64_t SqliteMetadataStore::library_version() {
  auto connection = pool_.acquire();
  auto statement = connection->prepare("SELECT version FROM library_changes");
  return statement.step() ? statement.column_int64(0) : 0;
}

std::vector<TrackRecord> SqliteMetadataStore::artist_tracks(std::string_view artist_id) {
  static const std::string sql =
      sqlite_track_select() + "WHERE t.artist_id = ?1 " + std::string(kArtistTrackOrderSql);
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, artist_id);
  std::vector<TrackRecord> tracks;
  while (statement.step()) tracks.push_back(read_track(statement));
  return tracks;
}

}  // namespace volkrin
