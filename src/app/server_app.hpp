// Runs the HTTP server on a validated configuration until SIGTERM/SIGINT.
#pragma once

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "support/config.hpp"

namespace volkrin {

class AuthService;
class LibraryService;
class MediaStore;
class RateLimiter;
class Readiness;
class TrackService;

// What the route handlers call into.
struct RouteServices {
  Readiness& readiness;
  AuthService& auth;
  TrackService& tracks;
  LibraryService& library;
  MediaStore& media;
  http::Authenticator authenticate;
  RateLimiter* limiter = nullptr;  // none: no login/sign-up limits
};

// Every route the server answers; `volkrin routes` prints the same table.
http::Router build_router(const Config& config, const RouteServices& services);

// Returns the process exit code: 0 after a graceful shutdown.
int run_server(const Config& config);

}  // namespace volkrin
