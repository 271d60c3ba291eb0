// RESP2 encoding and the incremental reply parser; see resp.hpp.
#include "redis/resp.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>
#include <utility>

namespace volkrin::redis {
namespace {

void append_length(std::string& out, char type, std::size_t length) {
  out += type;
  out += std::to_string(length);
  out += "\r\n";
}

// Parses one value of `in` starting at `at`. Returns false when the bytes end before the
// value does (at is then unspecified); advances `at` past the value otherwise.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool value(std::size_t& at, int depth, RespValue& out) {
    if (at >= in_.size()) return false;
    const char type = in_[at];
    std::string_view line;
    std::size_t after = at + 1;
    if (!this->line(after, line)) return false;
    switch (type) {
      case '+':
        out.type = RespValue::Type::simple_string;
        out.text.assign(line);
        at = after;
        return true;
      case '-':
        out.type = RespValue::Type::error;
        out.text.assign(line);
        at = after;
        return true;
      case ':':
        out.type = RespValue::Type::integer;
        out.integer = number(line);
        at = after;
        return true;
      case '$':
        return bulk(line, after, at, out);
      case '*':
        return array(line, after, at, depth, out);
      default:
        throw RespProtocolError("unexpected reply type byte " +
                                std::to_string(static_cast<unsigned char>(type)));
    }
  }

 private:
  // The text up to the next CRLF; `at` moves past the CRLF.
  bool line(std::size_t& at, std::string_view& text) const {
    const auto end = in_.find("\r\n", at);
    if (end == std::string_view::npos) {
      if (in_.size() - at > RespParser::kMaxLine) throw RespProtocolError("reply line too long");
      return false;
    }
    if (end - at > RespParser::kMaxLine) throw RespProtocolError("reply line too long");
    text = in_.substr(at, end - at);
    at = end + 2;
    return true;
  }

  static std::int64_t number(std::string_view text) {
    std::int64_t value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') throw RespProtocolError("malformed integer");
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (text.empty() || ec != std::errc{} || ptr != end)
      throw RespProtocolError("malformed integer");
    return value;
  }

  bool bulk(std::string_view header, std::size_t after, std::size_t& at, RespValue& out) const {
    const std::int64_t length = number(header);
    if (length == -1) {
      out.type = RespValue::Type::null;
      at = after;
      return true;
    }
    if (length < 0 || length > RespParser::kMaxBulk) {
      throw RespProtocolError("invalid bulk string length");
    }
    const auto size = static_cast<std::size_t>(length);
    if (in_.size() - after < size + 2) return false;
    if (in_[after + size] != '\r' || in_[after + size + 1] != '\n') {
      throw RespProtocolError("bulk string not followed by CRLF");
    }
    out.type = RespValue::Type::bulk_string;
    out.text.assign(in_.substr(after, size));
    at = after + size + 2;
    return true;
  }

  bool array(std::string_view header, std::size_t after, std::size_t& at, int depth,
             RespValue& out) {
    const std::int64_t count = number(header);
    if (count == -1) {
      out.type = RespValue::Type::null;
      at = after;
      return true;
    }
    if (count < 0 || count > RespParser::kMaxElements)
      throw RespProtocolError("invalid array length");
    if (depth >= RespParser::kMaxDepth) throw RespProtocolError("arrays nested too deeply");
    out.type = RespValue::Type::array;
    out.elements.clear();
    // Every element takes at least 3 bytes: never reserve more than the bytes could hold.
    out.elements.reserve(std::min(static_cast<std::size_t>(count), (in_.size() - after) / 3));
    for (std::int64_t i = 0; i < count; ++i) {
      RespValue element;
      if (!value(after, depth + 1, element)) return false;
      out.elements.push_back(std::move(element));
    }
    at = after;
    return true;
  }

  std::string_view in_;
};

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
  append_length(out, '*', args.size());
  for (const std::string_view arg : args) {
    append_length(out, '$', arg.size());
    out += arg;
    out += "\r\n";
  }
}

std::string encode_command(std::span<const std::string_view> args) {
  std::string out;
  std::size_t size = 16;
  for (const std::string_view arg : args) size += arg.size() + 16;
  out.reserve(size);
  append_command(out, args);
  return out;
}

void RespParser::feed(std::string_view bytes) {
  // Drop what was handed out once it is most of the buffer, so the buffer stays small
  // without moving bytes on every reply.
  if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<RespValue> RespParser::next() {
  Reader reader(std::string_view(buffer_).substr(consumed_));
  std::size_t at = 0;
  RespValue value;
  if (!reader.value(at, 0, value)) return std::nullopt;
  consumed_ += at;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return value;
}

void RespParser::reset() {
  buffer_.clear();
  consumed_ = 0;
}

}  // namespace volkrin::redis
