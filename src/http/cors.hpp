// CORS: which origins may call the API from a browser, and the preflight answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/response.hpp"

namespace volkrin::http {

class CorsPolicy {
 public:
  // Origins exactly as configured ("https://app.example"), or "*". Empty: no CORS at all.
  explicit CorsPolicy(std::vector<std::string> origins);

  bool enabled() const { return !origins_.empty(); }
  bool allows(std::string_view origin) const;

  // Adds Access-Control-Allow-Origin (and Vary, exposed headers) for an allowed origin.
  void decorate(std::string_view origin, Response& response) const;
  // 204 answer to a preflight; carries CORS headers only when the origin is allowed.
  Response preflight(std::string_view origin, const std::vector<std::string>& methods) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace volkrin::http
