// Tag reading with TagLib's format-specific classes: candidates gathered per format, then cleaned.
#include "format/audio_tags.hpp"

#include <taglib/apetag.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v1tag.h>
#include <taglib/id3v2framefactory.h>
#include <taglib/id3v2tag.h>
#include <taglib/infotag.h>
#include <taglib/mp4file.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tfilestream.h>
#include <taglib/tpropertymap.h>
#include <taglib/unsynchronizedlyricsframe.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/xiphcomment.h>

#include <array>
#include <exception>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "format/tag_values.hpp"

namespace volkrin {
namespace {

enum class Field {
  title,
  artist,
  album,
  album_artist,
  track,
  track_total,
  disc,
  disc_total,
  date,
  genre,
  lyrics,
  mb_track,
  mb_album,
  mb_artist,
  mb_album_artist,
  mb_release_group,
};
constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::mb_release_group) + 1;

// Property names (TagLib's unified keys, which Vorbis comments use as they are) and the
// spellings other writers use, in the order they are preferred.
constexpr std::pair<std::string_view, Field> kPropertyNames[] = {
    {"TITLE", Field::title},
    {"ARTIST", Field::artist},
    {"ALBUM", Field::album},
    {"ALBUMARTIST", Field::album_artist},
    {"ALBUM ARTIST", Field::album_artist},
    {"ALBUM_ARTIST", Field::album_artist},
    {"TRACKNUMBER", Field::track},
    {"TRACKTOTAL", Field::track_total},
    {"TOTALTRACKS", Field::track_total},
    {"DISCNUMBER", Field::disc},
    {"DISCTOTAL", Field::disc_total},
    {"TOTALDISCS", Field::disc_total},
    {"DATE", Field::date},
    {"YEAR", Field::date},
    {"GENRE", Field::genre},
    {"LYRICS", Field::lyrics},
    {"UNSYNCEDLYRICS", Field::lyrics},
    {"USLT", Field::lyrics},  // ffmpeg writes lyrics into MP3 as TXXX "USLT", not as USLT
    {"MUSICBRAINZ_TRACKID", Field::mb_track},
    {"MUSICBRAINZ TRACK ID", Field::mb_track},
    {"MUSICBRAINZ_ALBUMID", Field::mb_album},
    {"MUSICBRAINZ ALBUM ID", Field::mb_album},
    {"MUSICBRAINZ_ARTISTID", Field::mb_artist},
    {"MUSICBRAINZ ARTIST ID", Field::mb_artist},
    {"MUSICBRAINZ_ALBUMARTISTID", Field::mb_album_artist},
    {"MUSICBRAINZ ALBUM ARTIST ID", Field::mb_album_artist},
    {"MUSICBRAINZ_RELEASEGROUPID", Field::mb_release_group},
    {"MUSICBRAINZ RELEASE GROUP ID", Field::mb_release_group},
};

// Everything the tags offer for each field, best first, before any cleaning: a value that
// cleans to nothing gives way to the next one.
struct Candidates {
  std::array<std::vector<TagLib::String>, kFieldCount> values;
  std::vector<TagLib::ByteVector> front_covers;
  std::vector<TagLib::ByteVector> other_covers;

  void add(Field field, const TagLib::String& value) {
    values[static_cast<std::size_t>(field)].push_back(value);
  }
  void add(Field field, const TagLib::StringList& list) {
    for (const auto& value : list) add(field, value);
  }
  const std::vector<TagLib::String>& of(Field field) const {
    return values[static_cast<std::size_t>(field)];
  }
};

void add_properties(Candidates& c, const TagLib::PropertyMap& properties) {
  for (const auto& [name, field] : kPropertyNames) {
    const auto it = properties.find(TagLib::String(std::string(name), TagLib::String::UTF8));
    if (it != properties.end()) c.add(field, it->second);
  }
}

void add_id3v2(Candidates& c, const TagLib::ID3v2::Tag& tag) {
  const auto& frames = tag.frameListMap();
  // USLT frames directly: the property map names those with a description "LYRICS:<it>".
  if (const auto it = frames.find("USLT"); it != frames.end()) {
    for (const auto* frame : it->second) {
      if (const auto* uslt = dynamic_cast<const TagLib::ID3v2::UnsynchronizedLyricsFrame*>(frame)) {
        c.add(Field::lyrics, uslt->text());
      }
    }
  }
  // TXXX "MusicBrainz Album Id" and the like, and UFID "http://musicbrainz.org", come out of
  // the property map under their MUSICBRAINZ_ names.
  add_properties(c, tag.properties());
  if (const auto it = frames.find("APIC"); it != frames.end()) {
    for (const auto* frame : it->second) {
      if (const auto* apic = dynamic_cast<const TagLib::ID3v2::AttachedPictureFrame*>(frame)) {
        const bool front = apic->type() == TagLib::ID3v2::AttachedPictureFrame::FrontCover;
        (front ? c.front_covers : c.other_covers).push_back(apic->picture());
      }
    }
  }
}

void add_flac_pictures(Candidates& c, const TagLib::List<TagLib::FLAC::Picture*>& pictures) {
  for (const auto* picture : pictures) {
    if (picture == nullptr) continue;
    const bool front = picture->type() == TagLib::FLAC::Picture::FrontCover;
    (front ? c.front_covers : c.other_covers).push_back(picture->data());
  }
}

void add_xiph(Candidates& c, TagLib::Ogg::XiphComment& comment) {
  add_properties(c, comment.properties());
  add_flac_pictures(c, comment.pictureList());
}

void add_mp4(Candidates& c, const TagLib::MP4::Tag& tag) {
  add_properties(c, tag.properties());
  // Freeform items by their name alone, whatever its case: "----:com.apple.iTunes:MusicBrainz
  // Album Id" the way Picard writes it, and spellings TagLib's exact table does not know.
  TagLib::PropertyMap freeform;
  for (const auto& [key, item] : tag.itemMap()) {
    if (!key.startsWith("----:")) continue;
    const int colon = key.rfind(":");
    freeform[key.substr(static_cast<unsigned>(colon) + 1).upper()].append(item.toStringList());
  }
  add_properties(c, freeform);
  if (const auto it = tag.itemMap().find("covr"); it != tag.itemMap().end()) {
    for (const auto& art : it->second.toCoverArtList()) c.other_covers.push_back(art.data());
  }
}

void add_info(Candidates& c, const TagLib::RIFF::Info::Tag& info) {
  c.add(Field::title, info.fieldText("INAM"));
  c.add(Field::artist, info.fieldText("IART"));
  c.add(Field::album, info.fieldText("IPRD"));
  c.add(Field::track, info.fieldText("IPRT"));
  c.add(Field::track, info.fieldText("ITRK"));
  c.add(Field::date, info.fieldText("ICRD"));
  c.add(Field::genre, info.fieldText("IGNR"));
}

template <typename File>
bool opened(const File& file) {
  return file.isOpen() && file.isValid();
}

bool gather(TagLib::IOStream& stream, AudioFormat format, Candidates& c) {
  auto* frames = TagLib::ID3v2::FrameFactory::instance();
  switch (format) {
    case AudioFormat::mp3: {
      TagLib::MPEG::File file(&stream, frames, false);
      if (!opened(file)) return false;
      if (file.hasID3v2Tag()) add_id3v2(c, *file.ID3v2Tag());
      if (file.hasAPETag()) add_properties(c, file.APETag()->properties());
      if (file.hasID3v1Tag()) add_properties(c, file.ID3v1Tag()->properties());
      return true;
    }
    case AudioFormat::flac: {
      TagLib::FLAC::File file(&stream, frames, false);
      if (!opened(file)) return false;
      if (file.hasXiphComment()) add_xiph(c, *file.xiphComment());
      add_flac_pictures(c, file.pictureList());
      if (file.hasID3v2Tag()) add_id3v2(c, *file.ID3v2Tag());
      if (file.hasID3v1Tag()) add_properties(c, file.ID3v1Tag()->properties());
      return true;
    }
    case AudioFormat::ogg_vorbis: {
      TagLib::Ogg::Vorbis::File file(&stream, false);
      if (!opened(file)) return false;
      if (file.tag() != nullptr) add_xiph(c, *file.tag());
      return true;
    }
    case AudioFormat::ogg_opus: {
      TagLib::Ogg::Opus::File file(&stream, false);
      if (!opened(file)) return false;
      if (file.tag() != nullptr) add_xiph(c, *file.tag());
      return true;
    }
    case AudioFormat::m4a: {
      TagLib::MP4::File file(&stream, false);
      if (!opened(file)) return false;
      if (file.hasMP4Tag()) add_mp4(c, *file.tag());
      return true;
    }
    case AudioFormat::wav: {
      TagLib::RIFF::WAV::File file(&stream, false);
      if (!opened(file)) return false;
      if (file.hasID3v2Tag()) add_id3v2(c, *file.ID3v2Tag());
      if (file.hasInfoTag()) add_info(c, *file.InfoTag());
      return true;
    }
  }
  return false;
}

std::string clean(const TagLib::String& value, const TagTextLimits& limits) {
  return clean_tag_text(std::wstring_view(value.toCWString(), value.size()), limits);
}

std::optional<std::string> first_text(const Candidates& c, Field field,
                                      const TagTextLimits& limits = kTagNameLimits) {
  for (const auto& value : c.of(field)) {
    std::string text = clean(value, limits);
    if (!text.empty()) return text;
  }
  return std::nullopt;
}

// The first value that `parse` accepts, parsed from its cleaned text.
template <typename Parse>
auto first_parsed(const Candidates& c, Field field, Parse parse) -> decltype(parse("")) {
  for (const auto& value : c.of(field)) {
    if (auto parsed = parse(clean(value, kTagNameLimits))) return parsed;
  }
  return std::nullopt;
}

// The number from the first position that has one; the total from a field of its own when
// there is one, else from the first position that has one.
TagPosition position(const Candidates& c, Field number_field, Field total_field, int max) {
  TagPosition out;
  for (const auto& value : c.of(number_field)) {
    const TagPosition p = parse_tag_position(clean(value, kTagNameLimits), max);
    if (!out.number) out.number = p.number;
    if (!out.total) out.total = p.total;
  }
  const auto total =
      first_parsed(c, total_field, [max](std::string_view s) { return parse_tag_count(s, max); });
  if (total) out.total = total;
  if (out.number && out.total && *out.total < *out.number) out.total.reset();
  return out;
}

std::optional<std::string> pick_cover(const Candidates& c) {
  for (const auto* list : {&c.front_covers, &c.other_covers}) {
    for (const auto& bytes : *list) {
      if (!bytes.isEmpty() && bytes.size() <= kMaxCoverBytes) {
        return std::string(bytes.data(), bytes.size());
      }
    }
  }
  return std::nullopt;
}

AudioTags finish(const Candidates& c) {
  AudioTags tags;
  tags.title = first_text(c, Field::title);
  tags.artist = first_text(c, Field::artist);
  tags.album = first_text(c, Field::album);
  tags.album_artist = first_text(c, Field::album_artist);
  const TagPosition track = position(c, Field::track, Field::track_total, kMaxTrackPosition);
  tags.track_number = track.number;
  tags.track_total = track.total;
  const TagPosition disc = position(c, Field::disc, Field::disc_total, kMaxDiscPosition);
  tags.disc_number = disc.number;
  tags.disc_total = disc.total;
  tags.year = first_parsed(c, Field::date, parse_tag_year);
  tags.genre = first_text(c, Field::genre);
  tags.musicbrainz.track = first_parsed(c, Field::mb_track, parse_musicbrainz_id);
  tags.musicbrainz.album = first_parsed(c, Field::mb_album, parse_musicbrainz_id);
  tags.musicbrainz.artist = first_parsed(c, Field::mb_artist, parse_musicbrainz_id);
  tags.musicbrainz.album_artist = first_parsed(c, Field::mb_album_artist, parse_musicbrainz_id);
  tags.musicbrainz.release_group = first_parsed(c, Field::mb_release_group, parse_musicbrainz_id);
  tags.lyrics = first_text(c, Field::lyrics, kTagLyricsLimits);
  tags.cover = pick_cover(c);
  return tags;
}

}  // namespace

std::optional<AudioTags> read_audio_tags(const std::filesystem::path& file, AudioFormat sniffed) {
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) || std::filesystem::file_size(file, ec) == 0 ||
        ec) {
      return std::nullopt;
    }
    // Read-only: TagLib's own file opening would ask for write access first.
    TagLib::FileStream stream(file.c_str(), true);
    if (!stream.isOpen()) return std::nullopt;
    Candidates candidates;
    if (!gather(stream, sniffed, candidates)) return std::nullopt;
    return finish(candidates);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<CoverImage> cover_image(std::string cover) {
  const auto format = sniff_image(std::string_view(cover).substr(0, kSniffBytes));
  if (!format) return std::nullopt;
  return CoverImage{*format, std::move(cover)};
}

}  // namespace volkrin
