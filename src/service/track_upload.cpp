// The upload pipeline of one track; see track_upload.hpp.
#include "service/track_upload.hpp"

#include <spdlog/spdlog.h>

#include "format/audio_tags.hpp"
#include "format/storage_key.hpp"
#include "service/track_tags.hpp"
#include "support/api_error.hpp"
#include "support/ascii.hpp"
#include "support/metrics.hpp"
#include "support/object_id.hpp"
#include "support/text_validation.hpp"
#include "support/time_format.hpp"

namespace volkrin {
namespace {

std::string mib(std::uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

TrackUpload::TrackUpload(MediaStore& media, MetadataStore& store, UploadLimits limits,
                         Uploader uploader)
    : media_(media), store_(store), limits_(limits), uploader_(std::move(uploader)) {}

TrackUpload::~TrackUpload() {
  discard();
}

std::uint64_t TrackUpload::limit(UploadFile which) const {
  return which == UploadFile::audio ? limits_.max_audio_bytes : limits_.max_thumbnail_bytes;
}

void TrackUpload::set_field(std::string_view name, std::string value) {
  // Refused here rather than stored: a title that is not UTF-8 would make the track list
  // JSON that no client can parse.
  if (name == "title") title_ = require_single_line(trim(value), "title");
  if (name == "artist") artist_ = require_single_line(trim(value), "artist");
}

void TrackUpload::begin_file(UploadFile which, std::string_view client_filename) {
  File& f = file(which);
  if (f.upload || f.committed) {
    throw ApiError(400, which == UploadFile::audio ? "Only one audio file per upload"
                                                   : "Only one thumbnail per upload");
  }
  f.key = new_storage_key(which == UploadFile::audio ? "audio" : "thumbnails", client_filename);
  f.client_filename = client_filename;
  f.upload = media_.begin_upload(f.key);
}

void TrackUpload::check_format(UploadFile which) {
  File& f = file(which);
  if (which == UploadFile::audio) {
    f.audio_format = sniff_audio(f.head);
    if (!f.audio_format) {
      throw ApiError(415, "The audio file must be MP3, M4A/AAC, OGG/Opus, FLAC or WAV audio");
    }
  } else if (!sniff_image(f.head)) {
    throw ApiError(415, "The thumbnail must be a JPEG, PNG, WebP or GIF image");
  }
  f.checked = true;
  f.upload->write(f.head);
  f.head.clear();
  f.head.shrink_to_fit();
}

void TrackUpload::write(UploadFile which, std::string_view bytes) {
  File& f = file(which);
  const std::uint64_t so_far = f.upload->size() + f.head.size();
  if (so_far + bytes.size() > limit(which)) {
    throw ApiError(413,
                   std::string(which == UploadFile::audio ? "The audio file" : "The thumbnail") +
                       " is larger than the limit of " + mib(limit(which)));
  }
  metrics().upload_bytes.inc(bytes.size());
  if (which == UploadFile::audio) f.hash.update(bytes);
  if (f.checked) {
    f.upload->write(bytes);
    return;
  }
  const std::size_t wanted = kSniffBytes - f.head.size();
  f.head.append(bytes.substr(0, wanted));
  if (f.head.size() < kSniffBytes) return;
  check_format(which);
  if (bytes.size() > wanted) f.upload->write(bytes.substr(wanted));
}

void TrackUpload::end_file(UploadFile which) {
  File& f = file(which);
  if (!f.checked) check_format(which);
  f.ended = true;
}

bool TrackUpload::take_embedded_cover(const std::optional<std::string>& cover) {
  if (!cover || cover->size() > limits_.max_thumbnail_bytes) return false;
  auto image = cover_image(*cover);
  if (!image) return false;
  thumbnail_.key =
      new_storage_key("thumbnails", "cover" + std::string(image_extension(image->format)));
  thumbnail_.upload = media_.begin_upload(thumbnail_.key);
  thumbnail_.upload->write(image->bytes);
  thumbnail_.checked = thumbnail_.ended = true;
  return true;
}

TrackRecord TrackUpload::prepare() {
  static constexpr std::string_view kRequired = "Title, audio, and thumbnail are required";
  if (!audio_.ended) throw ApiError(400, std::string(kRequired));
  const auto path = audio_.upload->staged_path();
  std::optional<AudioFacts> facts;
  if (path) facts = probe_audio(*path, *audio_.audio_format);
  if (!facts) {
    throw ApiError(415, "The audio file could not be read as " +
                            std::string(to_string(*audio_.audio_format)) + " audio");
  }
  const auto tags = read_audio_tags(*path, *audio_.audio_format).value_or(AudioTags{});

  TrackRecord track;
  track.title = title_;
  track.artist = artist_;
  apply_tags(track, tags);
  if (track.title.empty()) track.title = title_from_file_name(audio_.client_filename);
  if (track.title.empty()) throw ApiError(400, std::string(kRequired));
  if (!thumbnail_.upload && !take_embedded_cover(tags.cover) &&
      !take_embedded_cover(fallback_cover_) && !thumbnail_optional_) {
    throw ApiError(400, std::string(kRequired));
  }
  if (thumbnail_.upload && !thumbnail_.ended) throw ApiError(400, std::string(kRequired));

  track.id = new_object_id();
  track.file_key = audio_.key;
  track.thumbnail_key = thumbnail_.upload ? thumbnail_.key : std::string();
  if (!uploader_.id.empty()) {  // an import into an instance without an admin has none
    track.uploaded_by = uploader_.id;
    track.uploader = uploader_;
  }
  track.duration_ms = facts->duration_ms;
  track.bitrate_kbps = facts->bitrate_kbps;
  track.sample_rate = facts->sample_rate;
  track.channels = facts->channels;
  track.format = std::string(to_string(facts->format));
  track.content_hash = crypto::hex_encode(audio_.hash.finish());
  track.created_at_ms = track.updated_at_ms = now_ms();

  audio_.upload->commit();
  audio_.committed = true;
  if (thumbnail_.upload) {
    thumbnail_.upload->commit();
    thumbnail_.committed = true;
  }
  return track;
}

TrackRecord TrackUpload::finish() {
  TrackRecord track = prepare();
  store_.insert_track(track);
  inserted_ = true;
  return track;
}

std::optional<TrackRecord> TrackUpload::finish_if_new() {
  TrackRecord track = prepare();
  if (!store_.insert_track_if_new(track)) {
    discard();
    return std::nullopt;
  }
  inserted_ = true;
  return track;
}

void TrackUpload::discard() noexcept {
  if (inserted_) return;
  for (File* f : {&audio_, &thumbnail_}) {
    try {
      if (f->committed) {
        media_.remove(f->key);
        f->committed = false;
      } else if (f->upload) {
        f->upload->abort();
      }
      f->upload.reset();
    } catch (const std::exception& e) {
      spdlog::error("could not remove {} of a failed upload: {}", f->key, e.what());
      metrics().backend_error(Backend::storage);
    }
  }
}

}  // namespace volkrin
