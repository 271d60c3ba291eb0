// The rules of tracks: the cached list, pages and search, lookups, signed URLs, delete.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ports/cache.hpp"
#include "ports/media_store.hpp"
#include "ports/metadata_store.hpp"
#include "service/cached_json.hpp"
#include "service/media_service.hpp"
#include "service/track_upload.hpp"
#include "service/upload_session.hpp"

namespace volkrin {

struct TrackSettings {
  std::string public_base_url;  // "" or an absolute URL without trailing '/'
  UploadLimits limits;
};

// The serialized list as the cache keeps it: JSON bytes and their ETag.
using TrackListBody = CachedJson;

// A track's thumbnail: its bytes when the media store keeps it as a local file, else the
// signed URL to send the client to (object storage).
struct Thumbnail {
  std::optional<MediaFile> file;
  std::string redirect;
};

class TrackService {
 public:
  static constexpr std::string_view kListKey = "tracks:all";
  static constexpr std::chrono::seconds kListTtl{600};
  static constexpr std::int64_t kUrlLifetimeSeconds = 300;

  TrackService(MetadataStore& store, MediaStore& media, Cache& cache, TrackSettings settings);

  // Every track, newest first, from the cache when it holds the list (counted as a hit or
  // a miss); a miss reads the database off the I/O thread and fills the cache, unless the
  // list was invalidated meanwhile (on any instance), so that a slow read cannot bring
  // back a deleted track or hide a new one.
  boost::asio::awaitable<TrackListBody> list_all();
  // A page or a search, straight from the database: JSON array bytes.
  boost::asio::awaitable<std::string> list_page(TrackQuery query);

  // Throws ApiError(404, "Track not found") for unknown or malformed ids.
  boost::asio::awaitable<TrackRecord> find(std::string_view id);

  // A URL valid for kUrlLifetimeSeconds from now: a fresh one every time, so it never has
  // less than that left when handed out. `origin` ("http://host:port") makes a local
  // (relative) URL absolute when no PUBLIC_BASE_URL is configured.
  std::string signed_url(std::string_view key, std::string_view origin) const;

  // Throws ApiError(404, ...) when there is no such track or its thumbnail is gone; `origin`
  // as for signed_url().
  boost::asio::awaitable<Thumbnail> thumbnail(std::string id, std::string origin);

  // An upload for the HTTP route; its finish() counts it and drops the cached lists.
  UploadSession start_upload(Uploader uploader);
  // After a TrackUpload finished (UploadSession::finish does this): counts it and drops the
  // cached list.
  boost::asio::awaitable<void> uploaded();

  // Row first, then both objects; drops the cached list. 404 when there is no such track.
  boost::asio::awaitable<void> remove(std::string_view id);

  // Drops the cached list and the cached albums and artists (LibraryService).
  boost::asio::awaitable<void> invalidate_list();

  const TrackSettings& settings() const { return settings_; }

 private:
  MetadataStore& store_;
  MediaStore& media_;
  Cache& cache_;
  TrackSettings settings_;
};

}  // namespace volkrin
