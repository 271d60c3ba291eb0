// `volkrin routes`: the server's route table as text, for tests and for operators.
#pragma once

#include <ostream>

namespace volkrin {

// One "METHOD PATTERN ACCESS" line per route (ACCESS: open, user or admin), in the order
// the server registers them. Builds the router exactly as the server does, on throw-away
// embedded stores in a temporary directory (no configuration is read, nothing is kept).
void print_routes(std::ostream& out);

}  // namespace volkrin
