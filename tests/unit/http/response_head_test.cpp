// response_head: byte for byte what Beast's serializer writes for the same response.
#include "http/response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <sstream>
#include <string>

namespace volkrin::http {
namespace {

namespace bhttp = boost::beast::http;

std::string beast_head(const Response& response, unsigned version, bool keep_alive,
                       std::optional<std::uint64_t> content_length) {
  bhttp::response<bhttp::empty_body> msg{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) msg.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) msg.insert(name, value);
  msg.keep_alive(keep_alive);
  if (content_length) msg.content_length(*content_length);
  std::ostringstream out;
  out << msg;
  return out.str();
}

Response sample(int status) {
  Response r;
  r.status = status;
  r.set_header("X-Request-Id", "0f9a3c1e2b7d4e5f");
  r.set_header("ETag", "\"abc\"");
  r.set_header("Vary", "Origin");
  r.set_header("X-Custom", "");
  return r;
}

TEST(ResponseHead, matches_beast_for_every_version_connection_and_length) {
  for (int status : {200, 201, 204, 206, 304, 404, 416, 429, 503, 599}) {
    for (unsigned version : {10U, 11U}) {
      for (bool keep_alive : {true, false}) {
        for (std::optional<std::uint64_t> length :
             {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{0},
              std::optional<std::uint64_t>{58'385}, std::optional<std::uint64_t>{1ULL << 40}}) {
          const Response r = sample(status);
          EXPECT_EQ(response_head(r, version, keep_alive, length),
                    beast_head(r, version, keep_alive, length))
              << status << " HTTP/" << version << " keep-alive " << keep_alive;
        }
      }
    }
  }
}

TEST(ResponseHead, without_content_type_or_fields_is_the_status_line_alone) {
  Response r;
  r.status = 304;
  r.content_type.clear();
  EXPECT_EQ(response_head(r, 11, true, std::nullopt), "HTTP/1.1 304 Not Modified\r\n\r\n");
  EXPECT_EQ(response_head(r, 11, true, std::nullopt), beast_head(r, 11, true, std::nullopt));
}

TEST(ResponseHead, keeps_the_json_content_type_and_field_order) {
  Response r = message_response(401, "Unauthorized");
  r.set_header("WWW-Authenticate", "Bearer");
  EXPECT_EQ(response_head(r, 11, false, r.body.size()),
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\n"
            "WWW-Authenticate: Bearer\r\nConnection: close\r\nContent-Length: 26\r\n\r\n");
}

}  // namespace
}  // namespace volkrin::http
