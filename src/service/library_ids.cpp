// Album and artist ids; see library_ids.hpp.
#include "service/library_ids.hpp"

#include "support/ascii.hpp"
#include "support/crypto.hpp"

namespace volkrin {
namespace {

constexpr std::size_t kIdHexDigits = 24;

std::string id_of(std::string_view kind, std::string_view key) {
  // The kind keeps an artist and an album of the same name apart.
  std::string input(kind);
  input += '\x1f';
  input += ascii_lower(key);
  return crypto::hex_encode(crypto::sha256(input)).substr(0, kIdHexDigits);
}

std::string_view artist_name(std::string_view album_artist, std::string_view artist) {
  return album_artist.empty() ? artist : album_artist;
}

}  // namespace

std::optional<std::string> artist_id_of(std::string_view album_artist, std::string_view artist) {
  const std::string_view name = artist_name(album_artist, artist);
  if (name.empty()) return std::nullopt;
  return id_of("artist", name);
}

std::optional<std::string> album_id_of(std::string_view album_artist, std::string_view artist,
                                       std::string_view album) {
  if (album.empty()) return std::nullopt;
  std::string key(artist_name(album_artist, artist));
  key += '\x1f';
  key += album;
  return id_of("album", key);
}

void assign_library_ids(TrackRecord& track) {
  track.artist_id = artist_id_of(track.album_artist, track.artist);
  track.album_id = album_id_of(track.album_artist, track.artist, track.album);
}

}  // namespace volkrin
