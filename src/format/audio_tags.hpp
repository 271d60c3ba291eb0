// Tags and embedded cover art of an audio file (title, artist, album, positions, ids, lyrics).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "format/content_sniff.hpp"

namespace volkrin {

// Positions above these are absurd and read as absent.
inline constexpr int kMaxTrackPosition = 9999;
inline constexpr int kMaxDiscPosition = 999;
// An embedded picture larger than this is ignored.
inline constexpr std::size_t kMaxCoverBytes = std::size_t{10} * 1024 * 1024;

// MusicBrainz ids (UUIDs in lower case) as the tags carry them.
struct MusicBrainzIds {
  std::optional<std::string> track;  // the recording: MUSICBRAINZ_TRACKID, ID3 UFID
  std::optional<std::string> album;  // the release
  std::optional<std::string> artist;
  std::optional<std::string> album_artist;
  std::optional<std::string> release_group;
  bool operator==(const MusicBrainzIds&) const = default;
};

// What the tags say, each value cleaned (see format/tag_values.hpp): text is valid UTF-8
// without control characters, names at most kTagNameLimits, lyrics at most kTagLyricsLimits;
// absent when the tags lack it or hold nothing usable. Where a field has several values (an
// ID3v2.4 list, repeated Vorbis comments) the first usable one is taken, genres included.
struct AudioTags {
  std::optional<std::string> title;
  std::optional<std::string> artist;
  std::optional<std::string> album;
  std::optional<std::string> album_artist;
  std::optional<int> track_number;  // 1..kMaxTrackPosition
  std::optional<int> track_total;   // 1..kMaxTrackPosition, never below track_number
  std::optional<int> disc_number;   // 1..kMaxDiscPosition
  std::optional<int> disc_total;    // 1..kMaxDiscPosition, never below disc_number
  std::optional<int> year;          // 1000..9999
  std::optional<std::string> genre;
  MusicBrainzIds musicbrainz;
  std::optional<std::string> lyrics;  // unsynchronised; line breaks are '\n'
  // The embedded picture's bytes as stored (the front cover when one is marked so, else the
  // first picture, at most kMaxCoverBytes). Nothing says they are an image: see cover_image().
  std::optional<std::string> cover;
  bool operator==(const AudioTags&) const = default;
};

// Reads the tags with the TagLib parser of the sniffed format (never chosen by file name):
// - mp3: ID3v2, then APE, then ID3v1 for what the richer tags lack;
// - flac: the Vorbis comment and PICTURE blocks, then ID3v2 and ID3v1 if present;
// - ogg_vorbis, ogg_opus: the Vorbis comment, METADATA_BLOCK_PICTURE (and legacy COVERART);
// - m4a: the MP4 ilst atoms, MusicBrainz ids from "----:com.apple.iTunes:" items;
// - wav: an ID3v2 chunk, then the RIFF INFO list.
// nullopt when the file is missing, empty or unreadable, or that parser does not take it for
// its format; a file without tags gives empty AudioTags. Bytes of another format get whatever that
// parser makes of them, cleaned all the same. Blocking; never throws for bad content.
std::optional<AudioTags> read_audio_tags(const std::filesystem::path& file, AudioFormat sniffed);

struct CoverImage {
  ImageFormat format;
  std::string bytes;
};

// The cover with its format when its bytes sniff as JPEG, PNG, WebP or GIF; nullopt otherwise.
std::optional<CoverImage> cover_image(std::string cover);

}  // namespace volkrin
