// PostgresMetadataStore: the track queries (insert, find, newest-first pages, delete).
#include <array>
#include <string>

#include "store/like_pattern.hpp"
#include "store/postgres/postgres_metadata_store.hpp"

namespace volkrin {
namespace {

// Every read selects columns 0..15 as read_track expects them; the uploader comes from a
// LEFT JOIN so that a deleted user reads as no uploader.
constexpr PostgresStatement kFindTrack{
    "find_track",
    "SELECT t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, u.id, "
    "u.email, u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, "
    "t.created_at, t.updated_at FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by "
    "WHERE t.id = $1"};
// A NULL limit means no limit.
constexpr PostgresStatement kListTracks{
    "list_tracks",
    "SELECT t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, u.id, "
    "u.email, u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, "
    "t.created_at, t.updated_at FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by "
    "ORDER BY t.created_at DESC, t.id DESC LIMIT $1 OFFSET $2"};
// Past the first page: the skipped rows are counted in the tracks_newest index alone, and
// only the page's rows are read and joined.
constexpr PostgresStatement kListTracksSkipping{
    "list_tracks_skipping",
    "SELECT t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, u.id, "
    "u.email, u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, "
    "t.created_at, t.updated_at FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by "
    "WHERE t.id IN (SELECT id FROM tracks ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2) "
    "ORDER BY t.created_at DESC, t.id DESC"};
// E'\\' is one backslash whatever standard_conforming_strings says.
constexpr PostgresStatement kListMatchingTracks{
    "list_matching_tracks",
    "SELECT t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, u.id, "
    "u.email, u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, "
    "t.created_at, t.updated_at FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by "
    "WHERE t.title ILIKE $3 ESCAPE E'\\\\' OR t.artist ILIKE $3 ESCAPE E'\\\\' "
    "ORDER BY t.created_at DESC, t.id DESC LIMIT $1 OFFSET $2"};
constexpr PostgresStatement kInsertTrack{
    "insert_track",
    "INSERT INTO tracks (id, title, artist, file_key, thumbnail_key, uploaded_by, duration_ms, "
    "bitrate, sample_rate, channels, format, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"};
// The uploader is not looked up for a deleted track, as in the SQLite store.
constexpr PostgresStatement kDeleteTrack{
    "delete_track",
    "DELETE FROM tracks WHERE id = $1 RETURNING id, title, artist, file_key, thumbnail_key, "
    "uploaded_by, NULL, NULL, NULL, duration_ms, bitrate, sample_rate, channels, format, "
    "created_at, updated_at"};

TrackRecord read_track(const PostgresResult& rows, int row) {
  TrackRecord t;
  t.id = rows.text(row, 0);
  t.title = rows.text(row, 1);
  t.artist = rows.text(row, 2);
  t.file_key = rows.text(row, 3);
  t.thumbnail_key = rows.text(row, 4);
  t.uploaded_by = rows.optional_text(row, 5);
  if (!rows.is_null(row, 6)) {
    t.uploader = Uploader{rows.text(row, 6), rows.text(row, 7), rows.text(row, 8)};
  }
  t.duration_ms = rows.optional_int64(row, 9);
  t.bitrate_kbps = rows.optional_int64(row, 10);
  t.sample_rate = rows.optional_int64(row, 11);
  t.channels = rows.optional_int64(row, 12);
  t.format = rows.text(row, 13);
  t.created_at_ms = rows.int64(row, 14);
  t.updated_at_ms = rows.int64(row, 15);
  return t;
}

}  // namespace

std::array<PostgresParam, 13> track_row_params(const TrackRecord& t) {
  return {pg_text(t.id),
          pg_text(t.title),
          pg_text(t.artist),
          pg_text(t.file_key),
          pg_text(t.thumbnail_key),
          t.uploaded_by ? pg_text(*t.uploaded_by) : std::nullopt,
          pg_optional_int(t.duration_ms),
          pg_optional_int(t.bitrate_kbps),
          pg_optional_int(t.sample_rate),
          pg_optional_int(t.channels),
          pg_text(t.format),
          pg_int(t.created_at_ms),
          pg_int(t.updated_at_ms)};
}

void PostgresMetadataStore::insert_track(const TrackRecord& t) {
  const auto params = track_row_params(t);
  with_connection([&](PostgresConnection& connection) { connection.run(kInsertTrack, params); });
}

std::optional<TrackRecord> PostgresMetadataStore::find_track(std::string_view id) {
  const std::array params{pg_text(id)};
  return with_connection([&](PostgresConnection& connection) -> std::optional<TrackRecord> {
    const auto rows = connection.run(kFindTrack, params);
    if (rows.rows() == 0) return std::nullopt;
    return read_track(rows, 0);
  });
}

std::vector<TrackRecord> PostgresMetadataStore::list_tracks(const TrackQuery& query) {
  const bool matching = !query.text.empty();
  const std::array params{pg_optional_int(query.limit), pg_int(query.offset),
                          matching ? pg_text(like_pattern(query.text)) : std::nullopt};
  const std::span<const PostgresParam> used(params.data(), matching ? 3 : 2);
  return with_connection([&](PostgresConnection& connection) {
    const auto& statement = matching           ? kListMatchingTracks
                            : query.offset > 0 ? kListTracksSkipping
                                               : kListTracks;
    const auto rows = connection.run(statement, used);
    std::vector<TrackRecord> tracks;
    tracks.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) tracks.push_back(read_track(rows, row));
    return tracks;
  });
}

std::optional<TrackRecord> PostgresMetadataStore::delete_track(std::string_view id) {
  const std::array params{pg_text(id)};
  return with_connection([&](PostgresConnection& connection) -> std::optional<TrackRecord> {
    const auto rows = connection.run(kDeleteTrack, params);
    if (rows.rows() == 0) return std::nullopt;
    return read_track(rows, 0);
  });
}

}  // namespace volkrin
