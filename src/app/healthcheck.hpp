// `volkrin healthcheck`: asks the local server whether it is ready, for container health checks.
#pragma once

#include <chrono>
#include <string>

#include "support/config.hpp"

namespace volkrin {

struct HealthcheckResult {
  bool ready = false;
  std::string line;  // one line for the operator: "ready: ...", "not ready: ..."
};

// GET http://<host>:<port>/api/health/ready, where host is 127.0.0.1 when the server
// listens on every address (HOST=0.0.0.0), ::1 for HOST=::, and HOST otherwise. Ready
// means a 200 within the timeout; anything else (refused, timed out, 503) is not.
HealthcheckResult check_local_readiness(
    const Config& config, std::chrono::milliseconds timeout = std::chrono::seconds(3));

// Prints the result's line (stdout when ready, stderr otherwise); returns the exit code.
int run_healthcheck(const Config& config);

}  // namespace volkrin
