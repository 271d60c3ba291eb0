// MediaStore adapter keeping objects as files under one directory (the media root).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "media/open_beneath.hpp"
#include "ports/media_store.hpp"

namespace volkrin {

// Layout: the object "audio/<uuid>-x.mp3" is the file <root>/audio/<uuid>-x.mp3. Uploads
// are written to <root>/.incoming/<random hex>.part and renamed into place on commit, so a
// reader never sees a partial file and a crash leaves only .part files, which
// sweep_incomplete() deletes at the next start-up.
//
// Containment: keys must pass is_safe_storage_key, must not start with '.' (that name space
// is the store's own, e.g. ".incoming") and no segment may exceed 255 bytes; anything else
// throws std::invalid_argument. Every path is then resolved below the root without
// following symbolic links (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or an
// O_NOFOLLOW walk where openat2 is missing), so a link planted inside the root cannot lead
// outside it: such a key throws std::runtime_error instead.
//
// Permissions: the root (when created here) and every directory below it are 0700;
// committed files are 0600. Only the server's own user reads them: media is sent by this
// process (sendfile) or through signed URLs, never by another user or a web server reading
// the directory directly.
//
// Thread-safe: the store holds no mutable state besides the file system. A MediaUpload is
// used by one thread at a time.
class LocalMediaStore final : public MediaStore {
 public:
  // Creates the root (0700, with missing parents) and its .incoming directory when absent.
  // Throws std::runtime_error when the root cannot be created or opened.
  LocalMediaStore(std::filesystem::path root, std::string signing_secret,
                  BeneathResolution resolution = BeneathResolution::automatic);
  ~LocalMediaStore() override;
  LocalMediaStore(const LocalMediaStore&) = delete;
  LocalMediaStore& operator=(const LocalMediaStore&) = delete;

  // Creates the key's parent directories now; commit() recreates them if a concurrent
  // remove() pruned them meanwhile. commit() fails with std::runtime_error, leaving the
  // existing object untouched, when the key is already taken.
  std::unique_ptr<MediaUpload> begin_upload(std::string_view key) override;
  // Regular files only: a directory or device at the key reads as absent.
  std::optional<StoredObject> stat(std::string_view key) override;
  // Also removes parent directories left empty, up to the root.
  bool remove(std::string_view key) override;
  std::unique_ptr<OpenedObject> open(std::string_view key) override;
  std::string presign_get(std::string_view key, std::int64_t expires_at) override;
  // The root path still names the directory opened at start-up, and it is writable.
  void ping() override;
  // Deletes everything in .incoming; only call it when no upload can be running.
  std::size_t sweep_incomplete() override;

  const std::filesystem::path& root() const noexcept;
  static constexpr std::string_view kIncomingDir = ".incoming";

  // The directory state shared with uploads, which may outlive the store.
  struct Tree;

 private:
  std::shared_ptr<const Tree> tree_;
  std::string signing_secret_;
};

}  // namespace volkrin
