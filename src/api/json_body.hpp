// Reading a JSON request body under the API's rules (type, size, syntax).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace volkrin::api {

inline constexpr std::size_t kMaxJsonBody = 1024 * 1024;

// The body as a JSON object. No body at all reads as {}. Throws ApiError:
// 415 when a body is not declared as JSON, 413 past 1 MiB, 400 when it is not a JSON
// object (syntax errors, other top-level values, non-finite numbers).
boost::asio::awaitable<boost::json::object> read_json_object(http::Request& request);

// A member that must be a string when present: nullopt when absent or null;
// throws ApiError(400, "<field> must be a string") for any other type.
std::optional<std::string> optional_string(const boost::json::object& body, std::string_view field);

}  // namespace volkrin::api
