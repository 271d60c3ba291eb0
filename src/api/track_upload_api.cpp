// POST /api/tracks/upload: drives the multipart parser over the request body and feeds
// each part to the service's TrackUpload as it arrives.
#include <boost/json/object.hpp>
#include <exception>
#include <vector>

#include "api/tracks_api.hpp"
#include "http/multipart_parser.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"
#include "support/worker_pool.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::MultipartParser;

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::size_t kMaxTextField = 4 * 1024;
// Room for the multipart framing and the text fields around the two files.
constexpr std::uint64_t kFramingAllowance = 1 << 20;

// Reads the body part by part; throws ApiError for the client, ClientGone if it leaves.
awaitable<void> stream_parts(http::Request& request, MultipartParser& parser,
                             TrackUpload& upload) {
  std::vector<char> buffer(kReadChunk);
  enum class Target { none, text, audio, thumbnail } target = Target::none;
  std::string field_name, field_value;
  auto file_of = [&] { return target == Target::audio ? UploadFile::audio : UploadFile::thumbnail; };
  while (true) {
    const auto event = parser.next();
    switch (event.kind) {
      case MultipartParser::Kind::need_more: {
        const std::size_t n = co_await request.read_body_some(buffer);
        if (n == 0) {
          parser.finish();
        } else {
          parser.feed(std::string_view(buffer.data(), n));
        }
        break;
      }
      case MultipartParser::Kind::part_begin: {
        const auto& header = *event.header;
        if (header.name == "file" || header.name == "thumbnail") {
          target = header.name == "file" ? Target::audio : Target::thumbnail;
          const std::string filename = header.filename.value_or(header.name);
          co_await offload([&] { upload.begin_file(file_of(), filename); });
        } else if (header.filename) {
          throw ApiError(400, "Unexpected file field \"" + header.name.substr(0, 64) + "\"");
        } else {
          target = Target::text;
          field_name = header.name;
          field_value.clear();
        }
        break;
      }
      case MultipartParser::Kind::part_data:
        if (target == Target::text) {
          if (field_value.size() + event.data.size() > kMaxTextField) {
            throw ApiError(413, "Form field \"" + field_name.substr(0, 64) + "\" is too long");
          }
          field_value.append(event.data);
        } else {
          co_await offload([&] { upload.write(file_of(), event.data); });
        }
        break;
      case MultipartParser::Kind::part_end:
        if (target == Target::text) {
          upload.set_field(field_name, std::move(field_value));
        } else {
          co_await offload([&] { upload.end_file(file_of()); });
        }
        target = Target::none;
        break;
      case MultipartParser::Kind::done:
        co_return;
    }
  }
}

}  // namespace

awaitable<http::Response> upload_track(http::Request& request, TrackService& tracks) {
  const auto boundary =
      MultipartParser::boundary_from_content_type(request.header("Content-Type"));
  if (!boundary) throw ApiError(415, "Content-Type must be multipart/form-data");
  const UploadLimits& limits = tracks.settings().limits;
  if (auto declared = request.content_length();
      declared && *declared > limits.max_audio_bytes + limits.max_thumbnail_bytes + kFramingAllowance) {
    throw ApiError(413, "The upload is larger than the size limits allow");
  }

  const auto& caller = *request.caller;
  auto upload = tracks.start_upload(Uploader{caller.id, caller.email, caller.role});
  MultipartParser parser(*boundary);
  std::exception_ptr failure;
  TrackRecord track;
  try {
    co_await stream_parts(request, parser, *upload);
    track = co_await offload([&] { return upload->finish(); });
  } catch (const http::MultipartError& e) {
    failure = std::make_exception_ptr(ApiError(400, e.what()));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await offload([&] { upload->discard(); });
    std::rethrow_exception(failure);
  }
  co_await tracks.uploaded();
  boost::json::object body{{"message", "Track uploaded successfully"},
                           {"track", track_json(track, tracks.settings().public_base_url)}};
  co_return http::json_response(201, body);
}

}  // namespace volkrin::api
