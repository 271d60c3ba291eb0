// HTTP routes of /api/auth.
#pragma once

#include "http/router.hpp"
#include "service/auth_service.hpp"

namespace volkrin::api {

void add_auth_routes(http::Router& router, AuthService& auth);

}  // namespace volkrin::api
