// /api/albums and /api/artists: pages, search and one album or artist with its tracks.
#include "api/library_api.hpp"

#include "api/list_params.hpp"
#include "api/not_modified.hpp"
#include "support/api_error.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::Access;
using http::Request;
using http::Response;

AlbumSort album_sort(const Request& req) {
  const auto sort = list_param(req, "sort");
  if (!sort || *sort == "name") return AlbumSort::name;
  if (*sort == "artist") return AlbumSort::artist;
  if (*sort == "year") return AlbumSort::year;
  if (*sort == "newest") return AlbumSort::newest;
  throw ApiError(400, "sort must be one of name, artist, year, newest");
}

Response cached_response(const Request& req, const CachedJson& json) {
  Response r;
  r.shared_body = json.entry;
  r.shared_offset = json.json_offset;
  return not_modified_or(std::move(r), req, json.etag());
}

}  // namespace

void add_library_routes(http::Router& router, LibraryService& library) {
  router.add("GET", "/api/albums", Access::open, [&library](Request& req) -> awaitable<Response> {
    const ListParams params = list_params(req);
    AlbumQuery query;
    query.limit = params.limit;
    query.offset = params.offset;
    query.text = params.text;
    query.sort = album_sort(req);
    const CachedJson json = co_await library.albums(std::move(query));
    co_return cached_response(req, json);
  });

  router.add("GET", "/api/albums/:id", Access::open,
             [&library](Request& req) -> awaitable<Response> {
               const CachedJson json = co_await library.album(std::string(req.param("id")));
               co_return cached_response(req, json);
             });

  router.add("GET", "/api/artists", Access::open, [&library](Request& req) -> awaitable<Response> {
    const ListParams params = list_params(req);
    ArtistQuery query;
    query.limit = params.limit;
    query.offset = params.offset;
    query.text = params.text;
    const CachedJson json = co_await library.artists(std::move(query));
    co_return cached_response(req, json);
  });

  router.add("GET", "/api/artists/:id", Access::open,
             [&library](Request& req) -> awaitable<Response> {
               const CachedJson json = co_await library.artist(std::string(req.param("id")));
               co_return cached_response(req, json);
             });
}

}  // namespace volkrin::api
