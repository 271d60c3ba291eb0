// Importing a music collection from folders: every audio file found by its content becomes a
// track (tags, cover, facts), once, through the same pipeline as an upload.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ports/media_store.hpp"
#include "ports/metadata_store.hpp"
#include "service/folder_cover.hpp"
#include "service/track_upload.hpp"

namespace volkrin {

enum class ImportOutcome {
  imported,
  already_present,  // a stored track has the same audio bytes
  refused,          // an audio file (by name or content) that cannot be a track: see reason
  ignored,          // not audio and not named so (a cover, a playlist, notes, a hidden file)
};

struct ImportedFile {
  std::filesystem::path path;
  ImportOutcome outcome = ImportOutcome::ignored;
  // For refused: "not audio", "unreadable", "over MAX_AUDIO_SIZE", "no title", or why the
  // file could not be opened or read.
  std::string reason;
  std::uint64_t bytes = 0;
  std::optional<TrackRecord> track;  // imported
};

struct ImportCountsSoFar {
  std::uint64_t files = 0;  // looked at, every outcome
  std::uint64_t bytes = 0;
  std::uint64_t imported = 0;
  std::uint64_t imported_bytes = 0;
  std::uint64_t already_present = 0;
  std::uint64_t refused = 0;
  std::uint64_t ignored = 0;
};

struct ImportPlan {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

// Files are taken in parallel by `workers` threads from a short queue that one walk fills,
// so memory does not grow with the collection. Each file is read twice: once to hash it (a
// file whose bytes are stored is skipped before anything is written), once to store it.
// Every failure leaves nothing behind (TrackUpload's all-or-nothing); a file refused is
// reported and skipped. Hidden files and folders (a name starting with '.') are left alone,
// and symbolic links to folders are not followed (a loop could never end).
class LibraryImport {
 public:
  using Report = std::function<void(const ImportedFile&)>;

  LibraryImport(MediaStore& media, MetadataStore& store, UploadLimits limits, Uploader uploader);

  // The files and bytes below `roots` that run() would look at; stops early on `stop`.
  static ImportPlan plan(const std::vector<std::filesystem::path>& roots,
                         const std::atomic<bool>& stop);

  // Imports everything below `roots`. `report` is called once per file, from the worker
  // that took it, one call at a time. When `stop` becomes true no new file is started and
  // the files in progress are finished. A failure of the database or the media store
  // (not of one file) stops the import too and is rethrown here once the workers are done.
  void run(const std::vector<std::filesystem::path>& roots, unsigned workers, const Report& report,
           const std::atomic<bool>& stop);

  // One file, blocking. Throws only for failures of the stores.
  ImportedFile import_file(const std::filesystem::path& file);

  ImportCountsSoFar counts() const;

 private:
  void count(const ImportedFile& file);

  MediaStore& media_;
  MetadataStore& store_;
  UploadLimits limits_;
  Uploader uploader_;
  FolderCovers covers_;
  mutable std::mutex counts_mutex_;
  ImportCountsSoFar counts_;
};

// Whether a file name ends in an extension that audio files carry (case-insensitive).
bool has_audio_extension(const std::filesystem::path& file);

}  // namespace volkrin
