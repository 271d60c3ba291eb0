// A file opened for sending with sendfile(2), with the validators its answers carry.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "support/unique_fd.hpp"

namespace volkrin::http {

class OpenFile {
 public:
  // etag: quoted, as sent ("\"5f3a-18c9e2\""); modified_ms: milliseconds since the epoch.
  OpenFile(UniqueFd fd, std::uint64_t size, std::int64_t modified_ms, std::string etag)
      : fd_(std::move(fd)), size_(size), modified_ms_(modified_ms), etag_(std::move(etag)) {}

  int fd() const noexcept { return fd_.get(); }
  std::uint64_t size() const noexcept { return size_; }
  std::int64_t modified_ms() const noexcept { return modified_ms_; }
  const std::string& etag() const noexcept { return etag_; }

 private:
  UniqueFd fd_;
  std::uint64_t size_;
  std::int64_t modified_ms_;
  std::string etag_;
};

}  // namespace volkrin::http
