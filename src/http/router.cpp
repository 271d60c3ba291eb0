// Route matching and target parsing; see router.hpp.
#include "http/router.hpp"

#include <stdexcept>

#include "support/ascii.hpp"
#include "support/percent_decode.hpp"

namespace volkrin::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  // "/a/b/" → ["a", "b"]; "/" → [].
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

bool route_matches(const Route& route, const Target& target,
                   std::vector<std::pair<std::string, std::string>>* params) {
  const auto& pattern = route.segments;
  const auto& segs = target.segments;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (!p.empty() && p[0] == '*') {
      if (i >= segs.size()) return false;
      if (params) {
        std::string rest;
        for (std::size_t j = i; j < segs.size(); ++j) {
          if (j > i) rest += '/';
          rest += segs[j];
        }
        params->emplace_back(p.substr(1), std::move(rest));
      }
      return true;
    }
    if (i >= segs.size()) return false;
    if (!p.empty() && p[0] == ':') {
      if (segs[i].empty()) return false;
      if (params) params->emplace_back(p.substr(1), segs[i]);
    } else if (!iequals(p, segs[i])) {
      return false;
    }
  }
  return pattern.size() == segs.size();
}

}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target[0] != '/') return std::nullopt;
  Target t;
  std::string_view raw_path = target;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    t.query = std::string(target.substr(q + 1));
  }
  if (auto hash = t.query.find('#'); hash != std::string::npos) t.query.resize(hash);
  for (std::string_view raw : split_path(raw_path)) {
    auto decoded = percent_decode(raw);
    if (!decoded) return std::nullopt;
    if (decoded->find('\0') != std::string::npos) return std::nullopt;
    if (*decoded == "." || *decoded == "..") return std::nullopt;
    t.segments.push_back(std::move(*decoded));
  }
  for (const auto& s : t.segments) {
    t.path.push_back('/');
    t.path.append(s);
  }
  if (t.path.empty()) t.path.push_back('/');
  return t;
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
  Route route{std::move(method), std::move(pattern), access, std::move(handler), {}};
  for (std::string_view s : split_path(route.pattern)) route.segments.emplace_back(s);
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    const auto& s = route.segments[i];
    if (s.empty() || ((s[0] == ':' || s[0] == '*') && s.size() == 1) ||
        (s[0] == '*' && i + 1 != route.segments.size())) {
      throw std::invalid_argument("bad route pattern: " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

std::optional<Router::Match> Router::match(std::string_view method, const Target& target) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& route : routes_) {
    if (route.method != wanted) continue;
    Match m;
    if (route_matches(route, target, &m.params)) {
      m.route = &route;
      return m;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Router::methods_for(const Target& target) const {
  std::vector<std::string> methods;
  for (const Route& route : routes_) {
    if (!route_matches(route, target, nullptr)) continue;
    bool seen = false;
    for (const auto& m : methods) seen = seen || m == route.method;
    if (!seen) methods.push_back(route.method);
  }
  return methods;
}

}  // namespace volkrin::http
