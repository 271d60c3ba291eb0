// Range requests (RFC 9110 section 14): which single byte range of a representation to send.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volkrin::http {

// Inclusive byte positions, first <= last.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
};

// full: 200 with the whole body; partial: 206 with `range`; unsatisfiable: 416.
enum class RangeKind { full, partial, unsatisfiable };

// `range` is set only for partial (first <= last < size); otherwise it is zero.
struct RangeDecision {
  RangeKind kind = RangeKind::full;
  ByteRange range;
};

// Decides how to answer a Range header for a representation of `size` bytes.
// - "bytes=0-99", "bytes=100-" (to the end), "bytes=-500" (the last 500 bytes); the unit is
//   case-insensitive and spaces or tabs around the unit, '=', '-', ',' and numbers are allowed.
// - last is clamped to size - 1; a suffix longer than the body selects the whole body (206).
// - first >= size, a suffix of 0, or any valid range on an empty body: unsatisfiable.
// - An empty header, a syntax error (including last < first and numbers that overflow), a
//   unit other than bytes, or more than one range: full. Only one part is ever served, so
//   multipart/byteranges is never needed; empty list elements ("bytes=0-9,") are skipped.
RangeDecision decide_range(std::string_view range_header, std::uint64_t size);

// Content-Range of a 206: "bytes 0-99/1000".
std::string content_range(const ByteRange& r, std::uint64_t size);
// Content-Range of a 416: "bytes */1000".
std::string unsatisfied_content_range(std::uint64_t size);

}  // namespace volkrin::http
