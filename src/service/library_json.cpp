// Albums and artists → JSON; see library_json.hpp.
#include "service/library_json.hpp"

#include "support/time_format.hpp"

namespace volkrin {
namespace {

boost::json::value cover_url(const std::optional<std::string>& track_id,
                             std::string_view base_url) {
  if (!track_id) return nullptr;
  return boost::json::value(std::string(base_url) + "/api/tracks/" + *track_id + "/thumbnail");
}

}  // namespace

boost::json::object album_json(const AlbumRecord& a, std::string_view base_url) {
  boost::json::object o;
  o["_id"] = a.id;
  o["name"] = a.name;
  o["artist"] = a.artist;
  o["artistId"] = a.artist_id ? boost::json::value(*a.artist_id) : boost::json::value(nullptr);
  o["year"] = a.year ? boost::json::value(*a.year) : boost::json::value(nullptr);
  o["genre"] = a.genre.empty() ? boost::json::value(nullptr) : boost::json::value(a.genre);
  o["trackCount"] = a.track_count;
  o["durationMs"] = a.duration_ms;
  o["coverUrl"] = cover_url(a.cover_track_id, base_url);
  o["createdAt"] = iso8601_ms(a.created_at_ms);
  o["updatedAt"] = iso8601_ms(a.updated_at_ms);
  return o;
}

boost::json::object artist_json(const ArtistRecord& a, std::string_view base_url) {
  boost::json::object o;
  o["_id"] = a.id;
  o["name"] = a.name;
  o["albumCount"] = a.album_count;
  o["trackCount"] = a.track_count;
  o["durationMs"] = a.duration_ms;
  o["coverUrl"] = cover_url(a.cover_track_id, base_url);
  o["createdAt"] = iso8601_ms(a.created_at_ms);
  o["updatedAt"] = iso8601_ms(a.updated_at_ms);
  return o;
}

}  // namespace volkrin
