// The JSON of albums and artists (GET /api/albums, /api/artists and their pages).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "ports/library_records.hpp"

namespace volkrin {

// {_id, name, artist, artistId, year, genre, trackCount, durationMs, coverUrl, createdAt,
// updatedAt}: coverUrl is the thumbnail URL of the cover track, or null; year, genre and
// artistId null when unknown. `base_url` as for track_json().
boost::json::object album_json(const AlbumRecord& album, std::string_view base_url);
// {_id, name, albumCount, trackCount, durationMs, coverUrl, createdAt, updatedAt}.
boost::json::object artist_json(const ArtistRecord& artist, std::string_view base_url);

}  // namespace volkrin
