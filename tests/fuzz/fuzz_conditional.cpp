// libFuzzer target for conditional requests: If-None-Match and If-Range against entity tags
// and dates taken from the input, and the HTTP-date parser behind If-Range. The input is a
// header value, then after the first '\n' the characters of an entity tag.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/conditional.hpp"
#include "support/time_format.hpp"

namespace {

using volkrin::http::if_none_match_hits;
using volkrin::http::if_range_allows;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// etagc (RFC 9110 section 8.8.3): '!' and '#' to '~', and obs-text.
bool is_etagc(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

// A valid strong entity tag from arbitrary bytes: the etagc among them, quoted.
std::string strong_tag(std::string_view bytes) {
  std::string tag = "\"";
  for (char c : bytes) {
    if (is_etagc(c)) tag += c;
  }
  return tag + "\"";
}

void check_if_none_match(std::string_view header, const std::string& tag) {
  const std::string weak = "W/" + tag;
  // Weak comparison: the W/ of either side does not matter.
  check(if_none_match_hits(header, tag) == if_none_match_hits(header, weak));
  check(if_none_match_hits(tag, tag) && if_none_match_hits(weak, tag));
  check(if_none_match_hits(tag, weak) && if_none_match_hits(weak, weak));
  check(if_none_match_hits("*", tag));
  // A tag in a list of tags hits, wherever it stands and with empty elements around it.
  check(if_none_match_hits("\"other\", " + tag, tag));
  check(if_none_match_hits(tag + ",\"other\"", tag));
  check(if_none_match_hits(" , " + weak + " ,\t\"x\"", tag));
  // A field that hits keeps hitting with one more valid tag after it; "*" is only "*" alone.
  const std::string_view trimmed = [&] {
    std::string_view s = header;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }();
  if (trimmed != "*" && if_none_match_hits(header, tag)) {
    check(if_none_match_hits(std::string(header) + ", \"zz\"", tag));
  }
  // The input as the current tag: arbitrary bytes there never hit a list of other tags.
  if (header.find('"') == std::string_view::npos) {
    check(!if_none_match_hits("\"a\", W/\"b\"", header));
  }
}

void check_if_range(std::string_view header, const std::string& tag, std::int64_t modified) {
  const std::string weak = "W/" + tag;
  // Strong comparison: equal strong tags only; a weak tag on either side never matches.
  check(if_range_allows(tag, tag, modified));
  check(!if_range_allows(weak, tag, modified) && !if_range_allows(tag, weak, modified));
  check(!if_range_allows(weak, weak, modified));
  check(if_range_allows("", tag, modified) && if_range_allows(" \t", weak, modified));
  // A weak current tag passes only through a date, and a date does not look at the tag.
  if (if_range_allows(header, weak, modified)) {
    check(if_range_allows(header, tag, modified));
    check(if_range_allows(header, "", modified));
  }
  // The date form matches the one instant it names, and no other.
  if (const auto date = volkrin::parse_http_date(header)) {
    check(if_range_allows(header, tag, *date));
    check(!if_range_allows(header, tag, *date + 1));
  }
}

void check_http_date(std::string_view text) {
  const auto date = volkrin::parse_http_date(text);
  if (!date) return;
  // Years 0000 to 9999 only, and the preferred form of that instant reads back the same.
  check(*date >= -62167219200 && *date <= 253402300799);
  const std::string preferred = volkrin::http_date(*date);
  check(volkrin::parse_http_date(preferred) == date);
  check(preferred.size() == 29 && preferred.ends_with(" GMT"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string tag = strong_tag(newline == std::string_view::npos ? std::string_view{}
                                                                       : input.substr(newline + 1));

  check_if_none_match(header, tag);
  check_http_date(header);
  const auto date = volkrin::parse_http_date(header);
  check_if_range(header, tag, date ? *date : 784111777);
  // The header as the current tag too: arbitrary bytes there must be handled.
  if_none_match_hits(tag, header);
  if_range_allows(tag, header, 0);
  return 0;
}
