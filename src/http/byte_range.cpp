// Parsing of the Range header for a single byte range, and the Content-Range values that go
// with the answer.
#include "http/byte_range.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "http/http_text.hpp"
#include "support/ascii.hpp"

namespace volkrin::http {

namespace {

// One or more ASCII digits and nothing else; nullopt on anything else or on overflow.
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// The only non-empty element of a comma-separated list; nullopt when there are none or
// several.
std::optional<std::string_view> single_element(std::string_view list) {
  std::optional<std::string_view> found;
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) {
      if (found) return std::nullopt;
      found = element;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return found;
}

constexpr RangeDecision kFull{RangeKind::full, {}};
constexpr RangeDecision kUnsatisfiable{RangeKind::unsatisfiable, {}};

}  // namespace

RangeDecision decide_range(std::string_view range_header, std::uint64_t size) {
  const std::string_view header = trim_ows(range_header);
  const std::size_t eq = header.find('=');
  if (eq == std::string_view::npos) return kFull;
  if (!iequals(trim_ows(header.substr(0, eq)), "bytes")) return kFull;

  const auto spec = single_element(header.substr(eq + 1));
  if (!spec) return kFull;
  const std::size_t dash = spec->find('-');
  if (dash == std::string_view::npos) return kFull;
  const std::string_view first_text = trim_ows(spec->substr(0, dash));
  const std::string_view last_text = trim_ows(spec->substr(dash + 1));

  if (first_text.empty()) {
    // suffix-range: the last N bytes.
    const auto suffix = parse_digits(last_text);
    if (!suffix) return kFull;
    if (*suffix == 0 || size == 0) return kUnsatisfiable;
    return {RangeKind::partial, {size - std::min(*suffix, size), size - 1}};
  }

  const auto first = parse_digits(first_text);
  if (!first) return kFull;
  std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  if (!last_text.empty()) {
    const auto parsed = parse_digits(last_text);
    if (!parsed || *parsed < *first) return kFull;
    last = *parsed;
  }
  if (*first >= size) return kUnsatisfiable;  // also covers every range on an empty body
  return {RangeKind::partial, {*first, std::min(last, size - 1)}};
}

std::string content_range(const ByteRange& r, std::uint64_t size) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" +
         std::to_string(size);
}

std::string unsatisfied_content_range(std::uint64_t size) {
  return "bytes */" + std::to_string(size);
}

}  // namespace volkrin::http
