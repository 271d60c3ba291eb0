// /api/tracks: the list, stream/audio/thumbnail links, delete and the mock upload.
#include "api/tracks_api.hpp"

#include <boost/json/object.hpp>

#include "api/json_body.hpp"
#include "api/list_params.hpp"
#include "api/media_api.hpp"
#include "api/not_modified.hpp"
#include "http/file_response.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"
#include "support/object_id.hpp"
#include "support/strong_etag.hpp"
#include "support/text_validation.hpp"
#include "support/time_format.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

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

awaitable<Response> list_tracks(Request& req, TrackService& tracks) {
  const ListParams params = list_params(req);
  if (!params.given) {
    const TrackListBody list = co_await tracks.list_all();
    Response r;
    r.shared_body = list.entry;
    r.shared_offset = list.json_offset;
    co_return not_modified_or(std::move(r), req, list.etag());
  }
  TrackQuery query;
  query.limit = params.limit;
  query.offset = params.offset;
  query.text = params.text;
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
