// Evaluation of If-None-Match and If-Range: entity-tag parsing, weak and strong comparison,
// and the HTTP-date form of If-Range.
#include "http/conditional.hpp"

#include <optional>

#include "support/time_format.hpp"

#include "http/http_text.hpp"

namespace volkrin::http {

namespace {

// etagc = %x21 / %x23-7E / obs-text
bool is_etagc(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

struct EntityTag {
  bool weak = false;
  std::string_view opaque;  // including the quotes
};

// Reads one entity-tag at the start of `in` and removes it; nullopt (and `in` untouched)
// when there is none.
std::optional<EntityTag> read_entity_tag(std::string_view& in) {
  std::string_view s = in;
  EntityTag tag;
  if (s.starts_with("W/")) {
    tag.weak = true;
    s.remove_prefix(2);
  }
  if (s.empty() || s.front() != '"') return std::nullopt;
  std::size_t end = 1;
  while (end < s.size() && is_etagc(s[end])) ++end;
  if (end == s.size() || s[end] != '"') return std::nullopt;
  tag.opaque = s.substr(0, end + 1);
  in = s.substr(end + 1);
  return tag;
}

// The whole of `text` as exactly one entity-tag.
std::optional<EntityTag> parse_entity_tag(std::string_view text) {
  auto tag = read_entity_tag(text);
  if (!tag || !text.empty()) return std::nullopt;
  return tag;
}

}  // namespace

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  std::string_view rest = trim_ows(header);
  if (rest == "*") return true;
  const auto current = parse_entity_tag(etag);

  // 1#entity-tag; empty list elements are allowed, anything malformed voids the field.
  bool hit = false;
  while (true) {
    while (!rest.empty() && (is_ows(rest.front()) || rest.front() == ',')) rest.remove_prefix(1);
    if (rest.empty()) break;
    const auto tag = read_entity_tag(rest);
    if (!tag) return false;
    if (current && tag->opaque == current->opaque) hit = true;
    while (!rest.empty() && is_ows(rest.front())) rest.remove_prefix(1);
    if (!rest.empty() && rest.front() != ',') return false;
  }
  return hit;
}

bool if_range_allows(std::string_view header, std::string_view etag,
                     std::int64_t last_modified_seconds) {
  const std::string_view value = trim_ows(header);
  if (value.empty()) return true;
  if (value.front() == '"' || value.starts_with("W/")) {
    const auto tag = parse_entity_tag(value);
    const auto current = parse_entity_tag(etag);
    return tag && current && !tag->weak && !current->weak && tag->opaque == current->opaque;
  }
  const auto date = parse_http_date(value);
  return date && *date == last_modified_seconds;
}

}  // namespace volkrin::http
