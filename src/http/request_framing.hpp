// Request framing (RFC 9112 section 6): how a request's body is delimited, decided from its
// Transfer-Encoding and Content-Length fields before any body byte is read. Whatever another
// HTTP implementation could read differently is refused, so that no part of a body can be
// taken for a second request (request smuggling).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace volkrin::http {

enum class BodyFraming { none, length, chunked };

struct FramingDecision {
  BodyFraming body = BodyFraming::none;
  std::uint64_t length = 0;  // with BodyFraming::length
  int status = 0;            // non-zero: answer this status and message, then close
  std::string_view message;
  bool refused() const { return status != 0; }
};

// `transfer_encoding` and `content_length` are the values of every field line of that name,
// in order. Accepted: no Transfer-Encoding and one length (repeated identical values are
// the same length); or, in HTTP/1.1 without Content-Length, Transfer-Encoding of exactly one
// `chunked` (any case; empty list elements are ignored). Refused with 400: Transfer-Encoding
// in HTTP/1.0 or beside Content-Length, a last coding other than chunked or chunked twice,
// a coding that is not a bare token (chunked;q=1), a Content-Length that is not a decimal
// number or differs between values. Refused with 501: another coding before chunked.
FramingDecision decide_framing(unsigned version,
                               std::span<const std::string_view> transfer_encoding,
                               std::span<const std::string_view> content_length);

// The same decision for a parsed request header.
FramingDecision decide_framing(unsigned version, const boost::beast::http::fields& header);

// Whether a parser that found `chunked` and `length` reads the body as `decision` says.
bool parser_agrees(const FramingDecision& decision, bool chunked,
                   std::optional<std::uint64_t> length);

// The parser refuses some framing conflicts itself while reading the header, before the
// field at fault is stored; `seen` is the header read up to there. The refusal to answer for
// such a parser error, or nullopt if the error is not about framing.
std::optional<FramingDecision> framing_refusal(const boost::system::error_code& parse_error,
                                               const boost::beast::http::fields& seen);

// A parser error met while reading a body: the refusal to answer when it is the client's
// malformed chunked framing, nullopt when the connection ended or failed instead.
std::optional<FramingDecision> body_refusal(const boost::system::error_code& read_error);

}  // namespace volkrin::http
