// List parameters; see list_params.hpp.
#include "api/list_params.hpp"

#include <charconv>

#include "support/api_error.hpp"
#include "support/percent_decode.hpp"
#include "support/text_validation.hpp"

namespace volkrin::api {
namespace {

std::optional<std::int64_t> parse_count(const std::optional<std::string>& text, std::int64_t min,
                                        std::int64_t max) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<std::string> list_param(const http::Request& req, std::string_view name) {
  auto value = req.query_param(name);
  if (value) return value;
  for (std::string_view rest = req.query; !rest.empty();) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (percent_decode(pair.substr(0, pair.find('=')), true) == name) {
      throw ApiError(400, std::string(name) + " is not valid percent-encoding");
    }
  }
  return std::nullopt;
}

ListParams list_params(const http::Request& req) {
  const auto limit_text = list_param(req, "limit");
  const auto offset_text = list_param(req, "offset");
  const auto text = list_param(req, "q");
  ListParams params;
  params.given = limit_text || offset_text || text;
  if (limit_text) {
    params.limit = parse_count(limit_text, 1, 1000);
    if (!params.limit) throw ApiError(400, "limit must be an integer from 1 to 1000");
  }
  if (offset_text) {
    const auto offset = parse_count(offset_text, 0, 1'000'000'000'000);
    if (!offset) throw ApiError(400, "offset must be a non-negative integer");
    params.offset = *offset;
  }
  if (text) {
    // Refused rather than searched: FTS5 would end the query at a NUL, PostgreSQL refuses
    // text that is not UTF-8, and no title holds a control character.
    require_single_line(*text, "q");
    if (*utf8_length(*text) > 200) throw ApiError(400, "q must be at most 200 characters");
    params.text = *text;
  }
  return params;
}

}  // namespace volkrin::api
