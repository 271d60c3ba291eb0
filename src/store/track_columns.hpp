// The tracks table's columns, in the order both stores bind and read them.
#pragma once

#include <cstddef>
#include <string_view>

namespace volkrin {

// Bound as parameters 1..kTrackColumnCount on insert.
inline constexpr std::string_view kTrackColumns =
    "id, title, artist, file_key, thumbnail_key, uploaded_by, duration_ms, bitrate, "
    "sample_rate, channels, format, created_at, updated_at, album, album_artist, track_number, "
    "track_total, disc_number, disc_total, year, genre, musicbrainz_track_id, "
    "musicbrainz_album_id, musicbrainz_artist_id, album_id, artist_id, content_hash";
inline constexpr std::size_t kTrackColumnCount = 27;

// Read as columns 0..29: the uploader (columns 6..8) comes from a LEFT JOIN of users u, so
// that a deleted user reads as no uploader.
inline constexpr std::string_view kTrackSelectColumns =
    "t.id, t.title, t.artist, t.file_key, t.thumbnail_key, t.uploaded_by, u.id, u.email, "
    "u.role, t.duration_ms, t.bitrate, t.sample_rate, t.channels, t.format, t.created_at, "
    "t.updated_at, t.album, t.album_artist, t.track_number, t.track_total, t.disc_number, "
    "t.disc_total, t.year, t.genre, t.musicbrainz_track_id, t.musicbrainz_album_id, "
    "t.musicbrainz_artist_id, t.album_id, t.artist_id, t.content_hash";
// The same columns of a row being deleted (RETURNING), with no uploader.
inline constexpr std::string_view kTrackReturningColumns =
    "id, title, artist, file_key, thumbnail_key, uploaded_by, NULL, NULL, NULL, duration_ms, "
    "bitrate, sample_rate, channels, format, created_at, updated_at, album, album_artist, "
    "track_number, track_total, disc_number, disc_total, year, genre, musicbrainz_track_id, "
    "musicbrainz_album_id, musicbrainz_artist_id, album_id, artist_id, content_hash";

}  // namespace volkrin
