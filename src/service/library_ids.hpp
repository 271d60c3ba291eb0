// The ids of albums and artists: derived from their names, so every instance and every
// import gives the same album the same id without asking the others.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ports/metadata_store.hpp"

namespace volkrin {

// 24 lower-case hex digits (like every id of the API): the start of the SHA-256 of the
// name(s) with ASCII letters folded to lower case. nullopt when the name is "".
// An artist is named by the album artist, else the artist.
std::optional<std::string> artist_id_of(std::string_view album_artist, std::string_view artist);
// An album is its artist (as above) and its title; nullopt when the title is "".
std::optional<std::string> album_id_of(std::string_view album_artist, std::string_view artist,
                                       std::string_view album);
// Sets track.album_id and track.artist_id from its names.
void assign_library_ids(TrackRecord& track);

}  // namespace volkrin
