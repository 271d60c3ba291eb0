// SqliteMetadataStore: the track queries (insert, find, newest-first pages, delete).
#include <array>
#include <string>

#include "store/sqlite/sqlite_metadata_store.hpp"
#include "store/sqlite/sqlite_text_search.hpp"

namespace volkrin {
namespace {

// Columns 0..15 as read_track expects them; the uploader comes from a LEFT JOIN so that
// a deleted user reads as no uploader.
constexpr std::string_view kTrackSelect =
    "SELECT t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, "
    "u.id, u.email, u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, "
    "t.created_at, t.updated_at FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by ";

TrackRecord read_track(const SqliteStatement& row) {
  TrackRecord t;
  t.id = row.column_text(0);
  t.title = row.column_text(1);
  t.artist = row.column_text(2);
  t.file_key = row.column_text(3);
  t.thumbnail_key = row.column_text(4);
  if (!row.column_is_null(5)) t.uploaded_by = row.column_text(5);
  if (!row.column_is_null(6)) {
    t.uploader = Uploader{row.column_text(6), row.column_text(7), row.column_text(8)};
  }
  t.duration_ms = row.column_optional_int64(9);
  t.bitrate_kbps = row.column_optional_int64(10);
  t.sample_rate = row.column_optional_int64(11);
  t.channels = row.column_optional_int64(12);
  t.format = row.column_text(13);
  t.created_at_ms = row.column_int64(14);
  t.updated_at_ms = row.column_int64(15);
  return t;
}

// A page, newest first. Past the first page the rows to skip are counted in the narrow
// tracks_newest index alone, and only the page's rows are then read and joined: OFFSET on
// the joined rows would read every skipped track.
std::string page_sql(SqliteTextFilter filter, bool skips) {
  constexpr std::string_view kNewest = "ORDER BY created_at DESC, id DESC ";
  constexpr std::string_view kNewestOfT = "ORDER BY t.created_at DESC, t.id DESC ";
  std::string sql(kTrackSelect);
  if (skips) {
    sql += "WHERE t.rowid IN (SELECT rowid FROM tracks " + sqlite_filter_clause(filter, "");
    sql += std::string(kNewest) + "LIMIT ?2 OFFSET ?3) " + std::string(kNewestOfT);
  } else {
    sql += sqlite_filter_clause(filter, "t.") + std::string(kNewestOfT) + "LIMIT ?2 OFFSET ?3";
  }
  return sql;
}

}  // namespace

void bind_track_row(SqliteStatement& statement, const TrackRecord& t) {
  statement.bind_text(1, t.id)
      .bind_text(2, t.title)
      .bind_text(3, t.artist)
      .bind_text(4, t.file_key)
      .bind_text(5, t.thumbnail_key);
  if (t.uploaded_by) {
    statement.bind_text(6, *t.uploaded_by);
  } else {
    statement.bind_null(6);
  }
  statement.bind_optional_int64(7, t.duration_ms)
      .bind_optional_int64(8, t.bitrate_kbps)
      .bind_optional_int64(9, t.sample_rate)
      .bind_optional_int64(10, t.channels)
      .bind_text(11, t.format)
      .bind_int64(12, t.created_at_ms)
      .bind_int64(13, t.updated_at_ms);
}

void SqliteMetadataStore::insert_track(const TrackRecord& t) {
  auto connection = pool_.acquire();
  auto statement = connection->prepare(
      "INSERT INTO tracks (id, title, artist, file_key, thumbnail_key, uploaded_by, duration_ms, "
      "bitrate, sample_rate, channels, format, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  bind_track_row(statement, t);
  statement.run();
}

std::optional<TrackRecord> SqliteMetadataStore::find_track(std::string_view id) {
  static const std::string sql = std::string(kTrackSelect) + "WHERE t.id = ?1";
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, id);
  if (!statement.step()) return std::nullopt;
  return read_track(statement);
}

std::vector<TrackRecord> SqliteMetadataStore::list_tracks(const TrackQuery& query) {
  using Filter = SqliteTextFilter;
  static const std::array<std::string, 6> sql = {
      page_sql(Filter::all, false),     page_sql(Filter::all, true),
      page_sql(Filter::trigram, false), page_sql(Filter::trigram, true),
      page_sql(Filter::like, false),    page_sql(Filter::like, true)};
  const SqliteTextSearch search = sqlite_text_search(query.text);
  const bool skips = query.offset > 0;
  auto connection = pool_.acquire();
  auto statement =
      connection->prepare(sql[static_cast<std::size_t>(search.filter) * 2 + (skips ? 1 : 0)]);
  if (search.filter != Filter::all) statement.bind_text(1, search.argument);
  statement.bind_int64(2, query.limit.value_or(-1)).bind_int64(3, query.offset);
  std::vector<TrackRecord> tracks;
  if (query.limit) tracks.reserve(static_cast<std::size_t>(*query.limit));
  while (statement.step()) tracks.push_back(read_track(statement));
  return tracks;
}

std::optional<TrackRecord> SqliteMetadataStore::delete_track(std::string_view id) {
  auto connection = pool_.acquire();
  auto statement = connection->prepare(
      "DELETE FROM tracks WHERE id = ?1 RETURNING id, title, artist, file_key, thumbnail_key, "
      "uploaded_by, NULL, NULL, NULL, duration_ms, bitrate, sample_rate, channels, format, "
      "created_at, updated_at");
  statement.bind_text(1, id);
  if (!statement.step()) return std::nullopt;
  TrackRecord deleted = read_track(statement);
  statement.run();  // let the statement finish so the delete is complete
  return deleted;
}

}  // namespace volkrin
