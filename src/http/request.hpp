// What a handler sees of a request: method, path, route parameters, headers, the caller,
// and the body, read on demand so that large bodies can be streamed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volkrin::http {

// The authenticated caller, filled in before a user/admin route's handler runs.
struct Caller {
  std::string id;
  std::string name;
  std::string email;
  std::string role;
  bool is_admin() const { return role == "admin"; }
};

class Request {
 public:
  virtual ~Request() = default;

  std::string method;          // "GET", "POST", ...
  std::string target;          // as received, e.g. "/api/tracks?limit=5"
  std::string path;            // percent-decoded path without the query
  std::string query;           // raw query string without '?'
  std::string route_template;  // e.g. "/api/auth/users/:id"; "" until routed
  std::string request_id;
  std::string client_address;   // the peer, or the client behind a trusted proxy
  std::string scheme = "http";  // "https" over TLS or behind a proxy that says so
  std::vector<std::pair<std::string, std::string>> params;  // from the route template
  std::optional<Caller> caller;

  std::string_view param(std::string_view name) const;
  // First value of a query parameter, percent-decoded ('+' is a space).
  std::optional<std::string> query_param(std::string_view name) const;

  virtual std::string_view header(std::string_view name) const = 0;
  // Declared body length (Content-Length), if any; chunked bodies have none.
  virtual std::optional<std::uint64_t> content_length() const = 0;
  virtual bool has_body() const = 0;

  // Reads the whole body; throws ApiError 413 past `limit` bytes.
  virtual boost::asio::awaitable<std::string> read_body(std::size_t limit) = 0;
  // Reads the next piece of the body into `buffer`; 0 means the body has ended.
  virtual boost::asio::awaitable<std::size_t> read_body_some(std::span<char> buffer) = 0;
  // Whether more body bytes have arrived that read_body_some() can return without waiting
  // (false when unknown): a reader may gather them before acting on what it has.
  virtual bool body_bytes_waiting() const { return false; }
};

}  // namespace volkrin::http
