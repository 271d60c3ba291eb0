// A small blocking HTTP/1.1 client for the S3 adapter: keep-alive pool, TLS, deadlines.
//
// Each connection owns a private io_context that the calling thread runs until the one
// pending operation completes, so that Beast's stream time-outs bound every step while the
// interface stays blocking. Nothing here touches the server's I/O threads.
#include "media/s3/http_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/span.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <mutex>

#include "support/ascii.hpp"

namespace volkrin::s3 {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Answers from S3 are small XML documents; anything larger is not one.
constexpr std::uint64_t kMaxResponseBody = 4u << 20;
// Servers close idle keep-alive connections after a few seconds (Node: 5 s, S3: ~20 s); a
// connection idle longer than this is not reused.
constexpr auto kMaxIdle = std::chrono::seconds(4);

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

struct Connection {
  net::io_context ioc{1};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Runs the pending operation to its end (completion, error or time-out).
  void run() {
    ioc.restart();
    ioc.run();
  }
};

// Thrown when an exchange failed; `retryable` when nothing suggests the server saw it.
struct ExchangeFailure {
  std::string message;
  bool retryable = false;
};

}  // namespace

std::string HttpEndpoint::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = (tls && port == 443) || (!tls && port == 80);
  if (!default_port) out += ":" + std::to_string(port);
  return out;
}

std::string HttpEndpoint::origin() const {
  return (tls ? "https://" : "http://") + authority();
}

std::optional<HttpEndpoint> parse_endpoint(std::string_view url) {
  HttpEndpoint endpoint;
  if (url.substr(0, 7) == "http://") {
    url.remove_prefix(7);
    endpoint.port = 80;
  } else if (url.substr(0, 8) == "https://") {
    url.remove_prefix(8);
    endpoint.tls = true;
    endpoint.port = 443;
  } else {
    return std::nullopt;
  }
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty() || url.find_first_of("/?#@ ") != std::string_view::npos) return std::nullopt;
  std::string_view port_text;
  if (url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    endpoint.host = std::string(url.substr(1, close - 1));
    const auto rest = url.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = url.find(':');
    endpoint.host = std::string(url.substr(0, colon));
    if (colon != std::string_view::npos) port_text = url.substr(colon + 1);
  }
  if (endpoint.host.empty()) return std::nullopt;
  if (!port_text.empty() || url.back() == ':') {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return std::nullopt;
    }
    endpoint.port = static_cast<std::uint16_t>(port);
  }
  return endpoint;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  HttpEndpoint endpoint;
  HttpTimeouts timeouts;
  std::size_t max_idle = 0;
  std::string where;  // "S3 endpoint host:port", for messages
  std::unique_ptr<ssl::context> tls;
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;

  std::string describe(const beast::error_code& ec, std::chrono::milliseconds limit) const {
    if (ec == beast::error::timeout) {
      return "timed out after " + std::to_string(limit.count()) + " ms";
    }
    return ec.message();
  }

  // An idle connection young enough to reuse, or nullptr.
  std::unique_ptr<Connection> take_idle() {
    const std::lock_guard lock(mutex);
    while (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      if (Clock::now() - connection->idle_since < kMaxIdle) return connection;
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<Connection> connection) {
    connection->idle_since = Clock::now();
    const std::lock_guard lock(mutex);
    if (idle.size() < max_idle) idle.push_back(std::move(connection));
  }

  std::unique_ptr<Connection> connect() {
    auto connection = std::make_unique<Connection>();
    beast::error_code ec;
    tcp::resolver resolver(connection->ioc);
    const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
    if (ec) throw HttpError(where + ": cannot resolve the host: " + ec.message());

    if (tls) {
      connection->secure =
          std::make_unique<beast::ssl_stream<beast::tcp_stream>>(connection->ioc, *tls);
    } else {
      connection->plain = std::make_unique<beast::tcp_stream>(connection->ioc);
    }
    beast::tcp_stream& stream = connection->lowest();
    stream.expires_after(timeouts.connect);
    stream.async_connect(results,
                         [&ec](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    connection->run();
    if (ec) throw HttpError(where + ": cannot connect: " + describe(ec, timeouts.connect));
    stream.socket().set_option(tcp::no_delay(true), ec);

    if (connection->secure) {
      auto& secure = *connection->secure;
      // SNI names hosts only; an address is verified against the certificate's IP entries.
      if (!is_ip_address(endpoint.host) &&
          // SSL_set_tlsext_host_name without its C cast.
          SSL_ctrl(secure.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(endpoint.host.c_str())) != 1) {
        throw HttpError(where + ": cannot set the TLS server name");
      }
      secure.set_verify_mode(ssl::verify_peer);
      secure.set_verify_callback(ssl::host_name_verification(endpoint.host));
      stream.expires_after(timeouts.connect);
      secure.async_handshake(ssl::stream_base::client,
                             [&ec](const beast::error_code& e) { ec = e; });
      connection->run();
      if (ec) throw HttpError(where + ": TLS handshake failed: " + describe(ec, timeouts.connect));
    }
    stream.expires_never();
    return connection;
  }

  template <class Stream>
  HttpResponse exchange(Connection& connection, Stream& stream, const HttpRequest& request,
                        bool& keep_alive) {
    http::request<http::span_body<const char>> message;
    const http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
      message.method_string(request.method);
    } else {
      message.method(verb);
    }
    message.target(request.target);
    message.version(11);
    for (const auto& [name, value] : request.headers) message.insert(name, value);
    message.body() = beast::span<const char>(request.body.data(), request.body.size());
    message.prepare_payload();

    beast::error_code ec;
    connection.lowest().expires_after(timeouts.io);
    http::async_write(stream, message, [&ec](const beast::error_code& e, std::size_t) { ec = e; });
    connection.run();
    if (ec) {
      throw ExchangeFailure{
          where + ": cannot send " + request.method + ": " + describe(ec, timeouts.io),
          ec != beast::error::timeout};
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    if (verb == http::verb::head) parser.skip(true);
    connection.lowest().expires_after(timeouts.io);
    http::async_read(stream, connection.buffer, parser,
                     [&ec](const beast::error_code& e, std::size_t) { ec = e; });
    connection.run();
    if (ec) {
      // No byte of an answer yet: the server most likely closed an idle connection.
      const bool nothing_read = !parser.got_some();
      throw ExchangeFailure{
          where + ": no answer to " + request.method + ": " + describe(ec, timeouts.io),
          nothing_read && ec != beast::error::timeout};
    }
    connection.lowest().expires_never();

    auto& parsed = parser.get();
    HttpResponse response;
    response.status = parsed.result_int();
    for (const auto& field : parsed) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(parsed.body());
    keep_alive = parsed.keep_alive();
    return response;
  }
};

HttpClient::HttpClient(HttpEndpoint endpoint, HttpTimeouts timeouts,
                       std::size_t max_idle_connections)
    : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = std::move(endpoint);
  impl_->timeouts = timeouts;
  impl_->max_idle = max_idle_connections;
  impl_->where = "S3 endpoint " + impl_->endpoint.authority();
  if (impl_->endpoint.tls) {
    impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(impl_->tls->native_handle(), TLS1_2_VERSION);
    impl_->tls->set_default_verify_paths();
    impl_->tls->set_verify_mode(ssl::verify_peer);
  }
}

HttpClient::~HttpClient() = default;

const HttpEndpoint& HttpClient::endpoint() const noexcept {
  return impl_->endpoint;
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<Connection> connection = attempt == 1 ? impl_->take_idle() : nullptr;
    const bool reused = connection != nullptr;
    if (!connection) connection = impl_->connect();
    try {
      bool keep_alive = false;
      HttpResponse response =
          connection->secure
              ? impl_->exchange(*connection, *connection->secure, request, keep_alive)
              : impl_->exchange(*connection, *connection->plain, request, keep_alive);
      if (keep_alive) impl_->give_back(std::move(connection));
      return response;
    } catch (const ExchangeFailure& failure) {
      if (reused && failure.retryable) continue;
      throw HttpError(failure.message);
    }
  }
}

}  // namespace volkrin::s3
