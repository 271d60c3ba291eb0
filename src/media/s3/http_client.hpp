// A small blocking HTTP/1.1 client for the S3 adapter: keep-alive pool, TLS, deadlines.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volkrin::s3 {

// Connection failures, time-outs and malformed answers. Messages name the endpoint and the
// step that failed, never a header value.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpEndpoint {
  bool tls = false;
  std::string host;  // a name or an address (IPv6 without brackets)
  std::uint16_t port = 80;

  // The Host header: "host", or "host:port" when the port is not the scheme's default.
  std::string authority() const;
  // "http://authority" or "https://authority".
  std::string origin() const;
};

// Parses "http(s)://host[:port]" with nothing after the authority but an optional '/'.
// nullopt for anything else.
std::optional<HttpEndpoint> parse_endpoint(std::string_view url);

struct HttpTimeouts {
  std::chrono::milliseconds connect{5000};  // resolving, connecting and the TLS handshake
  std::chrono::milliseconds io{60000};      // sending a request, then reading its answer
};

using HttpFields = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;  // already encoded: "/bucket/key?uploads"
  HttpFields headers;  // sent as given (Host included); Content-Length is added
  std::string_view body;
};

struct HttpResponse {
  unsigned status = 0;
  HttpFields headers;
  std::string body;  // empty for HEAD

  // The first header of that name (any case), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// Sends requests to one endpoint, one at a time per calling thread, reusing idle keep-alive
// connections. https endpoints are verified against the system's CA store and the host
// name. Blocking: call from the worker pool. Thread-safe.
class HttpClient {
 public:
  explicit HttpClient(HttpEndpoint endpoint, HttpTimeouts timeouts = {},
                      std::size_t max_idle_connections = 8);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any status is a response; throws HttpError when none arrived. A request that fails on a
  // reused connection (the server may have closed it meanwhile) is sent once more on a new one.
  HttpResponse send(const HttpRequest& request);

  const HttpEndpoint& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace volkrin::s3
