// The exception adapters throw when their backend fails, so that the request pipeline can
// count volkrin_backend_errors_total{backend} without knowing any adapter.
#pragma once

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

}  // namespace volkrin
