// PostgresMetadataStore: the track queries (insert, find, newest-first pages, delete).
#include <array>
#include <stdexcept>
#include <string>

#include "store/like_pattern.hpp"
#include "store/postgres/postgres_metadata_store.hpp"
#include "store/track_columns.hpp"

namespace volkrin {
namespace {

const std::string kSelect = "SELECT " + std::string(kTrackSelectColumns) +
                            " FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by ";
constexpr std::string_view kNewest = "ORDER BY t.created_at DESC, t.id DESC ";

const std::string kFindTrackSql = kSelect + "WHERE t.id = $1";
// A NULL limit means no limit.
const std::string kListTracksSql = kSelect + std::string(kNewest) + "LIMIT $1 OFFSET $2";
// Past the first page: the skipped rows are counted in the tracks_newest index alone, and
// only the page's rows are read and joined.
const std::string kListTracksSkippingSql =
    kSelect +
    "WHERE t.id IN (SELECT id FROM tracks ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2) " +
    std::string(kNewest);
// E'\\' is one backslash whatever standard_conforming_strings says.
const std::string kListMatchingTracksSql =
    kSelect + "WHERE t.title ILIKE $3 ESCAPE E'\\\\' OR t.artist ILIKE $3 ESCAPE E'\\\\' " +
    std::string(kNewest) + "LIMIT $1 OFFSET $2";
const std::string kInsertTrackSql = postgres_track_insert("");
// The uploader is not looked up for a deleted track, as in the SQLite store.
const std::string kDeleteTrackSql =
    "DELETE FROM tracks WHERE id = $1 RETURNING " + std::string(kTrackReturningColumns);

const PostgresStatement kFindTrack{"find_track", kFindTrackSql};
const PostgresStatement kListTracks{"list_tracks", kListTracksSql};
const PostgresStatement kListTracksSkipping{"list_tracks_skipping", kListTracksSkippingSql};
const PostgresStatement kListMatchingTracks{"list_matching_tracks", kListMatchingTracksSql};
const PostgresStatement kInsertTrack{"insert_track", kInsertTrackSql};
// Another insert of the same content waits on the lock until this transaction ends, then
// sees its row.
const PostgresStatement kLockContent{
    "lock_content", "SELECT pg_advisory_xact_lock(hashtextextended('content:' || $1, 0))"};
const PostgresStatement kContentStored{"content_stored",
                                       "SELECT 1 FROM tracks WHERE content_hash = $1 LIMIT 1"};
const PostgresStatement kDeleteTrack{"delete_track", kDeleteTrackSql};

}  // namespace

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
  t.album = rows.text(row, 16);
  t.album_artist = rows.text(row, 17);
  t.track_number = rows.optional_int64(row, 18);
  t.track_total = rows.optional_int64(row, 19);
  t.disc_number = rows.optional_int64(row, 20);
  t.disc_total = rows.optional_int64(row, 21);
  t.year = rows.optional_int64(row, 22);
  t.genre = rows.text(row, 23);
  t.musicbrainz_track_id = rows.optional_text(row, 24);
  t.musicbrainz_album_id = rows.optional_text(row, 25);
  t.musicbrainz_artist_id = rows.optional_text(row, 26);
  t.album_id = rows.optional_text(row, 27);
  t.artist_id = rows.optional_text(row, 28);
  t.content_hash = rows.text(row, 29);
  return t;
}

const std::string& postgres_track_select() {
  // Not a namespace-scope string: other files' statics are built from it.
  static const std::string select = kSelect;
  return select;
}

std::string postgres_track_insert(std::string_view tail) {
  std::string values;
  for (std::size_t i = 1; i <= kTrackColumnCount; ++i) {
    values += (i == 1 ? "$" : ", $") + std::to_string(i);
  }
  return "INSERT INTO tracks (" + std::string(kTrackColumns) + ") VALUES (" + values + ") " +
         std::string(tail);
}

std::array<PostgresParam, kTrackColumnCount> track_row_params(const TrackRecord& t) {
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
          pg_int(t.updated_at_ms),
          pg_text(t.album),
          pg_text(t.album_artist),
          pg_optional_int(t.track_number),
          pg_optional_int(t.track_total),
          pg_optional_int(t.disc_number),
          pg_optional_int(t.disc_total),
          pg_optional_int(t.year),
          pg_text(t.genre),
          t.musicbrainz_track_id,
          t.musicbrainz_album_id,
          t.musicbrainz_artist_id,
          t.album_id,
          t.artist_id,
          pg_text(t.content_hash)};
}

void PostgresMetadataStore::insert_track(const TrackRecord& t) {
  const auto params = track_row_params(t);
  with_connection([&](PostgresConnection& connection) { connection.run(kInsertTrack, params); });
}

bool PostgresMetadataStore::insert_track_if_new(const TrackRecord& t) {
  if (t.content_hash.empty()) throw std::invalid_argument("insert_track_if_new needs a hash");
  const auto params = track_row_params(t);
  const std::array hash{pg_text(t.content_hash)};
  return with_connection([&](PostgresConnection& connection) {
    connection.exec("BEGIN");
    try {
      connection.run(kLockContent, hash);
      const bool stored = connection.run(kContentStored, hash).rows() > 0;
      if (!stored) connection.run(kInsertTrack, params);
      connection.exec("COMMIT");
      return !stored;
    } catch (...) {
      connection.end_transaction_quietly();
      throw;
    }
  });
}

bool PostgresMetadataStore::has_content_hash(std::string_view content_hash) {
  const std::array params{pg_text(content_hash)};
  return with_connection([&](PostgresConnection& connection) {
    return connection.run(kContentStored, params).rows() > 0;
  });
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
