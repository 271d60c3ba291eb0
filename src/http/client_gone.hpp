// Raised when the client disconnects or stalls while its request body is being read.
#pragma once

#include <stdexcept>

namespace volkrin::http {

// Nothing can be answered any more: the pipeline logs it and the connection is dropped.
class ClientGone : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace volkrin::http
