// The contract's Track JSON, shared by the list, the upload answer and the mock upload.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ports/metadata_store.hpp"

namespace volkrin {

// `base_url` ("" or "https://api.example") prefixes audioUrl and thumbnailUrl. As in the
// list: uploadedBy is the populated uploader {_id, email, role} or null. thumbnailUrl is
// null for a track without a cover; tags the file lacked (album, albumArtist, trackNumber,
// discNumber, year, genre) and the ids derived from them (albumId, artistId) are null. Like every
// track object of the original (a mongoose document) it ends with the version key "__v": 0.
boost::json::object track_json(const TrackRecord& track, std::string_view base_url);
// The track as an upload answers it: the same, but uploadedBy is track.uploaded_by as a
// string (the uploader's _id, "mock-user" for the mock upload) or null, as the original
// answers with the saved document, which is not populated.
boost::json::object uploaded_track_json(const TrackRecord& track, std::string_view base_url);
std::string tracks_json_array(const std::vector<TrackRecord>& tracks, std::string_view base_url);
// The same array appended to `out`, one track at a time: no JSON tree of the whole list is
// ever built (a list of 100,000 tracks is about 50 MB of JSON).
void append_tracks_json_array(std::string& out, const std::vector<TrackRecord>& tracks,
                              std::string_view base_url);

}  // namespace volkrin
