// MediaStore adapter keeping objects in an S3 bucket (AWS or an S3-compatible service).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "media/s3/http_client.hpp"
#include "ports/media_store.hpp"
#include "support/config.hpp"

namespace volkrin {

struct S3StoreOptions {
  // Where uploads are spooled while they are written, so that they can be probed through
  // staged_path(). Created (0700) when missing.
  std::filesystem::path spool_dir;
  // Put before every key in the bucket ("" in production; tests keep apart with it).
  std::string key_prefix;
  // Uploads up to this size are one PutObject at commit; larger ones go multipart, in parts
  // of this size sent as they fill. At least 5 MiB, S3's smallest part.
  std::size_t part_size = std::size_t{8} << 20;
  s3::HttpTimeouts timeouts;
  // Called before each request with the S3 operation ("PutObject", "UploadPart", ...) and
  // the size of its body. For tests and tracing; may be empty.
  std::function<void(std::string_view operation, std::size_t body_bytes)> on_request;
};

// Objects live under "<key_prefix><key>" in the bucket. Requests are signed with Signature
// Version 4 (payloads hashed, never UNSIGNED-PAYLOAD) and sent over a keep-alive pool.
//
// Uploads: bytes go to a spool file under spool_dir (what staged_path() names, for the
// audio probe) and to a part buffer; at most one part is held in memory per upload. An
// upload that stays under part_size is one PutObject at commit(); a larger one starts a
// multipart upload when its first part fills, sends each part as it fills and completes it
// at commit(). abort() (and destruction before commit()) aborts the multipart upload and
// deletes the spool file. Nothing is visible under the key before commit() succeeds.
//
// open() always returns nullptr: clients are sent to presign_get(), a presigned GET URL
// (path-style on S3_ENDPOINT, virtual-host style on AWS). S3 accepts at most 7 days; a
// later expiry is cut to that, and one in the past yields a URL that has already expired.
//
// Failures of the service (unreachable, time-outs, unexpected statuses) and of the spool
// throw BackendFailure(Backend::storage) with messages that hold no secret; unsafe keys throw
// std::invalid_argument. Thread-safe; a MediaUpload is used by one thread at a time.
class S3MediaStore final : public MediaStore {
 public:
  // Throws std::invalid_argument for an unusable endpoint, std::runtime_error when the spool
  // directory cannot be made. Sends nothing: ping() checks the bucket.
  S3MediaStore(S3Settings settings, S3StoreOptions options);
  ~S3MediaStore() override;
  S3MediaStore(const S3MediaStore&) = delete;
  S3MediaStore& operator=(const S3MediaStore&) = delete;

  std::unique_ptr<MediaUpload> begin_upload(std::string_view key) override;
  // HeadObject: size, Last-Modified, ETag.
  std::optional<StoredObject> stat(std::string_view key) override;
  // HeadObject, then DeleteObject (S3 answers 204 for missing keys too).
  bool remove(std::string_view key) override;
  std::unique_ptr<OpenedObject> open(std::string_view key) override;
  std::string presign_get(std::string_view key, std::int64_t expires_at) override;
  // HeadBucket.
  void ping() override;
  // Deletes spool files left by a crashed process. Multipart uploads it left in the bucket
  // are for the bucket's lifecycle rule (AbortIncompleteMultipartUpload) to clear.
  std::size_t sweep_incomplete() override;

  // What uploads share with the store, which they may outlive.
  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace volkrin
