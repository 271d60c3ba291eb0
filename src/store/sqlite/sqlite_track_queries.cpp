// SqliteMetadataStore: the track queries (insert, find, newest-first pages, delete).
#include <array>
#include <stdexcept>
#include <string>

#include "store/sqlite/sqlite_metadata_store.hpp"
#include "store/sqlite/sqlite_text_search.hpp"
#include "store/track_columns.hpp"

namespace volkrin {
namespace {

const std::string kTrackSelect = "SELECT " + std::string(kTrackSelectColumns) +
                                 " FROM tracks t LEFT JOIN users u ON u.id = t.uploaded_by ";

std::string insert_sql(std::string_view tail) {
  std::string sql = "INSERT INTO tracks (" + std::string(kTrackColumns) + ") ";
  std::string values;
  for (std::size_t i = 1; i <= kTrackColumnCount; ++i) {
    values += (i == 1 ? "?" : ", ?") + std::to_string(i);
  }
  return sql + std::string(tail).replace(tail.find("{values}"), 8, values);
}

}  // namespace

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
  t.album = row.column_text(16);
  t.album_artist = row.column_text(17);
  t.track_number = row.column_optional_int64(18);
  t.track_total = row.column_optional_int64(19);
  t.disc_number = row.column_optional_int64(20);
  t.disc_total = row.column_optional_int64(21);
  t.year = row.column_optional_int64(22);
  t.genre = row.column_text(23);
  t.musicbrainz_track_id = row.column_optional_text(24);
  t.musicbrainz_album_id = row.column_optional_text(25);
  t.musicbrainz_artist_id = row.column_optional_text(26);
  t.album_id = row.column_optional_text(27);
  t.artist_id = row.column_optional_text(28);
  t.content_hash = row.column_text(29);
  return t;
}

const std::string& sqlite_track_select() {
  // Not a namespace-scope string: other files' statics are built from it.
  static const std::string select = kTrackSelect;
  return select;
}

std::string sqlite_track_insert(std::string_view tail) {
  return insert_sql(tail);
}

namespace {

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
      .bind_int64(13, t.updated_at_ms)
      .bind_text(14, t.album)
      .bind_text(15, t.album_artist)
      .bind_optional_int64(16, t.track_number)
      .bind_optional_int64(17, t.track_total)
      .bind_optional_int64(18, t.disc_number)
      .bind_optional_int64(19, t.disc_total)
      .bind_optional_int64(20, t.year)
      .bind_text(21, t.genre)
      .bind_optional_text(22, t.musicbrainz_track_id)
      .bind_optional_text(23, t.musicbrainz_album_id)
      .bind_optional_text(24, t.musicbrainz_artist_id)
      .bind_optional_text(25, t.album_id)
      .bind_optional_text(26, t.artist_id)
      .bind_text(27, t.content_hash);
}

void SqliteMetadataStore::insert_track(const TrackRecord& t) {
  static const std::string sql = insert_sql("VALUES ({values})");
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  bind_track_row(statement, t);
  statement.run();  // the library triggers run in the same statement
}

bool SqliteMetadataStore::insert_track_if_new(const TrackRecord& t) {
  // One statement: SQLite runs one writer at a time, so no other insert can come between
  // the check and the insert.
  static const std::string sql = insert_sql(
      "SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM tracks WHERE content_hash = ?27)");
  if (t.content_hash.empty()) throw std::invalid_argument("insert_track_if_new needs a hash");
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  bind_track_row(statement, t);
  statement.run();
  return connection->changes() > 0;
}

bool SqliteMetadataStore::has_content_hash(std::string_view content_hash) {
  auto connection = pool_.acquire();
  auto statement = connection->prepare("SELECT 1 FROM tracks WHERE content_hash = ?1 LIMIT 1");
  statement.bind_text(1, content_hash);
  return statement.step();
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
  static const std::string sql =
      "DELETE FROM tracks WHERE id = ?1 RETURNING " + std::string(kTrackReturningColumns);
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, id);
  if (!statement.step()) return std::nullopt;
  TrackRecord deleted = read_track(statement);
  statement.run();  // let the statement finish so the delete is complete
  return deleted;
}

}  // namespace volkrin
