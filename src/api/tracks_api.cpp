// /api/tracks: the list, stream/audio/thumbnail links, delete and the mock upload.
#include "api/tracks_api.hpp"

#include <boost/json/object.hpp>
#include <charconv>

#include "api/json_body.hpp"
#include "api/media_api.hpp"
#include "http/conditional.hpp"
#include "http/file_response.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"
#include "support/object_id.hpp"
#include "support/percent_decode.hpp"
#include "support/strong_etag.hpp"
#include "support/text_validation.hpp"
#include "support/time_format.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

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

// A parameter of the list, percent-decoded; nullopt when absent. Request::query_param reads
// a value that is not valid percent-encoding as absent, which would answer a search with the
// whole list: here it is refused.
std::optional<std::string> list_param(const Request& req, std::string_view name) {
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

// "<scheme>://<Host>" when the Host header is a plain host[:port]; "" otherwise.
std::string request_origin(const Request& req) {
  const std::string_view host = req.header("Host");
  if (host.empty() || host.size() > 255) return {};
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return {};
  }
  return req.scheme + "://" + std::string(host);
}

Response not_modified_or(Response r, const Request& req, std::string_view etag) {
  r.set_header("ETag", std::string(etag));
  r.set_header("Cache-Control", "no-cache");
  if (http::if_none_match_hits(req.header("If-None-Match"), etag)) {
    r.status = 304;
    r.body.clear();
    r.shared_body.reset();
  }
  return r;
}

awaitable<Response> list_tracks(Request& req, TrackService& tracks) {
  const auto limit_text = list_param(req, "limit");
  const auto offset_text = list_param(req, "offset");
  const auto text = list_param(req, "q");
  if (!limit_text && !offset_text && !text) {
    const TrackListBody list = co_await tracks.list_all();
    Response r;
    r.shared_body = list.entry;
    r.shared_offset = list.json_offset;
    co_return not_modified_or(std::move(r), req, list.etag());
  }
  TrackQuery query;
  if (limit_text) {
    query.limit = parse_count(limit_text, 1, 1000);
    if (!query.limit) throw ApiError(400, "limit must be an integer from 1 to 1000");
  }
  if (offset_text) {
    const auto offset = parse_count(offset_text, 0, 1'000'000'000'000);
    if (!offset) throw ApiError(400, "offset must be a non-negative integer");
    query.offset = *offset;
  }
  if (text) {
    // Refused rather than searched: FTS5 would end the query at a NUL, PostgreSQL refuses
    // text that is not UTF-8, and no title holds a control character.
    require_single_line(*text, "q");
    if (*utf8_length(*text) > 200) throw ApiError(400, "q must be at most 200 characters");
    query.text = *text;
  }
  Response r;
  r.body = co_await tracks.list_page(std::move(query));
  const std::string etag = strong_etag(r.body);
  co_return not_modified_or(std::move(r), req, etag);
}

}  // namespace

void add_track_routes(http::Router& router, TrackService& tracks, bool production) {
  router.add("GET", "/api/tracks", Access::open,
             [&tracks](Request& req) { return list_tracks(req, tracks); });

  router.add("POST", "/api/tracks/upload", Access::admin,
             [&tracks](Request& req) { return upload_track(req, tracks); });

  router.add("POST", "/api/tracks/mock-upload", Access::open,
             [&tracks, production](Request& req) -> awaitable<Response> {
               if (production) throw ApiError(400, "Mock upload disabled in production");
               const auto body = co_await read_json_object(req);
               const auto title = optional_string(body, "title");
               const auto artist = optional_string(body, "artist");
               if (!title || title->empty() || !artist || artist->empty()) {
                 throw ApiError(400, "Title and artist are required");
               }
               // Nothing is stored: the answer only shows what an upload would return.
               TrackRecord track;
               track.id = new_object_id();
               track.title = require_single_line(*title, "title");
               track.artist = require_single_line(*artist, "artist");
               track.uploaded_by = "mock-user";
               track.file_key = "audio/mock-" + track.id + ".mp3";
               track.thumbnail_key = "thumbnails/mock-" + track.id + ".jpg";
               track.created_at_ms = track.updated_at_ms = now_ms();
               co_return http::json_response(
                   201,
                   boost::json::object{
                       {"message", "Track uploaded successfully (mock)"},
                       {"track", uploaded_track_json(track, tracks.settings().public_base_url)}});
             });

  router.add("GET", "/api/tracks/:id/stream", Access::open,
             [&tracks](Request& req) -> awaitable<Response> {
               const TrackRecord track = co_await tracks.find(req.param("id"));
               Response r = http::json_response(
                   200, boost::json::object{
                            {"url", tracks.signed_url(track.file_key, request_origin(req))}});
               r.set_header("Cache-Control", "no-store");
               co_return r;
             });

  router.add("GET", "/api/tracks/:id/audio", Access::open,
             [&tracks](Request& req) -> awaitable<Response> {
               const TrackRecord track = co_await tracks.find(req.param("id"));
               Response r;
               r.status = 302;
               r.content_type.clear();
               r.set_header("Location", tracks.signed_url(track.file_key, request_origin(req)));
               r.set_header("Cache-Control", "no-store");
               co_return r;
             });

  router.add("GET", "/api/tracks/:id/thumbnail", Access::open,
             [&tracks](Request& req) -> awaitable<Response> {
               Thumbnail thumbnail =
                   co_await tracks.thumbnail(std::string(req.param("id")), request_origin(req));
               if (thumbnail.file) {
                 const std::string type = thumbnail.file->content_type;
                 // Thumbnail keys are never reused, so the bytes behind this URL never change
                 // while the track exists.
                 co_return http::file_response(req, open_file_of(*thumbnail.file), type,
                                               "public, max-age=86400");
               }
               Response r;  // kept elsewhere (object storage): send the client there
               r.status = 302;
               r.content_type.clear();
               r.set_header("Location", thumbnail.redirect);
               co_return r;
             });

  router.add("DELETE", "/api/tracks/:id", Access::admin,
             [&tracks](Request& req) -> awaitable<Response> {
               co_await tracks.remove(req.param("id"));
               co_return http::message_response(200, "Track deleted successfully");
             });
}

}  // namespace volkrin::api
