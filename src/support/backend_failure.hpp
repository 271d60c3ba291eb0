// The exception adapters throw when their backend fails, so that the request pipeline can
// count volkrin_backend_errors_total{backend} without knowing any adapter.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

#include "support/metrics.hpp"

namespace volkrin {

class BackendFailure : public std::runtime_error {
 public:
  BackendFailure(Backend backend, const std::string& message)
      : std::runtime_error(message), backend_(backend) {}
  Backend backend() const noexcept { return backend_; }

 private:
  Backend backend_;
};

// Media storage with no room left (a full disk or an exhausted quota, where the bytes land
// first: the media directory or the S3 spool). The client may try again later.
class StorageFull : public BackendFailure {
 public:
  explicit StorageFull(const std::string& message) : BackendFailure(Backend::storage, message) {}
};

// Whether a failed write or create means "no room left" rather than a broken storage.
inline bool is_storage_full(int error) noexcept {
  return error == ENOSPC || error == EDQUOT;
}

}  // namespace volkrin
