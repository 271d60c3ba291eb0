// Range-aware file answers; see file_response.hpp.
#include "http/file_response.hpp"

#include "http/byte_range.hpp"
#include "http/conditional.hpp"
#include "support/time_format.hpp"

namespace volkrin::http {

Response file_response(const Request& request, std::shared_ptr<OpenFile> file,
                       std::string_view content_type, std::string_view cache_control) {
  const std::uint64_t size = file->size();
  const std::string etag = file->etag();
  const std::int64_t modified_seconds = file->modified_ms() / 1000;
  Response r;
  r.content_type = std::string(content_type);
  r.set_header("Accept-Ranges", "bytes");
  r.set_header("ETag", etag);
  r.set_header("Last-Modified", http_date(modified_seconds));
  if (!cache_control.empty()) r.set_header("Cache-Control", std::string(cache_control));

  if (if_none_match_hits(request.header("If-None-Match"), etag)) {
    r.status = 304;
    return r;
  }

  RangeDecision range{RangeKind::full, {}};
  const std::string_view range_header = request.header("Range");
  if (!range_header.empty() &&
      if_range_allows(request.header("If-Range"), etag, modified_seconds)) {
    range = decide_range(range_header, size);
  }
  switch (range.kind) {
    case RangeKind::unsatisfiable: {
      Response refused = message_response(416, "Requested range not satisfiable");
      refused.set_header("Content-Range", unsatisfied_content_range(size));
      refused.set_header("Accept-Ranges", "bytes");
      refused.set_header("ETag", etag);
      refused.set_header("Last-Modified", http_date(modified_seconds));
      return refused;
    }
    case RangeKind::partial:
      r.status = 206;
      r.set_header("Content-Range", content_range(range.range, size));
      r.file = FileSlice{std::move(file), range.range.first, range.range.length()};
      return r;
    case RangeKind::full:
      break;
  }
  r.status = 200;
  r.file = FileSlice{std::move(file), 0, size};
  return r;
}

}  // namespace volkrin::http
