// HTTP routes of /api/auth.
#pragma once

#include "http/router.hpp"
#include "service/auth_gate.hpp"

namespace volkrin::api {

// A request over one of the gate's limits is answered 429 with Retry-After.
void add_auth_routes(http::Router& router, AuthGate auth);

}  // namespace volkrin::api
