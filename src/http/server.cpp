// Connection handling with Boost.Beast; see server.hpp.
#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "http/client_gone.hpp"
#include "http/request_framing.hpp"
#include "http/request_id.hpp"
#include "http/response_head.hpp"
#include "support/api_error.hpp"
#include "support/metrics.hpp"

namespace volkrin::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kReadBufferLimit = 256 * 1024;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
beast::tcp_stream& transport(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

// One live connection as the server sees it, for shutdown.
struct Connection {
  asio::any_io_executor executor;       // the connection's I/O thread; set once
  beast::tcp_stream* stream = nullptr;  // touched only on that thread
  bool idle = true;
  bool closing = false;
};

// The request of one connection, as handed to the pipeline.
template <class Stream>
class BeastRequest final : public Request {
 public:
  BeastRequest(Stream& stream, beast::flat_buffer& buffer,
               bhttp::request_parser<bhttp::empty_body>& header, const ServerOptions& options)
      : stream_(stream), buffer_(buffer), header_parser_(&header), options_(options) {
    if constexpr (kIsTls<Stream>) scheme = "https";
  }

  std::string_view header(std::string_view name) const override {
    const auto& fields = message();
    auto it = fields.find(name);
    return it == fields.end() ? std::string_view{} : std::string_view(it->value());
  }

  std::optional<std::uint64_t> content_length() const override {
    const auto length =
        body_parser_ ? body_parser_->content_length() : header_parser_->content_length();
    return length ? std::optional<std::uint64_t>(*length) : std::nullopt;
  }

  bool has_body() const override { return !body_done(); }

  bool body_done() const {
    return body_parser_ ? body_parser_->is_done() : header_parser_->is_done();
  }

  unsigned version() const { return message().version(); }
  bool keep_alive() const {
    return body_parser_ ? body_parser_->keep_alive() : header_parser_->keep_alive();
  }

  asio::awaitable<std::string> read_body(std::size_t limit) override {
    if (auto declared = content_length(); declared && *declared > limit) {
      throw ApiError(413, "Request body too large");
    }
    std::string body;
    char chunk[16 * 1024];
    while (true) {
      const std::size_t n = co_await read_body_some(std::span<char>(chunk, sizeof chunk));
      if (n == 0) break;
      if (body.size() + n > limit) throw ApiError(413, "Request body too large");
      body.append(chunk, n);
    }
    co_return body;
  }

  bool body_bytes_waiting() const override {
    if (body_done()) return false;
    if (buffer_.size() > 0) return true;
    beast::error_code ec;
    const std::size_t in_socket = transport(stream_).socket().available(ec);
    return !ec && in_socket > 0;
  }

  asio::awaitable<std::size_t> read_body_some(std::span<char> out) override {
    if (body_done() || out.empty()) co_return 0;
    if (!body_parser_) {
      if (beast::iequals(header("Expect"), "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        transport(stream_).expires_after(options_.write_idle_timeout);
        co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                                   use_awaitable);
      }
      body_parser_.emplace(std::move(*header_parser_));
      body_parser_->body_limit(boost::none);
      header_parser_ = nullptr;
    }
    while (!body_parser_->is_done()) {
      auto& body = body_parser_->get().body();
      body.data = out.data();
      body.size = out.size();
      transport(stream_).expires_after(options_.body_idle_timeout);
      beast::error_code ec;
      co_await bhttp::async_read_some(stream_, buffer_, *body_parser_,
                                      asio::redirect_error(use_awaitable, ec));
      if (ec && ec != bhttp::error::need_buffer) {
        if (const auto refusal = body_refusal(ec)) {
          throw ApiError(refusal->status, std::string(refusal->message));
        }
        throw ClientGone(ec == beast::error::timeout ? "request body timed out"
                                                     : "request body interrupted");
      }
      const std::size_t got = out.size() - body_parser_->get().body().size;
      if (got > 0) co_return got;
    }
    co_return 0;
  }

 private:
  const bhttp::request_header<>& message() const {
    if (body_parser_) return body_parser_->get();
    return header_parser_->get();
  }

  Stream& stream_;
  beast::flat_buffer& buffer_;
  bhttp::request_parser<bhttp::empty_body>* header_parser_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> body_parser_;
  const ServerOptions& options_;
};

// Sends `length` bytes of `fd` from `offset` with sendfile(2), waiting for the socket to
// drain when it is full; false when the client stalls past the write timeout or leaves.
asio::awaitable<bool> send_file(tcp::socket& socket, int fd, std::uint64_t offset,
                                std::uint64_t length, std::chrono::seconds idle_timeout) {
  using namespace asio::experimental::awaitable_operators;
  beast::error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) co_return false;
  auto position = static_cast<off_t>(offset);
  std::uint64_t remaining = length;
  asio::steady_timer timer(socket.get_executor());
  while (remaining > 0) {
    const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, 4u << 20));
    const ssize_t sent = ::sendfile(socket.native_handle(), fd, &position, chunk);
    if (sent > 0) {
      remaining -= static_cast<std::uint64_t>(sent);
      metrics().stream_bytes.inc(static_cast<std::uint64_t>(sent));
      continue;
    }
    if (sent == 0) co_return false;  // the file shrank underneath us
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) co_return false;
    timer.expires_after(idle_timeout);
    // Each side gets its own error code: the loser of the race is cancelled, and its
    // operation_aborted must not be mistaken for a failure of the winner.
    beast::error_code wait_ec, timer_ec;
    auto ready = co_await (
        socket.async_wait(tcp::socket::wait_write, asio::redirect_error(use_awaitable, wait_ec)) ||
        timer.async_wait(asio::redirect_error(use_awaitable, timer_ec)));
    if (ready.index() == 1 || wait_ec) co_return false;
  }
  co_return true;
}

// Over TLS the kernel cannot encrypt, so file bytes are read and written in chunks.
asio::awaitable<bool> send_file_encrypted(TlsStream& stream, int fd, std::uint64_t offset,
                                          std::uint64_t length, std::chrono::seconds idle_timeout) {
  std::vector<char> chunk(256 * 1024);
  while (length > 0) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, chunk.size()));
    const ssize_t got = ::pread(fd, chunk.data(), want, static_cast<off_t>(offset));
    if (got <= 0) co_return false;
    transport(stream).expires_after(idle_timeout);
    beast::error_code ec;
    co_await asio::async_write(stream, asio::buffer(chunk.data(), static_cast<std::size_t>(got)),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    metrics().stream_bytes.inc(static_cast<std::uint64_t>(got));
    offset += static_cast<std::uint64_t>(got);
    length -= static_cast<std::uint64_t>(got);
  }
  co_return true;
}

// Writes the answer to one request; false when the connection cannot go on. The head and
// a body held in memory go out together in one gathered write.
template <class Stream>
asio::awaitable<bool> write_response(Stream& stream, Response& response, bool head,
                                     unsigned version, bool keep_alive,
                                     const ServerOptions& options) {
  beast::error_code ec;
  const bool no_body = response.status == 204 || response.status == 304;
  const std::string header = response_head(
      response, version, keep_alive, no_body ? std::nullopt : std::optional(response.body_size()));
  transport(stream).expires_after(options.write_idle_timeout);

  if (head || no_body || response.file) {
    // Header only; a file body follows through sendfile.
    co_await asio::async_write(stream, asio::buffer(header),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    if (head || no_body || !response.file) co_return true;
    const FileSlice& file = *response.file;
    if constexpr (kIsTls<Stream>) {
      co_return co_await send_file_encrypted(stream, file.file->fd(), file.offset, file.length,
                                             options.write_idle_timeout);
    } else {
      stream.expires_never();
      co_return co_await send_file(stream.socket(), file.file->fd(), file.offset, file.length,
                                   options.write_idle_timeout);
    }
  }
  const asio::const_buffer body =
      response.shared_body ? asio::buffer(response.shared_body->data() + response.shared_offset,
                                          response.shared_body->size() - response.shared_offset)
                           : asio::buffer(response.body);
  const std::array<asio::const_buffer, 2> message{asio::buffer(header), body};
  co_await asio::async_write(stream, message, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

// Answers written before a request reached the pipeline (unparseable or oversized header).
template <class Stream>
asio::awaitable<void> write_early_error(Stream& stream, int status, std::string_view message,
                                        const ServerOptions& options) {
  Response r = message_response(status, message);
  r.set_header("X-Request-Id", new_request_id());
  r.set_header("X-Content-Type-Options", "nosniff");
  co_await write_response(stream, r, false, 11, false, options);
}

// After answering a request whose body was not read, give the client a moment to receive
// the answer before the socket closes: closing with unread input makes the kernel send a
// reset that can destroy the answer in flight.
template <class Stream>
asio::awaitable<void> lingering_close(Stream& stream) {
  beast::error_code ec;
  transport(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  char sink[16 * 1024];
  std::size_t drained = 0;
  transport(stream).expires_after(std::chrono::seconds(2));
  while (!ec && drained < 16 * 1024 * 1024) {
    drained += co_await transport(stream).async_read_some(asio::buffer(sink),
                                                          asio::redirect_error(use_awaitable, ec));
  }
  transport(stream).socket().close(ec);
}

}  // namespace

struct Server::State {
  IoThreads& threads;
  Pipeline& pipeline;
  ServerOptions options;
  tcp::acceptor acceptor;
  mutable std::mutex mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;
  bool shutting_down = false;

  State(IoThreads& t, Pipeline& p, ServerOptions o)
      : threads(t), pipeline(p), options(std::move(o)), acceptor(t.main()) {}

  asio::awaitable<void> serve(tcp::socket socket, std::shared_ptr<Connection> conn);
  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, Connection& conn, const std::string& client);
  template <class Stream>
  asio::awaitable<bool> serve_one(Stream& stream, beast::flat_buffer& buffer, Connection& conn,
                                  const std::string& client);

  void forget(const std::shared_ptr<Connection>& conn) {
    std::lock_guard lock(mutex);
    connections.erase(conn);
  }
};

Server::Server(IoThreads& threads, Pipeline& pipeline, ServerOptions options)
    : state_(std::make_shared<State>(threads, pipeline, std::move(options))) {}

Server::~Server() = default;

std::uint16_t Server::start() {
  auto& s = *state_;
  beast::error_code ec;
  const auto address = asio::ip::make_address(s.options.host, ec);
  if (ec) throw std::system_error(ec, "HOST: cannot use address " + s.options.host);
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::system_error(
        ec, "PORT: cannot listen on " + s.options.host + ":" + std::to_string(s.options.port));
  }
  s.acceptor.listen(asio::socket_base::max_listen_connections);
  const auto port = s.acceptor.local_endpoint().port();
  asio::co_spawn(s.acceptor.get_executor(), accept_loop(), asio::detached);
  return port;
}

asio::awaitable<void> Server::accept_loop() {
  auto state = state_;
  while (true) {
    beast::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(
        state->threads.next_executor(), asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or similar: keep the listener alive and try again shortly.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(state->threads.main(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    auto conn = std::make_shared<Connection>();
    conn->executor = socket.get_executor();
    {
      std::lock_guard lock(state->mutex);
      if (state->shutting_down) continue;
      state->connections.insert(conn);
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, state->serve(std::move(socket), conn), asio::detached);
  }
}

asio::awaitable<void> Server::State::serve(tcp::socket socket, std::shared_ptr<Connection> conn) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const auto remote = socket.remote_endpoint(ec);
  const std::string client = ec ? std::string() : remote.address().to_string();
  beast::tcp_stream plain(std::move(socket));
  conn->stream = &plain;
  try {
    if (options.tls) {
      TlsStream tls(std::move(plain), *options.tls);
      conn->stream = &transport(tls);
      // The handshake is part of the header deadline: a silent client cannot hold the socket.
      transport(tls).expires_after(options.header_timeout);
      co_await tls.async_handshake(asio::ssl::stream_base::server, use_awaitable);
      co_await serve_requests(tls, *conn, client);
      conn->stream = nullptr;
      transport(tls).socket().close(ec);
    } else {
      co_await serve_requests(plain, *conn, client);
      conn->stream = nullptr;
      plain.socket().close(ec);
    }
  } catch (const std::exception& e) {
    spdlog::debug("connection from {} ended: {}", client, e.what());
  }
  conn->stream = nullptr;
  forget(conn);
}

template <class Stream>
asio::awaitable<void> Server::State::serve_requests(Stream& stream, Connection& conn,
                                                    const std::string& client) {
  beast::flat_buffer buffer(kReadBufferLimit);
  while (co_await serve_one(stream, buffer, conn, client)) {
  }
}

// Serves one request; false when the connection should end.
template <class Stream>
asio::awaitable<bool> Server::State::serve_one(Stream& stream, beast::flat_buffer& buffer,
                                               Connection& conn, const std::string& client) {
  beast::error_code ec;
  // Idle: wait for the first byte of the next request for up to the keep-alive timeout.
  conn.idle = true;
  if (buffer.size() == 0) {
    {
      std::lock_guard lock(mutex);
      if (shutting_down) co_return false;
    }
    transport(stream).expires_after(options.keepalive_timeout);
    const std::size_t n = co_await stream.async_read_some(buffer.prepare(kReadBufferLimit / 2),
                                                          asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    buffer.commit(n);
  }
  conn.idle = false;

  // Then the whole header must arrive within the header timeout, however it trickles in.
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser.body_limit(boost::none);
  transport(stream).expires_after(options.header_timeout);
  co_await bhttp::async_read_header(stream, buffer, parser,
                                    asio::redirect_error(use_awaitable, ec));
  if (ec == bhttp::error::header_limit) {
    co_await write_early_error(stream, 431, "Request header fields too large", options);
    co_await lingering_close(stream);
    co_return false;
  }
  if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
    co_return false;
  }
  if (ec) {
    const auto refusal = framing_refusal(ec, parser.get());
    co_await write_early_error(stream, refusal ? refusal->status : 400,
                               refusal ? refusal->message : "Malformed HTTP request", options);
    co_await lingering_close(stream);
    co_return false;
  }
  // A body whose end could be read in another way is never read: what follows it could be
  // taken for the next request.
  const FramingDecision framing = decide_framing(parser.get().version(), parser.get());
  const auto parsed_length = parser.content_length();
  if (framing.refused() ||
      !parser_agrees(framing, parser.chunked(),
                     parsed_length ? std::optional(*parsed_length) : std::nullopt)) {
    co_await write_early_error(stream, framing.refused() ? framing.status : 400,
                               framing.refused() ? framing.message : "Malformed HTTP request",
                               options);
    co_await lingering_close(stream);
    co_return false;
  }

  BeastRequest<Stream> request(stream, buffer, parser, options);
  request.method = std::string(parser.get().method_string());
  request.target = std::string(parser.get().target());
  request.client_address = client;

  Response response = co_await pipeline.handle(request);
  if (response.status == kClientGoneStatus) co_return false;

  const bool body_left = !request.body_done();
  bool keep_alive = request.keep_alive() && !response.close && !body_left;
  {
    std::lock_guard lock(mutex);
    keep_alive = keep_alive && !shutting_down;
  }

  const bool sent = co_await write_response(stream, response, request.method == "HEAD",
                                            request.version(), keep_alive, options);
  if (!sent) co_return false;
  if (!keep_alive && body_left) co_await lingering_close(stream);
  co_return keep_alive;
}

void Server::begin_shutdown() {
  auto state = state_;
  asio::post(state->acceptor.get_executor(), [state] {
    beast::error_code ec;
    state->acceptor.close(ec);
  });
  std::lock_guard lock(state->mutex);
  state->shutting_down = true;
  // Only a connection waiting for its next request is cut; one serving a request sees
  // shutting_down when it answers and closes then.
  for (const auto& conn : state->connections) {
    asio::post(conn->executor, [conn] {
      if (conn->idle && conn->stream) conn->stream->cancel();
    });
  }
}

void Server::close_all() {
  auto state = state_;
  std::lock_guard lock(state->mutex);
  for (const auto& conn : state->connections) {
    asio::post(conn->executor, [conn] {
      if (!conn->stream) return;
      beast::error_code ec;
      conn->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
      conn->stream->cancel();
    });
  }
}

std::size_t Server::connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->connections.size();
}

}  // namespace volkrin::http
