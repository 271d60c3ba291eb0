// `volkrin routes`: builds the server's router over throw-away stores and prints its table.
#include "app/route_list.hpp"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "app/backends.hpp"
#include "app/server_app.hpp"
#include "service/auth_service.hpp"
#include "service/library_service.hpp"
#include "service/readiness.hpp"
#include "service/track_service.hpp"
#include "support/temp_dir.hpp"

namespace volkrin {
namespace {

const char* access_name(http::Access access) {
  switch (access) {
    case http::Access::open:
      return "open";
    case http::Access::user:
      return "user";
    case http::Access::admin:
      return "admin";
  }
  return "?";
}

}  // namespace

void print_routes(std::ostream& out) {
  const TempDir dir("volkrin-routes");
  Config config;  // embedded defaults: SQLite, local media, in-process cache
  config.data_dir = dir.path();
  config.sqlite_path = dir.path() / "volkrin.db";
  config.jwt_secret = "only for listing routes";
  config.worker_threads = 2;

  auto store = open_metadata_store(config);
  auto media = open_media_store(config);
  auto cache = open_cache(nullptr);
  const PasswordHasher hasher(HashCost::min);
  AuthService auth(*store, hasher, AuthSettings{config.jwt_secret, config.jwt_lifetime, {}});
  TrackService tracks(*store, *media, *cache, TrackSettings{});
  LibraryService library(*store, *cache, {});
  Readiness readiness(*store, *media, *cache);
  http::Authenticator nobody =
      [](std::string_view) -> boost::asio::awaitable<std::optional<http::Caller>> {
    co_return std::nullopt;
  };

  const http::Router router = build_router(
      config, RouteServices{readiness, auth, tracks, library, *media, std::move(nobody)});
  for (const auto& route : router.routes()) {
    out << route.method << ' ' << route.pattern << ' ' << access_name(route.access) << '\n';
  }
}

}  // namespace volkrin
