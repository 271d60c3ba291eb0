// Incremental, bounded-memory multipart/form-data parser (RFC 7578 over RFC 2046) for uploads.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace volkrin::http {

// What the header section of one part says.
struct MultipartPartHeader {
  std::string name;  // form field name (Content-Disposition name=)
  // filename*=UTF-8''<percent-encoded> decoded, else filename=. When filename* is present but
  // not UTF-8 (or not decodable) its raw value is kept as written, still winning over filename=.
  std::optional<std::string> filename;
  std::string content_type;  // the part's Content-Type as sent, "" if none (means text/plain)
};

// A malformed or over-limit body. The message is safe to show to the client, e.g.
// "Malformed multipart body: missing final boundary".
class MultipartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MultipartLimits {
  // One part's header section, its CRLFs and the empty line that ends it included.
  std::size_t max_part_header_bytes = std::size_t{16} * 1024;
  std::size_t max_parts = 16;
};

// Pull parser: feed() bytes as they arrive, then call next() until it returns need_more.
//
//   MultipartParser p(boundary);
//   for (;;) {
//     auto ev = p.next();
//     if (ev.kind == Kind::need_more) { read more; if (eof) p.finish(); else p.feed(bytes); }
//     else if (ev.kind == Kind::done) break;
//     else handle part_begin / part_data / part_end;
//   }
//
// Events come as part_begin, part_data*, part_end for each part, then done. A part's data is
// never accumulated: it is emitted as soon as it is certainly data, holding back only a tail
// that could still be the start of a delimiter (at most boundary length + 3 bytes).
//
// Memory bound: fed bytes are copied into one internal buffer. When next() returns
// need_more, at most max(boundary length + 3, max_part_header_bytes) unconsumed bytes remain
// (a held-back tail, or an unfinished header section; consumed bytes are dropped on the next
// feed), so the buffer never holds more than
//   size of one feed + max(boundary length + 3, max_part_header_bytes)
// bytes, so within one feed + boundary length + max_part_header_bytes for any header limit of
// 3 bytes or more. Apart from that the parser keeps one MultipartPartHeader, itself bounded by
// the header limit.
class MultipartParser {
 public:
  using Limits = MultipartLimits;

  // `boundary` must be 1..70 RFC 2046 bchars, not ending in a space; std::invalid_argument
  // otherwise (use boundary_from_content_type to get one from a request).
  explicit MultipartParser(std::string boundary, Limits limits = {});

  // The boundary of a "multipart/form-data; boundary=..." Content-Type value (type and
  // parameter names case-insensitive, value quoted or not, 1..70 bchars not ending in a
  // space); nullopt for any other type, a missing, empty, duplicate or invalid boundary.
  static std::optional<std::string> boundary_from_content_type(std::string_view content_type);

  // More body bytes; allowed before the first next() and whenever next() last returned
  // need_more or done (bytes after done are the epilogue and are dropped). The bytes are
  // copied. Calling it at another time, or after finish(), throws std::logic_error.
  void feed(std::string_view bytes);

  // The body ended. From now on next() returns done if the final boundary was seen and
  // throws MultipartError otherwise, instead of asking for more.
  void finish();

  enum class Kind { need_more, part_begin, part_data, part_end, done };
  struct Event {
    Kind kind;
    // Set for part_begin, part_data and part_end. Points into the parser and describes the
    // current part until the next part's headers are read (the next part_begin).
    const MultipartPartHeader* header = nullptr;
    // part_data only, never empty; valid until the next feed(), or until the next() after
    // this part's part_end, whichever comes first.
    std::string_view data;
  };

  // The next event. Throws MultipartError on malformed input or exceeded limits; after that
  // every call throws the same error.
  Event next();

  // Bytes the internal buffer holds now (for checking the memory bound above).
  std::size_t buffered_bytes() const noexcept { return buffer_.size(); }

 private:
  enum class State { preamble, boundary_line, headers, body, epilogue };

  Event step();
  // One state's work on the unread bytes `avail`: the event to report, or nullopt when the
  // parser goes on (in the state it may have moved to) without one.
  std::optional<Event> skip_preamble(std::string_view avail);
  std::optional<Event> read_boundary_line(std::string_view avail);
  std::optional<Event> read_part_header_line(std::string_view avail);
  std::optional<Event> read_part_body(std::string_view avail);
  Event need_more();
  [[noreturn]] void fail(std::string_view what);
  void parse_header_line(std::string_view line);
  void parse_content_disposition(std::string_view value);
  std::size_t possible_delimiter_start(std::string_view bytes) const;

  std::string delimiter_;  // CRLF "--" boundary
  Limits limits_;
  std::string buffer_;
  std::size_t pos_ = 0;  // bytes of buffer_ already consumed
  State state_ = State::preamble;
  bool padding_seen_ = false;       // boundary_line: transport padding after the boundary
  std::size_t header_bytes_ = 0;    // headers: bytes of the current section consumed so far
  std::size_t header_scanned_ = 0;  // headers: unconsumed bytes known to hold no line end
  bool seen_disposition_ = false;
  bool seen_content_type_ = false;
  std::size_t parts_ = 0;
  MultipartPartHeader header_;
  bool may_feed_ = true;
  bool finished_ = false;
  std::optional<std::string> error_;
};

}  // namespace volkrin::http
