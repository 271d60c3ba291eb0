// Albums and artists as the store derives them from the tracks (see MetadataStore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace volkrin {

// An album: the tracks sharing an album id (album artist, else artist, and album title,
// compared ignoring ASCII case). Its name and artist are those of its oldest track; its
// cover is the first track with a thumbnail in disc, track, then upload order.
struct AlbumRecord {
  std::string id;  // 24 hex digits, derived from the name (service/library_ids.hpp)
  std::string name;
  std::string artist;  // album artist, else artist
  std::optional<std::string> artist_id;
  std::optional<std::int64_t> year;  // the earliest year its tracks carry
  std::string genre;                 // the oldest track's genre that is not empty
  std::int64_t track_count = 0;
  std::int64_t duration_ms = 0;  // sum of the tracks' known durations
  std::optional<std::string> cover_track_id;
  std::int64_t created_at_ms = 0;  // its oldest track's
  std::int64_t updated_at_ms = 0;  // its newest change
  bool operator==(const AlbumRecord&) const = default;
};

// An artist: the tracks sharing an artist id (album artist, else artist).
struct ArtistRecord {
  std::string id;
  std::string name;
  std::int64_t album_count = 0;
  std::int64_t track_count = 0;
  std::int64_t duration_ms = 0;
  std::optional<std::string> cover_track_id;  // the cover of its first album by name
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  bool operator==(const ArtistRecord&) const = default;
};

enum class AlbumSort {
  name,    // by name ignoring ASCII case, then id
  artist,  // by artist, then name
  year,    // oldest year first, albums without one last, then name
  newest,  // most recently added first
};

struct AlbumQuery {
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;
  std::string text;  // a substring of name or artist ignoring case; "" matches all
  AlbumSort sort = AlbumSort::name;
  std::optional<std::string> artist_id;  // only this artist's albums
};

// Artists by name ignoring ASCII case, then id.
struct ArtistQuery {
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;
  std::string text;  // a substring of the name ignoring case
};

}  // namespace volkrin
