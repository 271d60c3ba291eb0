// Track → JSON.
#include "service/track_json.hpp"

#include <boost/json/serialize.hpp>

#include "support/time_format.hpp"

namespace volkrin {
namespace {

boost::json::value optional_number(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value optional_text(const std::string& text) {
  return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

boost::json::value optional_text(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

}  // namespace

boost::json::object track_json(const TrackRecord& t, std::string_view base_url) {
  const std::string prefix = std::string(base_url) + "/api/tracks/" + t.id;
  boost::json::object o;
  o["_id"] = t.id;
  o["title"] = t.title;
  o["artist"] = t.artist;
  o["fileKey"] = t.file_key;
  o["audioUrl"] = prefix + "/audio";
  o["thumbnailUrl"] = t.thumbnail_key.empty() ? boost::json::value(nullptr)
                                              : boost::json::value(prefix + "/thumbnail");
  if (t.uploader) {
    o["uploadedBy"] = boost::json::object{
        {"_id", t.uploader->id}, {"email", t.uploader->email}, {"role", t.uploader->role}};
  } else {
    o["uploadedBy"] = nullptr;
  }
  o["durationMs"] = optional_number(t.duration_ms);
  o["bitrate"] = optional_number(t.bitrate_kbps);
  o["sampleRate"] = optional_number(t.sample_rate);
  o["channels"] = optional_number(t.channels);
  o["format"] = optional_text(t.format);
  o["album"] = optional_text(t.album);
  o["albumArtist"] = optional_text(t.album_artist);
  o["trackNumber"] = optional_number(t.track_number);
  o["discNumber"] = optional_number(t.disc_number);
  o["year"] = optional_number(t.year);
  o["genre"] = optional_text(t.genre);
  o["albumId"] = optional_text(t.album_id);
  o["artistId"] = optional_text(t.artist_id);
  o["createdAt"] = iso8601_ms(t.created_at_ms);
  o["updatedAt"] = iso8601_ms(t.updated_at_ms);
  o["__v"] = 0;
  return o;
}

boost::json::object uploaded_track_json(const TrackRecord& t, std::string_view base_url) {
  boost::json::object o = track_json(t, base_url);
  o["uploadedBy"] =
      t.uploaded_by ? boost::json::value(*t.uploaded_by) : boost::json::value(nullptr);
  return o;
}

std::string tracks_json_array(const std::vector<TrackRecord>& tracks, std::string_view base_url) {
  std::string out;
  append_tracks_json_array(out, tracks, base_url);
  return out;
}

void append_tracks_json_array(std::string& out, const std::vector<TrackRecord>& tracks,
                              std::string_view base_url) {
  out += '[';
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (i > 0) out += ',';
    out += boost::json::serialize(track_json(tracks[i], base_url));
  }
  out += ']';
}

}  // namespace volkrin
