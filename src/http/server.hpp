// The HTTP/1.1 server: accepts connections and runs one coroutine per connection that
// reads requests under limits and timeouts, hands them to the Pipeline, and writes answers.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/io_threads.hpp"
#include "http/pipeline.hpp"

namespace volkrin::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;
  std::chrono::seconds keepalive_timeout{5};
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_idle_timeout{30};   // no body byte for this long: give up
  std::chrono::seconds write_idle_timeout{30};  // no progress writing for this long
  std::size_t header_limit = 16 * 1024;
  // When set, connections speak TLS (HTTPS) with this context.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

class Server {
 public:
  // Listens on the main context of `threads` and deals connections to all of them.
  Server(IoThreads& threads, Pipeline& pipeline, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (throws std::system_error naming the address on failure), then
  // starts accepting. Returns the bound port (useful with port 0).
  std::uint16_t start();

  // Stops accepting and closes idle keep-alive connections; connections in the middle of
  // a request finish it and then close.
  void begin_shutdown();
  // Closes every connection now.
  void close_all();
  std::size_t connections() const;

 private:
  struct State;
  boost::asio::awaitable<void> accept_loop();
  std::shared_ptr<State> state_;
};

}  // namespace volkrin::http
