// What a track takes from the tags of its audio, shared by the upload and the import.
#pragma once

#include <string>
#include <string_view>

#include "format/audio_tags.hpp"
#include "ports/metadata_store.hpp"

namespace volkrin {

// Fills album, album artist, positions, year, genre and MusicBrainz ids from `tags`, and
// title and artist where the track has none yet (what a form gave wins); then the album
// and artist ids (library_ids.hpp).
void apply_tags(TrackRecord& track, const AudioTags& tags);

// A title made from a file name: its last path component without the extension, with '_'
// read as a space, trimmed, as valid single-line UTF-8 (anything else becomes U+FFFD) of
// at most 200 characters. "" when nothing is left.
std::string title_from_file_name(std::string_view file_name);

}  // namespace volkrin
