// Track rules; see track_service.hpp.
#include "service/track_service.hpp"

#include <spdlog/spdlog.h>

#include "service/library_service.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"
#include "support/metrics.hpp"
#include "support/object_id.hpp"
#include "support/strong_etag.hpp"
#include "support/time_format.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {

using boost::asio::awaitable;

TrackService::TrackService(MetadataStore& store, MediaStore& media, Cache& cache,
                           TrackSettings settings)
    : store_(store), media_(media), cache_(cache), settings_(std::move(settings)) {}

awaitable<TrackListBody> TrackService::list_all() {
  if (auto entry = co_await cache_.get(kListKey)) {
    const auto newline = entry->find('\n');
    if (newline != std::string::npos) {
      metrics().cache_hits.inc();
      co_return TrackListBody{std::move(entry), newline + 1};
    }
  }
  metrics().cache_misses.inc();
  // Taken before the read: an invalidation after it, here or on another instance sharing
  // the cache, keeps this list (which may predate it) out of the cache.
  const std::optional<std::string> stamp = co_await cache_.removal_stamp(kListKey);
  auto entry = co_await offload([this] {
    // "<etag>\n<json>" written in place: the JSON goes after room for the ETag, whose length
    // is fixed, so a large list is never copied.
    std::string bytes(kStrongEtagSize, ' ');
    bytes += '\n';
    append_tracks_json_array(bytes, store_.list_tracks({}), settings_.public_base_url);
    const std::string_view json = std::string_view(bytes).substr(kStrongEtagSize + 1);
    bytes.replace(0, kStrongEtagSize, strong_etag(json));
    return std::make_shared<const std::string>(std::move(bytes));
  });
  if (stamp) co_await cache_.set_unless_removed(kListKey, entry, kListTtl, *stamp);
  const auto newline = entry->find('\n');
  co_return TrackListBody{std::move(entry), newline + 1};
}

awaitable<std::string> TrackService::list_page(TrackQuery query) {
  // Named rather than written inside the co_await: GCC 12 destroys a lambda temporary in a
  // co_await expression twice, which freed a search text longer than 15 bytes twice.
  auto page = [this, query = std::move(query)] {
    return tracks_json_array(store_.list_tracks(query), settings_.public_base_url);
  };
  co_return co_await offload(std::move(page));
}

awaitable<TrackRecord> TrackService::find(std::string_view id) {
  if (!is_object_id(id)) throw ApiError(404, "Track not found");
  std::string key(id);
  auto track = co_await offload([this, &key] { return store_.find_track(key); });
  if (!track) throw ApiError(404, "Track not found");
  co_return std::move(*track);
}

std::string TrackService::signed_url(std::string_view key, std::string_view origin) const {
  std::string url = media_.presign_get(key, now_seconds() + kUrlLifetimeSeconds);
  if (!url.empty() && url.front() == '/') {
    url.insert(0,
               settings_.public_base_url.empty() ? std::string(origin) : settings_.public_base_url);
  }
  return url;
}

awaitable<Thumbnail> TrackService::thumbnail(std::string id, std::string origin) {
  const TrackRecord track = co_await find(id);
  const std::string& key = track.thumbnail_key;
  if (key.empty()) throw ApiError(404, "Thumbnail not found");  // a track without a cover
  Thumbnail result;
  auto open = [this, &key] { return open_media(media_, key); };
  result.file = co_await offload(open);
  if (result.file) co_return std::move(result);
  auto stat = [this, &key] { return media_.stat(key); };
  const auto stored = co_await offload(stat);
  if (!stored) throw ApiError(404, "Thumbnail not found");
  result.redirect = signed_url(key, origin);
  co_return std::move(result);
}

UploadSession TrackService::start_upload(Uploader uploader) {
  return UploadSession(
      *this, std::make_unique<TrackUpload>(media_, store_, settings_.limits, std::move(uploader)));
}

awaitable<void> TrackService::uploaded() {
  metrics().track_uploads.inc();
  co_await invalidate_list();
}

awaitable<void> TrackService::invalidate_list() {
  co_await cache_.remove(kListKey);
  co_await cache_.remove(LibraryService::kGenerationKey);
}

awaitable<void> TrackService::remove(std::string_view id) {
  if (!is_object_id(id)) throw ApiError(404, "Track not found");
  std::string key(id);
  auto deleted = co_await offload([this, &key] { return store_.delete_track(key); });
  if (!deleted) throw ApiError(404, "Track not found");
  metrics().track_deletions.inc();
  co_await invalidate_list();
  // The row is gone, so no one can reach the objects any more; failing to remove them
  // leaves orphans (logged and counted), never a track without media.
  co_await offload([this, &deleted] {
    for (const std::string& object : {deleted->file_key, deleted->thumbnail_key}) {
      if (object.empty()) continue;  // an imported track without an image
      try {
        media_.remove(object);
      } catch (const std::exception& e) {
        spdlog::error("track {} deleted but its object {} remains: {}", deleted->id, object,
                      e.what());
        metrics().backend_error(Backend::storage);
      }
    }
  });
}

}  // namespace volkrin
