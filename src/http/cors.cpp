// CORS decisions; see cors.hpp.
#include "http/cors.hpp"

#include <algorithm>

namespace volkrin::http {

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty() || origins_.empty()) return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void CorsPolicy::decorate(std::string_view origin, Response& response) const {
  if (!enabled()) return;
  if (!any_) response.set_header("Vary", "Origin");
  if (!allows(origin)) return;
  response.set_header("Access-Control-Allow-Origin", any_ ? "*" : std::string(origin));
  response.set_header(
      "Access-Control-Expose-Headers",
      "X-Request-Id, ETag, Content-Range, Content-Length, Accept-Ranges, Retry-After");
}

Response CorsPolicy::preflight(std::string_view origin,
                               const std::vector<std::string>& methods) const {
  Response r;
  r.status = 204;
  r.content_type.clear();
  if (!any_ && enabled()) r.set_header("Vary", "Origin");
  if (!allows(origin)) return r;
  std::string allow;
  for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
  if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) allow += ", HEAD";
  allow += allow.empty() ? "OPTIONS" : ", OPTIONS";
  r.set_header("Access-Control-Allow-Origin", any_ ? "*" : std::string(origin));
  r.set_header("Access-Control-Allow-Methods", allow);
  r.set_header("Access-Control-Allow-Headers",
               "Authorization, Content-Type, X-Request-Id, Range, If-None-Match, If-Range");
  r.set_header("Access-Control-Max-Age", "600");
  return r;
}

}  // namespace volkrin::http
