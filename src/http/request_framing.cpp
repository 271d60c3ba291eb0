// The framing decision of a request from its Transfer-Encoding and Content-Length fields.
#include "http/request_framing.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <charconv>
#include <vector>

#include "http/http_text.hpp"

namespace volkrin::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kCodingInHttp10 =
    "Transfer-Encoding is not allowed in an HTTP/1.0 request";
constexpr std::string_view kCodingAndLength =
    "Transfer-Encoding and Content-Length must not both be sent";
constexpr std::string_view kChunkedNotLast =
    "Transfer-Encoding must end with chunked, applied once";
constexpr std::string_view kMalformedCoding = "Malformed Transfer-Encoding";
constexpr std::string_view kUnsupportedCoding = "Only the chunked transfer coding is supported";
constexpr std::string_view kInvalidLength = "Invalid Content-Length";
constexpr std::string_view kConflictingLengths = "Conflicting Content-Length values";
constexpr std::string_view kMalformedChunks = "Malformed chunked body";

FramingDecision refuse(int status, std::string_view message) {
  FramingDecision d;
  d.status = status;
  d.message = message;
  return d;
}

// tchar (RFC 9110 section 5.6.2)
bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool is_chunked(std::string_view coding) {
  constexpr std::string_view kChunked = "chunked";
  if (coding.size() != kChunked.size()) return false;
  for (std::size_t i = 0; i < coding.size(); ++i) {
    const char c =
        coding[i] >= 'A' && coding[i] <= 'Z' ? static_cast<char>(coding[i] - 'A' + 'a') : coding[i];
    if (c != kChunked[i]) return false;
  }
  return true;
}

// Calls `each` with every element of the comma lists in `values`, trimmed of whitespace;
// elements left empty are passed too.
template <class Each>
void for_each_element(std::span<const std::string_view> values, Each each) {
  for (std::string_view rest : values) {
    while (true) {
      const auto comma = rest.find(',');
      each(trim_ows(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
}

FramingDecision decide_coding(std::span<const std::string_view> transfer_encoding) {
  bool malformed = false;
  bool other = false;
  bool last_chunked = false;
  int chunked = 0;
  for_each_element(transfer_encoding, [&](std::string_view coding) {
    if (coding.empty()) return;  // an empty list element (RFC 9110 section 5.6.1)
    last_chunked = is_chunked(coding);
    if (last_chunked) {
      ++chunked;
    } else if (is_token(coding)) {
      other = true;
    } else {
      malformed = true;  // parameters, spaces, or characters outside a token
    }
  });
  if (malformed) return refuse(400, kMalformedCoding);
  if (!last_chunked || chunked != 1) return refuse(400, kChunkedNotLast);
  if (other) return refuse(501, kUnsupportedCoding);
  FramingDecision d;
  d.body = BodyFraming::chunked;
  return d;
}

FramingDecision decide_length(std::span<const std::string_view> content_length) {
  bool invalid = false;
  bool conflicting = false;
  std::optional<std::uint64_t> length;
  for_each_element(content_length, [&](std::string_view value) {
    std::uint64_t n = 0;
    const char* end = value.data() + value.size();
    const auto [stop, ec] = std::from_chars(value.data(), end, n);
    // Only digits: from_chars takes no sign for an unsigned number, and fails on overflow.
    if (value.empty() || ec != std::errc() || stop != end) {
      invalid = true;
    } else if (length && *length != n) {
      conflicting = true;
    } else {
      length = n;
    }
  });
  if (invalid) return refuse(400, kInvalidLength);
  if (conflicting) return refuse(400, kConflictingLengths);
  FramingDecision d;
  d.body = *length > 0 ? BodyFraming::length : BodyFraming::none;
  d.length = *length;
  return d;
}

std::vector<std::string_view> values_of(const bhttp::fields& header, bhttp::field name) {
  std::vector<std::string_view> values;
  const auto [first, last] = header.equal_range(name);
  for (auto it = first; it != last; ++it) {
    values.emplace_back(it->value().data(), it->value().size());
  }
  return values;
}

}  // namespace

FramingDecision decide_framing(unsigned version,
                               std::span<const std::string_view> transfer_encoding,
                               std::span<const std::string_view> content_length) {
  if (!transfer_encoding.empty()) {
    // RFC 9112 section 6.1: an HTTP/1.0 recipient would read such a body differently, and
    // section 6.3 item 3: Transfer-Encoding beside Content-Length is a smuggling attempt.
    if (version < 11) return refuse(400, kCodingInHttp10);
    if (!content_length.empty()) return refuse(400, kCodingAndLength);
    return decide_coding(transfer_encoding);
  }
  if (content_length.empty()) return {};
  return decide_length(content_length);
}

FramingDecision decide_framing(unsigned version, const bhttp::fields& header) {
  const auto coding = values_of(header, bhttp::field::transfer_encoding);
  const auto length = values_of(header, bhttp::field::content_length);
  return decide_framing(version, coding, length);
}

bool parser_agrees(const FramingDecision& decision, bool chunked,
                   std::optional<std::uint64_t> length) {
  switch (decision.body) {
    case BodyFraming::chunked:
      return chunked && !length;
    case BodyFraming::length:
      return !chunked && length == decision.length;
    case BodyFraming::none:
      return !chunked && length.value_or(0) == 0;
  }
  return false;
}

std::optional<FramingDecision> framing_refusal(const boost::system::error_code& parse_error,
                                               const bhttp::fields& seen) {
  const bool seen_coding = seen.count(bhttp::field::transfer_encoding) > 0;
  const bool seen_length = seen.count(bhttp::field::content_length) > 0;
  // A Transfer-Encoding line after Content-Length, or after a line that ended with chunked.
  if (parse_error == bhttp::error::bad_transfer_encoding) {
    return refuse(400, seen_length ? kCodingAndLength : kChunkedNotLast);
  }
  // Content-Length after chunked, or a value that is not a list of decimal numbers.
  if (parse_error == bhttp::error::bad_content_length) {
    return refuse(400, seen_coding ? kCodingAndLength : kInvalidLength);
  }
  if (parse_error == bhttp::error::multiple_content_length) {
    return refuse(400, kConflictingLengths);
  }
  return std::nullopt;
}

std::optional<FramingDecision> body_refusal(const boost::system::error_code& read_error) {
  // The parser's own errors are about the bytes it was given, except these two, which say the
  // connection ended before the body did.
  if (read_error.category() != bhttp::make_error_code(bhttp::error::bad_chunk).category() ||
      read_error == bhttp::error::partial_message || read_error == bhttp::error::end_of_stream) {
    return std::nullopt;
  }
  return refuse(400, kMalformedChunks);
}

}  // namespace volkrin::http
