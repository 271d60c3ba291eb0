// Runs the HTTP server on a validated configuration until SIGTERM/SIGINT.
#pragma once

#include "support/config.hpp"

namespace volkrin {

// Returns the process exit code: 0 after a graceful shutdown.
int run_server(const Config& config);

}  // namespace volkrin
