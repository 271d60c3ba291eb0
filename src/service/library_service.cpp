// Album and artist reads; see library_service.hpp.
#include "service/library_service.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "service/library_json.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"
#include "support/crypto.hpp"
#include "support/metrics.hpp"
#include "support/object_id.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {
namespace {

using boost::asio::awaitable;

std::string_view sort_name(AlbumSort sort) {
  switch (sort) {
    case AlbumSort::name:
      return "name";
    case AlbumSort::artist:
      return "artist";
    case AlbumSort::year:
      return "year";
    case AlbumSort::newest:
      return "newest";
  }
  return "name";
}

// The query as part of a cache key: every field, the text hex-encoded so that no value
// can run into the next.
std::string page_key(std::optional<std::int64_t> limit, std::int64_t offset,
                     std::string_view text) {
  return (limit ? std::to_string(*limit) : std::string("all")) + ":" + std::to_string(offset) +
         ":" + crypto::hex_encode(text);
}

boost::json::array tracks_array(const std::vector<TrackRecord>& tracks, std::string_view base_url) {
  boost::json::array out;
  out.reserve(tracks.size());
  for (const auto& track : tracks) out.push_back(track_json(track, base_url));
  return out;
}

}  // namespace

LibraryService::LibraryService(MetadataStore& store, Cache& cache, std::string public_base_url)
    : store_(store), cache_(cache), base_url_(std::move(public_base_url)) {}

awaitable<CachedJson> LibraryService::cached(std::string key, std::function<std::string()> build) {
  std::string generation;
  if (auto stored = co_await cache_.get(kGenerationKey)) {
    generation = *stored;
  } else {
    generation = crypto::hex_encode(crypto::random_bytes(8));
    co_await cache_.set(kGenerationKey, std::make_shared<const std::string>(generation), kTtl);
  }
  const std::string full_key = "library:" + generation + ":" + key;
  if (auto hit = parse_cached_json(co_await cache_.get(full_key))) {
    metrics().cache_hits.inc();
    co_return std::move(*hit);
  }
  metrics().cache_misses.inc();
  // Named rather than written inside the co_await (see TrackService::list_page).
  auto make = [&build] { return make_cached_json(build()); };
  CachedJson fresh = co_await offload(make);
  co_await cache_.set(full_key, fresh.entry, kTtl);
  co_return fresh;
}

awaitable<CachedJson> LibraryService::albums(AlbumQuery query) {
  std::string key = "albums:" + std::string(sort_name(query.sort)) + ":" +
                    page_key(query.limit, query.offset, query.text) + ":" +
                    query.artist_id.value_or("");
  std::function<std::string()> build = [this, query] { return album_page_json(query); };
  co_return co_await cached(std::move(key), std::move(build));
}

awaitable<CachedJson> LibraryService::artists(ArtistQuery query) {
  std::string key = "artists:" + page_key(query.limit, query.offset, query.text);
  std::function<std::string()> build = [this, query] { return artist_page_json(query); };
  co_return co_await cached(std::move(key), std::move(build));
}

awaitable<CachedJson> LibraryService::album(std::string id) {
  if (!is_object_id(id)) throw ApiError(404, "Album not found");
  std::string key = "album:" + id;
  std::function<std::string()> build = [this, id] { return album_detail_json(id); };
  co_return co_await cached(std::move(key), std::move(build));
}

awaitable<CachedJson> LibraryService::artist(std::string id) {
  if (!is_object_id(id)) throw ApiError(404, "Artist not found");
  std::string key = "artist:" + id;
  std::function<std::string()> build = [this, id] { return artist_detail_json(id); };
  co_return co_await cached(std::move(key), std::move(build));
}

awaitable<void> LibraryService::invalidate() {
  co_await cache_.remove(kGenerationKey);
}

std::string LibraryService::album_page_json(const AlbumQuery& query) {
  boost::json::array out;
  for (const auto& album : store_.list_albums(query)) out.push_back(album_json(album, base_url_));
  return boost::json::serialize(out);
}

std::string LibraryService::artist_page_json(const ArtistQuery& query) {
  boost::json::array out;
  for (const auto& artist : store_.list_artists(query)) {
    out.push_back(artist_json(artist, base_url_));
  }
  return boost::json::serialize(out);
}

std::string LibraryService::album_detail_json(const std::string& id) {
  const auto album = store_.find_album(id);
  if (!album) throw ApiError(404, "Album not found");
  boost::json::object o = album_json(*album, base_url_);
  o["tracks"] = tracks_array(store_.album_tracks(id), base_url_);
  return boost::json::serialize(o);
}

std::string LibraryService::artist_detail_json(const std::string& id) {
  const auto artist = store_.find_artist(id);
  if (!artist) throw ApiError(404, "Artist not found");
  boost::json::object o = artist_json(*artist, base_url_);
  AlbumQuery albums;
  albums.artist_id = id;
  albums.sort = AlbumSort::year;
  boost::json::array album_list;
  for (const auto& album : store_.list_albums(albums)) {
    album_list.push_back(album_json(album, base_url_));
  }
  o["albums"] = std::move(album_list);
  o["tracks"] = tracks_array(store_.artist_tracks(id), base_url_);
  return boost::json::serialize(o);
}

}  // namespace volkrin
