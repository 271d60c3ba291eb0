// HTTP routes of /api/auth.
#pragma once

#include <functional>

#include "http/router.hpp"
#include "service/auth_service.hpp"

namespace volkrin::api {

// `user_deleted` runs after a user is deleted (tracks show their uploader, so the cached
// track list must go).
void add_auth_routes(http::Router& router, AuthService& auth,
                     std::function<boost::asio::awaitable<void>()> user_deleted);

}  // namespace volkrin::api
