// One track upload in progress: files stream into the media store as they arrive, are
// checked by their bytes, and become a track only when everything is in place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "format/audio_probe.hpp"
#include "format/content_sniff.hpp"
#include "ports/media_store.hpp"
#include "ports/metadata_store.hpp"
#include "support/crypto.hpp"

namespace volkrin {

struct UploadLimits {
  std::uint64_t max_audio_bytes = 200ull << 20;
  std::uint64_t max_thumbnail_bytes = 5ull << 20;
};

enum class UploadFile { audio, thumbnail };

// All-or-nothing: objects are written under fresh keys first and the row last; anything
// that stops short (a failed check, a client that leaves, a full disk) ends in discard(),
// which removes every object this upload wrote. Methods block (file I/O, probing): call
// them through offload(). Failures the client should see are ApiError (400, 413, 415).
class TrackUpload {
 public:
  TrackUpload(MediaStore& media, MetadataStore& store, UploadLimits limits, Uploader uploader);
  ~TrackUpload();  // discards, as a last resort
  TrackUpload(const TrackUpload&) = delete;
  TrackUpload& operator=(const TrackUpload&) = delete;

  // "title", "artist" (trimmed); others are ignored. Throws ApiError(400) for text that is
  // not valid UTF-8 or holds a control character (see text_validation.hpp).
  void set_field(std::string_view name, std::string value);
  void begin_file(UploadFile which, std::string_view client_filename);
  void write(UploadFile which, std::string_view bytes);
  void end_file(UploadFile which);

  // Checks that the audio is there and reads its facts and tags: the form's title and
  // artist win over the tags, a title missing from both is made from the file name, and a
  // missing thumbnail is the embedded cover when that is an image within the thumbnail
  // limit. Without audio, or without either thumbnail: ApiError(400, "Title, audio, and
  // thumbnail are required"). Then commits both objects and inserts the row. Returns the
  // new track with its uploader.
  TrackRecord finish();

  // As finish(), for an import: the row is inserted only when no stored track has the
  // same audio bytes (MetadataStore::insert_track_if_new); otherwise the objects are removed
  // and nullopt returned.
  std::optional<TrackRecord> finish_if_new();

  // Import settings. The cover to use when the form gives no thumbnail and the audio has
  // none embedded (a cover.jpg beside the file), subject to the same checks as an embedded
  // one. And whether a track may be stored without any image (the form's rule: it may not).
  void set_fallback_cover(std::string image_bytes) { fallback_cover_ = std::move(image_bytes); }
  void allow_missing_thumbnail() { thumbnail_optional_ = true; }

  // Removes everything written so far. Never throws; safe to call twice.
  void discard() noexcept;

 private:
  struct File {
    std::string key;
    std::unique_ptr<MediaUpload> upload;
    std::string head;  // the first bytes, held back until the format is known
    bool checked = false;
    bool ended = false;
    bool committed = false;
    std::optional<AudioFormat> audio_format;
    std::string client_filename;
    crypto::Sha256 hash;  // of every byte, for the track's content hash
  };

  File& file(UploadFile which) { return which == UploadFile::audio ? audio_ : thumbnail_; }
  std::uint64_t limit(UploadFile which) const;
  void check_format(UploadFile which);
  // Writes the audio's embedded cover as the thumbnail; false when it has none usable.
  bool take_embedded_cover(const std::optional<std::string>& cover);
  // Checks, reads the facts and tags, and commits the objects: the row is all that is left.
  TrackRecord prepare();

  MediaStore& media_;
  MetadataStore& store_;
  UploadLimits limits_;
  Uploader uploader_;
  std::string title_, artist_;
  File audio_, thumbnail_;
  std::optional<std::string> fallback_cover_;
  bool thumbnail_optional_ = false;
  bool inserted_ = false;
};

}  // namespace volkrin
