// The one error type services throw; the HTTP layer turns it into {"message": ...}.
#pragma once

#include <stdexcept>
#include <string>

namespace volkrin {

// A failure the client should see: an HTTP status and the contract's message.
// Anything else that escapes a handler becomes 500 "Internal server error".
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message)
      : std::runtime_error(std::move(message)), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

}  // namespace volkrin
