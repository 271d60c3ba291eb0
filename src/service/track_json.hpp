// The contract's Track JSON, shared by the list, the upload answer and the mock upload.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ports/metadata_store.hpp"

namespace volkrin {

// `base_url` ("" or "https://api.example") prefixes audioUrl and thumbnailUrl.
boost::json::object track_json(const TrackRecord& track, std::string_view base_url);
std::string tracks_json_array(const std::vector<TrackRecord>& tracks, std::string_view base_url);
// The same array appended to `out`, one track at a time: no JSON tree of the whole list is
// ever built (a list of 100,000 tracks is about 50 MB of JSON).
void append_tracks_json_array(std::string& out, const std::vector<TrackRecord>& tracks,
                              std::string_view base_url);

}  // namespace volkrin
