// Wiring of the running server: adapters, services, the route table, HTTP server, signals.
#include "app/server_app.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/auth_api.hpp"
#include "api/docs_api.hpp"
#include "api/health_api.hpp"
#include "api/library_api.hpp"
#include "api/media_api.hpp"
#include "api/tracks_api.hpp"
#include "api/web_api.hpp"
#include "app/backends.hpp"
#include "http/server.hpp"
#include "service/auth_gate.hpp"
#include "service/auth_service.hpp"
#include "service/library_service.hpp"
#include "service/library_watch.hpp"
#include "service/media_service.hpp"
#include "service/readiness.hpp"
#include "service/track_service.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {
namespace asio = boost::asio;

namespace {

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// First signal: stop accepting, let requests in flight finish until the deadline, then
// stop. A second signal stops at once.
asio::awaitable<void> shutdown_on_signal(asio::io_context& ioc, asio::signal_set& signals,
                                         http::Server& server, std::chrono::seconds deadline) {
  const int signal = co_await signals.async_wait(asio::use_awaitable);
  spdlog::info("received signal {}, shutting down (deadline {} s)", signal, deadline.count());
  server.begin_shutdown();
  bool forced = false;
  signals.async_wait([&forced](const boost::system::error_code& ec, int) {
    if (!ec) forced = true;
  });
  const auto until = std::chrono::steady_clock::now() + deadline;
  asio::steady_timer poll(ioc);
  while (server.connections() > 0 && !forced && std::chrono::steady_clock::now() < until) {
    poll.expires_after(std::chrono::milliseconds(20));
    co_await poll.async_wait(asio::use_awaitable);
  }
  if (server.connections() > 0) {
    spdlog::warn("closing {} connection(s) still open at the shutdown deadline",
                 server.connections());
    server.close_all();
  }
  signals.cancel();
  ioc.stop();
}

// Checks the backends every few seconds so that volkrin_ready and the logs follow them
// even when nobody calls /api/health/ready. Ends when the server stops.
asio::awaitable<void> watch_readiness(asio::io_context& ioc, Readiness& readiness) {
  asio::steady_timer timer(ioc);
  while (!ioc.stopped()) {
    co_await readiness.check();
    timer.expires_after(std::chrono::seconds(10));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

std::shared_ptr<asio::ssl::context> make_tls_context(const Config& config) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(config.tls_cert_file, ec);
  if (ec) throw ConfigError("TLS_CERT_FILE: not a usable PEM certificate chain: " + ec.message());
  context->use_private_key_file(config.tls_key_file, asio::ssl::context::pem, ec);
  if (ec)
    throw ConfigError("TLS_KEY_FILE: not a usable PEM private key for the certificate: " +
                      ec.message());
  return context;
}

}  // namespace

http::Router build_router(const Config& config, const RouteServices& services) {
  http::Router router;
  api::add_health_routes(
      router, services.readiness,
      api::MetricsAccess{config.metrics_token, config.metrics_allow, services.authenticate});
  const AuthLimitRules auth_limits{
      LoginRules{config.login_per_address, config.login_per_account_address,
                 config.login_per_account},
      config.signup_per_address};
  api::add_auth_routes(router,
                       AuthGate(services.auth, services.tracks, services.limiter, auth_limits));
  api::add_track_routes(router, services.tracks, config.app_env == AppEnv::production);
  api::add_library_routes(router, services.library);
  api::add_media_routes(router, MediaService(services.media, media_signing_key(config)));
  api::add_web_routes(router);
  api::add_docs_routes(router);
  return router;
}

int run_server(const Config& config) {
  for (const auto& warning : config.warnings) spdlog::warn("{}", warning);

  auto store = open_metadata_store(config);
  auto media = open_media_store(config);
  const auto redis = open_redis(config);
  auto cache = open_cache(redis);
  auto limiter = open_rate_limiter(redis);
  start_worker_pool(resolve_worker_threads(config));

  const PasswordHasher hasher(config.password_cost);
  AuthService auth(*store, hasher,
                   AuthSettings{config.jwt_secret, config.jwt_lifetime, config.admin_secret});

  TrackService tracks(
      *store, *media, *cache,
      TrackSettings{config.public_base_url,
                    UploadLimits{config.max_audio_bytes, config.max_thumbnail_bytes}});

  LibraryService library(*store, *cache, config.public_base_url);

  http::Authenticator authenticate =
      [&auth](std::string_view token) -> asio::awaitable<std::optional<http::Caller>> {
    std::string copy(token);
    auto user = co_await offload([&] { return auth.authenticate(copy); });
    if (!user) co_return std::nullopt;
    co_return http::Caller{user->id, user->name, user->email, user->role};
  };
  Readiness readiness(*store, *media, *cache);

  http::Router router = build_router(
      config, RouteServices{readiness, auth, tracks, library, *media, authenticate, limiter.get()});
  http::Pipeline pipeline(std::move(router), http::CorsPolicy(config.cors_origins), authenticate,
                          http::PipelineOptions{config.log_format, config.trusted_proxies});

  http::IoThreads io_threads(resolve_io_threads(config));
  asio::io_context& ioc = io_threads.main();
  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.keepalive_timeout = config.keepalive_timeout;
  options.header_timeout = config.header_timeout;
  // Signals are caught from here on, before anyone can learn the port.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  if (!config.tls_cert_file.empty()) options.tls = make_tls_context(config);
  http::Server server(io_threads, pipeline, options);
  const auto port = server.start();
  // Redis connections live on ioc: the guard closes them (dropping calls still waiting)
  // before the server and ioc go. An unreachable Redis is logged, not fatal.
  const auto redis_running =
      redis ? redis->start(ioc.get_executor()) : redis::RedisClient::Running{};
  if (redis) asio::co_spawn(ioc, redis->check_at_startup(), asio::detached);
  asio::co_spawn(ioc, shutdown_on_signal(ioc, signals, server, config.shutdown_timeout),
                 asio::detached);
  asio::co_spawn(ioc, watch_readiness(ioc, readiness), asio::detached);
  asio::co_spawn(ioc, follow_library_changes(ioc, *store, tracks, std::chrono::seconds(1)),
                 asio::detached);
  spdlog::info("listening on {}://{}:{} ({} I/O threads)", options.tls ? "https" : "http",
               url_host(config.host), port, io_threads.size());

  io_threads.run();
  stop_worker_pool();
  spdlog::info("stopped");
  return 0;
}

}  // namespace volkrin
