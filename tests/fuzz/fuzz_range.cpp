// libFuzzer target: Range, If-None-Match and If-Range evaluation must never crash and must
// only ever select bytes inside the representation.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "http/byte_range.hpp"
#include "http/conditional.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

void check_range(std::string_view header, std::uint64_t size) {
  using volkrin::http::RangeKind;
  const volkrin::http::RangeDecision d = volkrin::http::decide_range(header, size);
  if (d.kind == RangeKind::partial) {
    check(d.range.first <= d.range.last);
    check(d.range.last < size);
    check(d.range.length() <= size);
    check(volkrin::http::content_range(d.range, size).starts_with("bytes "));
  } else {
    check(d.range.first == 0 && d.range.last == 0);
  }
  if (header.empty()) check(d.kind == RangeKind::full);
  if (d.kind == RangeKind::unsatisfiable) {
    check(volkrin::http::unsatisfied_content_range(size) == "bytes */" + std::to_string(size));
  }
}

void check_conditionals(std::string_view header, std::int64_t last_modified) {
  using volkrin::http::if_none_match_hits;
  using volkrin::http::if_range_allows;
  // Weak comparison ignores the W/ of the current tag.
  check(if_none_match_hits(header, "\"v1\"") == if_none_match_hits(header, "W/\"v1\""));
  // Strong comparison: a weak current tag can only pass If-Range through a date, and a date
  // does not depend on the tag.
  if (if_range_allows(header, "W/\"v1\"", last_modified)) {
    check(if_range_allows(header, "\"v1\"", last_modified));
    check(if_range_allows(header, "", last_modified));
  }
  // The input as the current tag: arbitrary bytes there must be handled too.
  if_none_match_hits("\"v1\", W/\"v2\"", header);
  if_range_allows("\"v1\"", header, last_modified);
  if_none_match_hits(header, header);
  if_range_allows(header, header, last_modified);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // First 8 bytes: the representation size (and Last-Modified); the rest: the header.
  std::uint64_t body_size = 0;
  const std::size_t prefix = size < sizeof body_size ? size : sizeof body_size;
  std::memcpy(&body_size, data, prefix);
  const std::string_view header(reinterpret_cast<const char*>(data) + prefix, size - prefix);

  check_range(header, body_size);
  check_range(header, body_size % 4096);  // small sizes reach the clamping and suffix paths
  check_conditionals(header, static_cast<std::int64_t>(body_size % 253402300800));
  return 0;
}
