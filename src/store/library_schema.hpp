// The albums and artists tables both stores derive from the tracks: the statements, in SQL
// both dialects accept, that rebuild one album's or one artist's row from its tracks. The
// stores run them from triggers on tracks, so that the rows are exact after every insert,
// update and delete, in the same transaction.
#pragma once

#include <string>
#include <string_view>

namespace volkrin {

// Deletes albums row `id` (an SQL expression, e.g. "new.album_id"), then inserts it again
// from its tracks unless it has none. Statements end with ';'.
std::string refresh_album_sql(std::string_view id);
// The same for artists row `id`; run after refresh_album_sql of its albums.
std::string refresh_artist_sql(std::string_view id);

// The tracks columns an album or artist row is made of: updates of other columns (such as the
// uploader, cleared when a user is deleted) leave albums and artists alone.
inline constexpr std::string_view kLibraryTrackColumns =
    "title, artist, album, album_artist, album_id, artist_id, year, genre, duration_ms, "
    "thumbnail_key, disc_number, track_number, created_at, updated_at";

}  // namespace volkrin
