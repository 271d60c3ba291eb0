// Serializes a response's status line and header fields; see response_head.hpp.
#include "http/response_head.hpp"

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace volkrin::http {

std::string response_head(const Response& response, unsigned version, bool keep_alive,
                          std::optional<std::uint64_t> content_length) {
  const auto status = static_cast<boost::beast::http::status>(response.status);
  const std::string_view reason = boost::beast::http::obsolete_reason(status);
  std::string head;
  head.reserve(256);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char number[24];
  auto end = std::to_chars(number, number + sizeof number, response.status).ptr;
  head.append(number, end);
  head += ' ';
  head += reason;
  head += "\r\n";
  const auto field = [&head](std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  };
  if (!response.content_type.empty()) field("Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) field(name, value);
  if (version == 10 && keep_alive) field("Connection", "keep-alive");
  if (version != 10 && !keep_alive) field("Connection", "close");
  if (content_length) {
    end = std::to_chars(number, number + sizeof number, *content_length).ptr;
    field("Content-Length", std::string_view(number, static_cast<std::size_t>(end - number)));
  }
  head += "\r\n";
  return head;
}

}  // namespace volkrin::http
