// libFuzzer target for request framing: the framing decision must agree with how Beast's
// parser reads the body, and the body is then fed through the parser as the server reads it
// (header parser moved into a buffer_body parser, bytes in pieces): how the bytes are cut
// must not change the body or where it ends, a chunked body Beast accepts must decode the
// same with a plain reading of RFC 9112 section 7.1, and every parser error is either a
// 400 refusal or the connection ending. Input byte 0 picks the piece and output sizes; the
// rest is a request: header and body.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_framing.hpp"

namespace {

namespace bhttp = boost::beast::http;
using volkrin::http::BodyFraming;
using volkrin::http::FramingDecision;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // the server's default

void check(bool condition) {
  if (!condition) __builtin_trap();
}

struct BodyOutcome {
  bool done = false;
  bool refused = false;      // an error the server answers with 400
  std::string decoded;       // the body bytes handed to the reader
  std::size_t consumed = 0;  // input bytes the parser used
};

// Reads the body the way BeastRequest::read_body_some does, `piece` input bytes arriving at
// a time and `room` bytes of output offered each time.
BodyOutcome read_body(bhttp::request_parser<bhttp::buffer_body>& parser, std::string_view input,
                      std::size_t piece, std::size_t room) {
  BodyOutcome out;
  std::string buffered;
  std::size_t arrived = 0;
  std::vector<char> area(room);
  const auto arrive = [&] {
    if (arrived == input.size()) return false;
    const std::size_t n = std::min(piece, input.size() - arrived);
    buffered.append(input.substr(arrived, n));
    arrived += n;
    return true;
  };
  boost::system::error_code ec;
  std::size_t steps = 0;
  while (!parser.is_done()) {
    // Each step consumes input, produces output, or asks for more: the parser never stalls.
    check(++steps <= 4 * (input.size() + 8));
    if (buffered.empty() && !arrive()) {
      parser.put_eof(ec);
      break;
    }
    auto& body = parser.get().body();
    body.data = area.data();
    body.size = area.size();
    const std::size_t used = parser.put(boost::asio::buffer(buffered), ec);
    check(used <= buffered.size());
    buffered.erase(0, used);
    out.decoded.append(area.data(), area.size() - body.size);
    if (ec == bhttp::error::need_more) {
      if (!arrive()) {
        parser.put_eof(ec);
        break;
      }
      ec = {};
      continue;
    }
    if (ec == bhttp::error::need_buffer) {
      ec = {};
      continue;
    }
    if (ec) break;
  }
  out.done = parser.is_done();
  out.consumed = arrived - buffered.size();
  if (out.done) {
    check(!ec);
  } else {
    check(ec.failed());
    const auto refusal = volkrin::http::body_refusal(ec);
    // Input that ran out mid-body is the client leaving, anything else the client's fault.
    check(refusal.has_value() != (ec == bhttp::error::partial_message));
    if (refusal) check(refusal->status == 400 && refusal->message == "Malformed chunked body");
    out.refused = refusal.has_value();
  }
  check(out.decoded.size() <= out.consumed && out.consumed <= input.size());
  return out;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A plain, lenient reading of chunked-body (RFC 9112 section 7.1): lines end with CRLF, a
// chunk-size in hex, anything after ';' on its line is an extension, the trailer section
// ends at the first empty line. The decoded body and the bytes it spans; nullopt when the
// input ends first or breaks the grammar.
std::optional<std::pair<std::string, std::size_t>> reference_dechunk(std::string_view in) {
  std::string body;
  std::size_t pos = 0;
  while (true) {
    const std::size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::nullopt;
    const std::string_view line = in.substr(pos, eol - pos);
    std::size_t digits = 0;
    std::uint64_t size = 0;
    while (digits < line.size() && is_hex(line[digits])) {
      if (size >> 60 != 0) return std::nullopt;  // more than 64 bits
      const char c = line[digits];
      const int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      size = size * 16 + static_cast<std::uint64_t>(v);
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    std::string_view ext = line.substr(digits);
    while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t')) ext.remove_prefix(1);
    if (!ext.empty() && ext.front() != ';') return std::nullopt;
    if (line.find('\n') != std::string_view::npos) return std::nullopt;
    pos = eol + 2;
    if (size == 0) break;
    if (in.size() - pos < size + 2) return std::nullopt;
    body.append(in.substr(pos, size));
    pos += size;
    if (in.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
  }
  while (true) {
    const std::size_t eol = in.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::nullopt;
    const bool empty = eol == pos;
    pos = eol + 2;
    if (empty) return std::make_pair(std::move(body), pos);
  }
}

// Parses the header of `request`; nullopt while it is incomplete or when it is refused.
std::optional<std::size_t> parse_header(bhttp::request_parser<bhttp::empty_body>& parser,
                                        std::string_view request) {
  parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit));
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(request.data(), request.size()), ec);
  if (ec == bhttp::error::need_more) return std::nullopt;
  if (ec) {
    // Conflicts the parser refuses itself are answered like those the decision refuses.
    if (const auto refusal = volkrin::http::framing_refusal(ec, parser.get())) {
      check(refusal->status == 400 && !refusal->message.empty());
    }
    return std::nullopt;
  }
  check(parser.is_header_done() && used <= request.size());
  return used;
}

void check_decision(const FramingDecision& d, const bhttp::request_parser<bhttp::empty_body>& p) {
  const auto& header = p.get();
  const bool has_coding = header.count(bhttp::field::transfer_encoding) > 0;
  const bool has_length = header.count(bhttp::field::content_length) > 0;
  if (d.refused()) {
    check((d.status == 400 || d.status == 501) && !d.message.empty());
    check(d.body == BodyFraming::none && d.length == 0);
    check(has_coding || has_length);
    return;
  }
  check(d.message.empty());
  // What the server reads is what the parser reads: no second idea of where the body ends.
  const auto length = p.content_length();
  check(
      volkrin::http::parser_agrees(d, p.chunked(), length ? std::optional(*length) : std::nullopt));
  if (has_coding) check(d.body == BodyFraming::chunked && header.version() >= 11 && !has_length);
  if (d.body == BodyFraming::chunked) check(has_coding);
  if (d.body == BodyFraming::none) check(p.is_done());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::size_t kRooms[] = {1, 7, 64, 4096};
  const std::size_t piece = std::size_t{data[0] & 0x3fu} + 1;
  const std::size_t room = kRooms[data[0] >> 6];
  const std::string_view request(reinterpret_cast<const char*>(data) + 1, size - 1);

  bhttp::request_parser<bhttp::empty_body> header_parser;
  const auto header_size = parse_header(header_parser, request);
  if (!header_size) return 0;
  const FramingDecision d =
      volkrin::http::decide_framing(header_parser.get().version(), header_parser.get());
  check_decision(d, header_parser);
  if (d.refused() || d.body == BodyFraming::none) return 0;

  const std::string_view rest = request.substr(*header_size);
  // The same header parsed twice, so that the body can be read twice.
  bhttp::request_parser<bhttp::empty_body> again;
  check(parse_header(again, request) == header_size);
  bhttp::request_parser<bhttp::buffer_body> cut(std::move(header_parser));
  bhttp::request_parser<bhttp::buffer_body> whole(std::move(again));
  cut.body_limit(boost::none);
  whole.body_limit(boost::none);
  const BodyOutcome a = read_body(cut, rest, piece, room);
  const BodyOutcome b = read_body(whole, rest, rest.size() + 1, rest.size() + 1);

  check(a.done == b.done);
  if (a.done) check(a.decoded == b.decoded && a.consumed == b.consumed);
  // Bytes handed to the reader are never taken back, however they arrive.
  check(b.decoded.starts_with(a.decoded) || a.decoded.starts_with(b.decoded));

  if (d.body == BodyFraming::length) {
    check(!a.refused && !b.refused);  // a length body can only end early
    check(a.decoded == rest.substr(0, a.decoded.size()));
    check(a.done == (rest.size() >= d.length));
    if (a.done) check(a.decoded.size() == d.length && a.consumed == d.length);
  } else if (b.done) {
    const auto reference = reference_dechunk(rest);
    check(reference.has_value());
    check(reference->first == b.decoded && reference->second == b.consumed);
  }
  return 0;
}
