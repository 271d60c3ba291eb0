// What a handler answers: status, headers and a body held in memory.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/open_file.hpp"

namespace volkrin::http {

inline constexpr std::string_view kJsonType = "application/json; charset=utf-8";

// Part of an open file, sent with sendfile(2).
struct FileSlice {
  std::shared_ptr<OpenFile> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// The body is one of: `body`; the bytes of `shared_body` from `shared_offset` on (owned
// elsewhere, e.g. by a cache entry, and written without copying); or `file`.
struct Response {
  int status = 200;
  std::string content_type{kJsonType};
  std::string body;
  std::shared_ptr<const std::string> shared_body;
  std::size_t shared_offset = 0;
  std::optional<FileSlice> file;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the connection is closed after this response (e.g. an unread request body).
  bool close = false;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  std::string_view header(std::string_view name) const;
  std::uint64_t body_size() const {
    return file ? file->length : shared_body ? shared_body->size() - shared_offset : body.size();
  }
};

Response json_response(int status, const boost::json::value& body);
// {"message": text}: the shape of every error and of the contract's plain answers.
Response message_response(int status, std::string_view text);

}  // namespace volkrin::http
