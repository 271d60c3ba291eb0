// Builders for JSON responses.
#include "http/response.hpp"

#include <boost/json/serialize.hpp>

#include "support/ascii.hpp"

namespace volkrin::http {

std::string_view Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

Response json_response(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

Response message_response(int status, std::string_view text) {
  boost::json::object o;
  o["message"] = text;
  return json_response(status, o);
}

}  // namespace volkrin::http
