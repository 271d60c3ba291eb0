// `volkrin demo`: fills an empty instance with a few generated tracks (WAV tunes, PNG covers).
#pragma once

#include "support/config.hpp"

namespace volkrin {

// Returns the process exit code: 0 when the tracks were added, 1 when the instance already
// has tracks (nothing is changed then) or something failed.
int run_demo(const Config& config);

}  // namespace volkrin
