// The ORDER BY clauses of album and artist queries, the same in both stores.
#pragma once

#include <string_view>

#include "ports/library_records.hpp"

namespace volkrin {

inline std::string_view album_order_sql(AlbumSort sort) {
  switch (sort) {
    case AlbumSort::artist:
      return "ORDER BY sort_artist, sort_name, id ";
    case AlbumSort::year:
      return "ORDER BY year IS NULL, year, sort_name, id ";
    case AlbumSort::newest:
      return "ORDER BY created_at DESC, id DESC ";
    case AlbumSort::name:
      break;
  }
  return "ORDER BY sort_name, id ";
}

inline constexpr std::string_view kArtistOrderSql = "ORDER BY sort_name, id ";

// Tracks of an album (columns of tracks t).
inline constexpr std::string_view kAlbumTrackOrderSql =
    "ORDER BY t.disc_number NULLS LAST, t.track_number NULLS LAST, t.created_at, t.id";
// Tracks of an artist: by album, tracks without one last.
inline constexpr std::string_view kArtistTrackOrderSql =
    "ORDER BY t.album_id IS NULL, lower(t.album), t.album_id, t.disc_number NULLS LAST, "
    "t.track_number NULLS LAST, t.created_at, t.id";

inline constexpr std::string_view kAlbumColumns =
    "id, name, artist, artist_id, year, genre, track_count, duration_ms, cover_track_id, "
    "created_at, updated_at";
inline constexpr std::string_view kArtistColumns =
    "id, name, album_count, track_count, duration_ms, cover_track_id, created_at, updated_at";

}  // namespace volkrin
