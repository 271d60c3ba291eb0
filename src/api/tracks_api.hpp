// HTTP routes of /api/tracks.
#pragma once

#include "http/router.hpp"
#include "service/track_service.hpp"

namespace volkrin::api {

void add_track_routes(http::Router& router, TrackService& tracks, bool production);

// POST /api/tracks/upload (track_upload_api.cpp).
boost::asio::awaitable<http::Response> upload_track(http::Request& request, TrackService& tracks);

}  // namespace volkrin::api
