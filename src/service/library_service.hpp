// Albums and artists: pages and lookups, cached per query until the library changes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "ports/cache.hpp"
#include "ports/library_records.hpp"
#include "ports/metadata_store.hpp"
#include "service/cached_json.hpp"

namespace volkrin {

// Every answer is cached under the current library generation, a random value kept in the
// cache itself: invalidate() removes it, so the next read on any instance sharing the cache
// starts a new generation and no answer cached before the change is ever served again (the
// old entries expire with their TTL). An answer read while a change lands may still be
// stored under the generation that change removed, where no later read looks.
class LibraryService {
 public:
  static constexpr std::string_view kGenerationKey = "library:generation";
  static constexpr std::chrono::seconds kTtl{600};

  LibraryService(MetadataStore& store, Cache& cache, std::string public_base_url);

  // JSON arrays of album and artist objects (library_json.hpp).
  boost::asio::awaitable<CachedJson> albums(AlbumQuery query);
  boost::asio::awaitable<CachedJson> artists(ArtistQuery query);
  // The album with "tracks" (disc, then track order); the artist with "albums" (oldest
  // first) and "tracks". ApiError(404, "Album not found" / "Artist not found") for unknown
  // or malformed ids.
  boost::asio::awaitable<CachedJson> album(std::string id);
  boost::asio::awaitable<CachedJson> artist(std::string id);

  // After any change to the tracks, here or by another process sharing the cache.
  boost::asio::awaitable<void> invalidate();

 private:
  boost::asio::awaitable<CachedJson> cached(std::string key, std::function<std::string()> build);
  std::string album_page_json(const AlbumQuery& query);
  std::string artist_page_json(const ArtistQuery& query);
  std::string album_detail_json(const std::string& id);
  std::string artist_detail_json(const std::string& id);

  MetadataStore& store_;
  Cache& cache_;
  std::string base_url_;
};

}  // namespace volkrin
