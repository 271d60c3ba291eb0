// HTTP routes of /api/albums and /api/artists.
#pragma once

#include "http/router.hpp"
#include "service/library_service.hpp"

namespace volkrin::api {

void add_library_routes(http::Router& router, LibraryService& library);

}  // namespace volkrin::api
