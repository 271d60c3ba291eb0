// The query parameters every list takes: limit, offset, q.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace volkrin::api {

// A parameter percent-decoded; nullopt when absent. Request::query_param reads a value that
// is not valid percent-encoding as absent, which would answer a search with the whole list:
// here it is refused with ApiError(400).
std::optional<std::string> list_param(const http::Request& req, std::string_view name);

// The page asked for: limit 1..1000 and offset ≥ 0 when given, q single-line text of at most
// 200 characters. Anything else is ApiError(400) with a message naming the parameter.
struct ListParams {
  std::optional<std::int64_t> limit;
  std::int64_t offset = 0;
  std::string text;
  bool given = false;  // whether any of limit, offset and q was in the query
};
ListParams list_params(const http::Request& req);

}  // namespace volkrin::api
