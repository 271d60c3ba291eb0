// Tags → track; see track_tags.hpp.
#include "service/track_tags.hpp"

#include <algorithm>

#include "service/library_ids.hpp"
#include "support/ascii.hpp"
#include "support/text_validation.hpp"

namespace volkrin {
namespace {

constexpr std::size_t kMaxTitleChars = 200;

std::optional<std::int64_t> widened(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return *value;
}

// The first `max_chars` characters of valid UTF-8 `text`.
std::string clip_utf8(std::string text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) {
      text.resize(at);
      break;
    }
  }
  return text;
}

}  // namespace

void apply_tags(TrackRecord& track, const AudioTags& tags) {
  if (track.title.empty()) track.title = tags.title.value_or("");
  if (track.artist.empty()) track.artist = tags.artist.value_or("");
  track.album = tags.album.value_or("");
  track.album_artist = tags.album_artist.value_or("");
  track.track_number = widened(tags.track_number);
  track.track_total = widened(tags.track_total);
  track.disc_number = widened(tags.disc_number);
  track.disc_total = widened(tags.disc_total);
  track.year = widened(tags.year);
  track.genre = tags.genre.value_or("");
  track.musicbrainz_track_id = tags.musicbrainz.track;
  track.musicbrainz_album_id = tags.musicbrainz.album;
  track.musicbrainz_artist_id =
      tags.musicbrainz.album_artist ? tags.musicbrainz.album_artist : tags.musicbrainz.artist;
  assign_library_ids(track);
}

std::string title_from_file_name(std::string_view file_name) {
  const auto slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const auto dot = file_name.rfind('.');
  if (dot != std::string_view::npos) file_name = file_name.substr(0, dot);
  std::string title(file_name);
  std::replace(title.begin(), title.end(), '_', ' ');
  return clip_utf8(clean_single_line(title), kMaxTitleChars);
}

}  // namespace volkrin
