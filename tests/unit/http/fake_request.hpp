// An in-memory http::Request for tests: headers in a list, an optional body, no socket.
#pragma once

#include <strings.h>

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "support/api_error.hpp"

namespace volkrin::test {

// Reads the body the way the server's own request does: read_body refuses a declared
// length past the limit up front and an undeclared one once the limit is crossed, with
// the same 413 answer. Headers are looked up case-insensitively; the first one wins.
class FakeRequest final : public http::Request {
 public:
  explicit FakeRequest(std::string method_ = "GET", std::string target_ = "/") {
    method = std::move(method_);
    target = std::move(target_);
    client_address = "203.0.113.7";
  }

  FakeRequest& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  // A body with a Content-Length (declared) or without one, as a chunked body arrives.
  FakeRequest& with_body(std::string body, bool declare_length = true) {
    body_ = std::move(body);
    declared_ = declare_length ? std::optional<std::uint64_t>(body_->size()) : std::nullopt;
    read_ = 0;
    return *this;
  }

  // Overrides the declared length, e.g. to announce more than is sent.
  FakeRequest& with_declared_length(std::optional<std::uint64_t> length) {
    declared_ = length;
    return *this;
  }

  std::string_view header(std::string_view name) const override {
    for (const auto& [k, v] : headers_) {
      if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0) {
        return v;
      }
    }
    return {};
  }

  std::optional<std::uint64_t> content_length() const override { return declared_; }

  bool has_body() const override { return body_.has_value() && read_ < body_->size(); }

  boost::asio::awaitable<std::string> read_body(std::size_t limit) override {
    ++body_reads_;
    if (declared_ && *declared_ > limit) throw ApiError(413, "Request body too large");
    std::string out;
    if (body_) {
      if (body_->size() - read_ > limit) throw ApiError(413, "Request body too large");
      out = body_->substr(read_);
      read_ = body_->size();
    }
    co_return out;
  }

  boost::asio::awaitable<std::size_t> read_body_some(std::span<char> buffer) override {
    ++body_reads_;
    if (!body_ || read_ >= body_->size()) co_return 0;
    const std::size_t n = std::min(buffer.size(), body_->size() - read_);
    std::copy_n(body_->data() + read_, n, buffer.data());
    read_ += n;
    co_return n;
  }

  // How many times a handler asked for body bytes.
  int body_reads() const { return body_reads_; }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
  std::optional<std::string> body_;
  std::optional<std::uint64_t> declared_;
  std::size_t read_ = 0;
  int body_reads_ = 0;
};

}  // namespace volkrin::test
