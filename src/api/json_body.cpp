// JSON request bodies; see json_body.hpp.
#include "api/json_body.hpp"

#include <boost/json/parse.hpp>
#include <cmath>

#include "support/api_error.hpp"
#include "support/ascii.hpp"

namespace volkrin::api {
namespace {

bool is_json_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  if (iequals(type, kJson)) return true;
  // application/<something>+json, e.g. application/merge-patch+json
  constexpr std::string_view kApp = "application/";
  return type.size() > kApp.size() + 5 && iequals(type.substr(0, kApp.size()), kApp) &&
         iequals(type.substr(type.size() - 5), "+json");
}

bool all_finite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array()) {
        if (!all_finite(e)) return false;
      }
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (!all_finite(kv.value())) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

boost::asio::awaitable<boost::json::object> read_json_object(http::Request& request) {
  const auto declared = request.content_length();
  if (!request.has_body() || (declared && *declared == 0)) co_return boost::json::object{};
  if (!is_json_type(request.header("Content-Type"))) {
    throw ApiError(415, "Content-Type must be application/json");
  }
  const std::string text = co_await request.read_body(kMaxJsonBody);
  boost::json::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) throw ApiError(400, "Malformed JSON body");
  if (!value.is_object()) throw ApiError(400, "Request body must be a JSON object");
  if (!all_finite(value)) throw ApiError(400, "Malformed JSON body: numbers must be finite");
  co_return std::move(value.get_object());
}

std::optional<std::string> optional_string(const boost::json::object& body,
                                           std::string_view field) {
  const auto* v = body.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw ApiError(400, std::string(field) + " must be a string");
  return std::string(v->get_string());
}

}  // namespace volkrin::api
