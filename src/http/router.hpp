// Route table: method + path template ("/api/auth/users/:id", "/media/*key") → who may call
// it and the handler that answers. Also the parsing of request targets.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace volkrin::http {

// Who may call a route: anyone, any signed-in user, or admins only.
enum class Access { open, user, admin };

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::open;
  Handler handler;
  std::vector<std::string> segments;  // pattern split on '/'; ":name" and "*name" are parameters
};

// A target split into its percent-decoded path segments and its raw query.
struct Target {
  std::string path;  // decoded, segments joined with '/'
  std::vector<std::string> segments;
  std::string query;
};

// nullopt for targets this server refuses (400): not origin-form, bad percent-encoding,
// NUL bytes, "." or ".." segments.
std::optional<Target> parse_target(std::string_view target);

class Router {
 public:
  // Patterns are literal segments, ":name" (one segment) and a final "*name" (the rest of
  // the path, at least one segment). Literal segments match case-insensitively and a
  // trailing slash is ignored, as in Express.
  void add(std::string method, std::string pattern, Access access, Handler handler);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
  };
  // HEAD requests match GET routes.
  std::optional<Match> match(std::string_view method, const Target& target) const;
  // Methods that have a route for this path (for CORS preflight and Allow).
  std::vector<std::string> methods_for(const Target& target) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace volkrin::http
