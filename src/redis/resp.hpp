// RESP2, the Redis wire protocol: encoding commands and an incremental reply parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin::redis {

struct RespValue {
  enum class Type { simple_string, error, integer, bulk_string, null, array };

  Type type = Type::null;
  std::string text;  // simple string, error message or bulk string (binary-safe)
  std::int64_t integer = 0;
  std::vector<RespValue> elements;  // array

  bool is_error() const noexcept { return type == Type::error; }
  bool is_null() const noexcept { return type == Type::null; }
};

// The bytes do not follow RESP2 (or use a RESP3 type): the connection cannot be trusted
// any more and must be closed.
class RespProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends one command as an array of bulk strings, the form servers always accept.
void append_command(std::string& out, std::span<const std::string_view> args);
std::string encode_command(std::span<const std::string_view> args);
inline std::string encode_command(std::initializer_list<std::string_view> args) {
  return encode_command(std::span<const std::string_view>(args.begin(), args.size()));
}

// Feed it bytes as they arrive, in pieces of any size; next() hands out each complete
// reply in order. Limits keep a hostile or broken peer from making it allocate without
// bound: a line (simple string, error, length) is at most 64 KiB, a bulk string at most
// 512 MiB, an array at most 1M elements and 8 levels deep.
class RespParser {
 public:
  static constexpr std::size_t kMaxLine = std::size_t{64} << 10;
  static constexpr std::int64_t kMaxBulk = std::int64_t{512} << 20;
  static constexpr std::int64_t kMaxElements = 1 << 20;
  static constexpr int kMaxDepth = 8;

  void feed(std::string_view bytes);
  // The next complete reply, or nullopt until more bytes arrive. Throws RespProtocolError.
  std::optional<RespValue> next();
  // Bytes received but not yet handed out as replies.
  std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }
  void reset();

 private:
  std::string buffer_;
  std::size_t consumed_ = 0;
};

}  // namespace volkrin::redis
