// PostgresMetadataStore: albums and artists (pages, one by id) and their tracks.
#include <array>
#include <string>

#include "store/library_order.hpp"
#include "store/like_pattern.hpp"
#include "store/postgres/postgres_metadata_store.hpp"

namespace volkrin {
namespace {

// $1 limit (NULL: none), $2 offset, $3 ILIKE pattern or NULL, $4 artist id or NULL.
std::string albums_sql(AlbumSort sort) {
  return "SELECT " + std::string(kAlbumColumns) +
         " FROM albums WHERE ($3::text IS NULL OR name ILIKE $3 ESCAPE E'\\\\' "
         "OR artist ILIKE $3 ESCAPE E'\\\\') AND ($4::text IS NULL OR artist_id = $4) " +
         std::string(album_order_sql(sort)) + "LIMIT $1 OFFSET $2";
}

const std::array<std::string, 4> kAlbumsSql = {
    albums_sql(AlbumSort::name), albums_sql(AlbumSort::artist), albums_sql(AlbumSort::year),
    albums_sql(AlbumSort::newest)};
const std::array<PostgresStatement, 4> kListAlbums = {
    PostgresStatement{"list_albums_by_name", kAlbumsSql[0]},
    PostgresStatement{"list_albums_by_artist", kAlbumsSql[1]},
    PostgresStatement{"list_albums_by_year", kAlbumsSql[2]},
    PostgresStatement{"list_albums_newest", kAlbumsSql[3]}};

const std::string kFindAlbumSql =
    "SELECT " + std::string(kAlbumColumns) + " FROM albums WHERE id = $1";
const std::string kListArtistsSql = "SELECT " + std::string(kArtistColumns) +
                                    " FROM artists WHERE ($3::text IS NULL OR name ILIKE $3 "
                                    "ESCAPE E'\\\\') " +
                                    std::string(kArtistOrderSql) + "LIMIT $1 OFFSET $2";
const std::string kFindArtistSql =
    "SELECT " + std::string(kArtistColumns) + " FROM artists WHERE id = $1";
const std::string kAlbumTracksSql =
    postgres_track_select() + "WHERE t.album_id = $1 " + std::string(kAlbumTrackOrderSql);
const std::string kArtistTracksSql =
    postgres_track_select() + "WHERE t.artist_id = $1 " + std::string(kArtistTrackOrderSql);

const PostgresStatement kFindAlbum{"find_album", kFindAlbumSql};
const PostgresStatement kListArtists{"list_artists", kListArtistsSql};
const PostgresStatement kFindArtist{"find_artist", kFindArtistSql};
const PostgresStatement kAlbumTracks{"album_tracks", kAlbumTracksSql};
const PostgresStatement kLibraryVersion{"library_version", "SELECT version FROM library_changes"};
const PostgresStatement kArtistTracks{"artist_tracks", kArtistTracksSql};

AlbumRecord read_album(const PostgresResult& rows, int row) {
  AlbumRecord a;
  a.id = rows.text(row, 0);
  a.name = rows.text(row, 1);
  a.artist = rows.text(row, 2);
  a.artist_id = rows.optional_text(row, 3);
  a.year = rows.optional_int64(row, 4);
  a.genre = rows.text(row, 5);
  a.track_count = rows.int64(row, 6);
  a.duration_ms = rows.int64(row, 7);
  a.cover_track_id = rows.optional_text(row, 8);
  a.created_at_ms = rows.int64(row, 9);
  a.updated_at_ms = rows.int64(row, 10);
  return a;
}

ArtistRecord read_artist(const PostgresResult& rows, int row) {
  ArtistRecord a;
  a.id = rows.text(row, 0);
  a.name = rows.text(row, 1);
  a.album_count = rows.int64(row, 2);
  a.track_count = rows.int64(row, 3);
  a.duration_ms = rows.int64(row, 4);
  a.cover_track_id = rows.optional_text(row, 5);
  a.created_at_ms = rows.int64(row, 6);
  a.updated_at_ms = rows.int64(row, 7);
  return a;
}

PostgresParam pattern_or_null(const std::string& text) {
  return text.empty() ? std::nullopt : pg_text(like_pattern(text));
}

}  // namespace

std::vector<AlbumRecord> PostgresMetadataStore::list_albums(const AlbumQuery& query) {
  const std::array params{pg_optional_int(query.limit), pg_int(query.offset),
                          pattern_or_null(query.text), query.artist_id};
  const auto& statement = kListAlbums[static_cast<std::size_t>(query.sort)];
  return with_connection([&](PostgresConnection& connection) {
    const auto rows = connection.run(statement, params);
    std::vector<AlbumRecord> albums;
    albums.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) albums.push_back(read_album(rows, row));
    return albums;
  });
}

std::optional<AlbumRecord> PostgresMetadataStore::find_album(std::string_view id) {
  const std::array params{pg_text(id)};
  return with_connection([&](PostgresConnection& connection) -> std::optional<AlbumRecord> {
    const auto rows = connection.run(kFindAlbum, params);
    if (rows.rows() == 0) return std::nullopt;
    return read_album(rows, 0);
  });
}

std::vector<ArtistRecord> PostgresMetadataStore::list_artists(const ArtistQuery& query) {
  const std::array params{pg_optional_int(query.limit), pg_int(query.offset),
                          pattern_or_null(query.text)};
  return with_connection([&](PostgresConnection& connection) {
    const auto rows = connection.run(kListArtists, params);
    std::vector<ArtistRecord> artists;
    artists.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) artists.push_back(read_artist(rows, row));
    return artists;
  });
}

std::optional<ArtistRecord> PostgresMetadataStore::find_artist(std::string_view id) {
  const std::array params{pg_text(id)};
  return with_connection([&](PostgresConnection& connection) -> std::optional<ArtistRecord> {
    const auto rows = connection.run(kFindArtist, params);
    if (rows.rows() == 0) return std::nullopt;
    return read_artist(rows, 0);
  });
}

namespace {

std::vector<TrackRecord> tracks_of(const PostgresResult& rows) {
  std::vector<TrackRecord> tracks;
  tracks.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) tracks.push_back(read_track(rows, row));
  return tracks;
}

}  // namespace

std::vector<TrackRecord> PostgresMetadataStore::album_tracks(std::string_view album_id) {
  const std::array params{pg_text(album_id)};
  return with_connection([&](PostgresConnection& connection) {
    return tracks_of(connection.run(kAlbumTracks, params));
  });
}

std::int64_t PostgresMetadataStore::library_version() {
  return with_connection([&](PostgresConnection& connection) {
    const auto rows = connection.run(kLibraryVersion);
    return rows.rows() > 0 ? rows.int64(0, 0) : std::int64_t{0};
  });
}

std::vector<TrackRecord> PostgresMetadataStore::artist_tracks(std::string_view artist_id) {
  const std::array params{pg_text(artist_id)};
  return with_connection([&](PostgresConnection& connection) {
    return tracks_of(connection.run(kArtistTracks, params));
  });
}

}  // namespace volkrin
