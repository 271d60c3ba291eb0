// The statements that rebuild an album's or an artist's row; see library_schema.hpp.
#include "store/library_schema.hpp"

#include <string>

namespace volkrin {
namespace {

// Replaces every "{id}" in `sql` with `id`.
std::string with_id(std::string_view sql, std::string_view id) {
  std::string out;
  for (std::size_t at = 0;;) {
    const std::size_t next = sql.find("{id}", at);
    out += sql.substr(at, next - at);
    if (next == std::string_view::npos) return out;
    out += id;
    at = next + 4;
  }
}

// The name and artist are the oldest track's; the cover is the first track with a
// thumbnail in disc and track order.
constexpr std::string_view kRefreshAlbum = R"sql(
DELETE FROM albums WHERE id = {id};
INSERT INTO albums (id, name, sort_name, artist, sort_artist, artist_id, year, genre,
                    track_count, duration_ms, cover_track_id, created_at, updated_at)
SELECT {id}, f.album, lower(f.album), f.artist_name, lower(f.artist_name), f.artist_id, g.year,
  coalesce((SELECT genre FROM tracks WHERE album_id = {id} AND genre <> ''
            ORDER BY created_at, id LIMIT 1), ''),
  g.track_count, g.duration_ms,
  (SELECT id FROM tracks WHERE album_id = {id} AND thumbnail_key <> ''
   ORDER BY disc_number NULLS LAST, track_number NULLS LAST, created_at, id LIMIT 1),
  g.created_at, g.updated_at
FROM (SELECT album, CASE WHEN album_artist <> '' THEN album_artist ELSE artist END AS artist_name,
             artist_id
      FROM tracks WHERE album_id = {id} ORDER BY created_at, id LIMIT 1) AS f,
     (SELECT min(year) AS year, count(*) AS track_count,
             coalesce(sum(duration_ms), 0) AS duration_ms, min(created_at) AS created_at,
             max(updated_at) AS updated_at
      FROM tracks WHERE album_id = {id}) AS g;
)sql";

// The cover is that of the artist's first album by name, else its oldest track's.
constexpr std::string_view kRefreshArtist = R"sql(
DELETE FROM artists WHERE id = {id};
INSERT INTO artists (id, name, sort_name, album_count, track_count, duration_ms,
                     cover_track_id, created_at, updated_at)
SELECT {id}, f.name, lower(f.name), g.album_count, g.track_count, g.duration_ms,
  coalesce((SELECT cover_track_id FROM albums WHERE artist_id = {id}
            AND cover_track_id IS NOT NULL ORDER BY sort_name, id LIMIT 1),
           (SELECT id FROM tracks WHERE artist_id = {id} AND thumbnail_key <> ''
            ORDER BY created_at, id LIMIT 1)),
  g.created_at, g.updated_at
FROM (SELECT CASE WHEN album_artist <> '' THEN album_artist ELSE artist END AS name
      FROM tracks WHERE artist_id = {id} ORDER BY created_at, id LIMIT 1) AS f,
     (SELECT count(DISTINCT album_id) AS album_count, count(*) AS track_count,
             coalesce(sum(duration_ms), 0) AS duration_ms, min(created_at) AS created_at,
             max(updated_at) AS updated_at
      FROM tracks WHERE artist_id = {id}) AS g;
)sql";

}  // namespace

std::string refresh_album_sql(std::string_view id) {
  return with_id(kRefreshAlbum, id);
}

std::string refresh_artist_sql(std::string_view id) {
  return with_id(kRefreshArtist, id);
}

}  // namespace volkrin
