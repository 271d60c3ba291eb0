// Conditional answers; see not_modified.hpp.
#include "api/not_modified.hpp"

#include <string>

#include "http/conditional.hpp"

namespace volkrin::api {

http::Response not_modified_or(http::Response r, const http::Request& req, std::string_view etag) {
  r.set_header("ETag", std::string(etag));
  r.set_header("Cache-Control", "no-cache");
  if (http::if_none_match_hits(req.header("If-None-Match"), etag)) {
    r.status = 304;
    r.body.clear();
    r.shared_body.reset();
  }
  return r;
}

}  // namespace volkrin::api
