// What a handler answers: status, headers and a body held in memory.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volkrin::http {

inline constexpr std::string_view kJsonType = "application/json; charset=utf-8";

struct Response {
  int status = 200;
  std::string content_type{kJsonType};
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the connection is closed after this response (e.g. an unread request body).
  bool close = false;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::string_view header(std::string_view name) const;
};

Response json_response(int status, const boost::json::value& body);
// {"message": text}: the shape of every error and of the contract's plain answers.
Response message_response(int status, std::string_view text);

}  // namespace volkrin::http
