// Port: where media objects (audio, thumbnails) live. Adapters: local files; S3 to follow.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "support/unique_fd.hpp"

namespace volkrin {

struct StoredObject {
  std::uint64_t size = 0;
  std::int64_t modified_ms = 0;
  std::string etag;  // quoted strong validator, e.g. "\"5f3a-18c9e2\""
};

// An object being written. Blocking: use from the worker pool. Nothing is visible under
// the key until commit(); destroying it without commit() removes everything written.
class MediaUpload {
 public:
  virtual ~MediaUpload() = default;
  virtual void write(std::string_view bytes) = 0;
  // Makes the object durable and visible under its key (local: fsync + rename).
  virtual void commit() = 0;
  // Removes whatever was written; safe to call more than once, never throws.
  virtual void abort() noexcept = 0;
  virtual std::uint64_t size() const = 0;
  // A local file holding the bytes written so far, when the adapter has one (for probing).
  virtual std::optional<std::filesystem::path> staged_path() const = 0;
};

// An object opened for sending; the descriptor is owned (closed on destruction).
class OpenedObject {
 public:
  OpenedObject(int fd, StoredObject info) : fd_(fd), info_(std::move(info)) {}
  int fd() const { return fd_.get(); }
  const StoredObject& info() const { return info_; }
  // The descriptor, now the caller's to close.
  UniqueFd release_fd() { return std::move(fd_); }

 private:
  UniqueFd fd_;
  StoredObject info_;
};

// Keys look like "audio/<uuid>-<name>"; adapters refuse keys that are not safe
// (see format/storage_key.hpp) by throwing std::invalid_argument. Backend failures throw
// std::runtime_error; running out of room (a full disk or quota where the bytes land)
// throws StorageFull (support/backend_failure.hpp). All calls block: use the worker pool.
class MediaStore {
 public:
  virtual ~MediaStore() = default;

  virtual std::unique_ptr<MediaUpload> begin_upload(std::string_view key) = 0;
  virtual std::optional<StoredObject> stat(std::string_view key) = 0;
  // false when there was nothing to remove.
  virtual bool remove(std::string_view key) = 0;
  // The object as a local file descriptor for sendfile(2); nullopt when absent, or when the
  // adapter keeps objects elsewhere (then clients are redirected to presign_get()).
  virtual std::unique_ptr<OpenedObject> open(std::string_view key) = 0;
  // A URL that fetches the object until `expires_at` (Unix seconds). Local adapter:
  // "/media/<key>?expires=<unix>&sig=<hex HMAC>", relative to this server.
  // Pure computation (no I/O): the one call that may run on an I/O thread.
  virtual std::string presign_get(std::string_view key, std::int64_t expires_at) = 0;
  // Throws when the store cannot be used (readiness).
  virtual void ping() = 0;
  // Removes partial objects left by a crashed process; returns how many.
  virtual std::size_t sweep_incomplete() = 0;
};

}  // namespace volkrin
