// POST /api/tracks/upload: drives the multipart parser over the request body and feeds
// each part to the service's UploadSession as it arrives.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <exception>
#include <optional>
#include <span>
#include <vector>

#include "api/tracks_api.hpp"
#include "http/multipart_parser.hpp"
#include "service/track_json.hpp"
#include "support/api_error.hpp"

namespace volkrin::api {
namespace {

using boost::asio::awaitable;
using http::MultipartParser;

// The body is read until this much has arrived before it goes to the parser, so that a file
// is written in large pieces: each write is a trip to the worker pool and back.
constexpr std::size_t kReadChunk = 1024 * 1024;
constexpr std::size_t kMaxTextField = 4 * 1024;
// Room for the multipart framing and the text fields around the two files.
constexpr std::uint64_t kFramingAllowance = 1 << 20;

// Reads body bytes into `out` until it is full, the body ends (then `ended` is set), or no
// more bytes have arrived yet: what a fast client sends is gathered into large writes, and
// what a slow one sends is written as it comes rather than held in memory.
awaitable<std::size_t> fill(http::Request& request, std::span<char> out, bool& ended) {
  std::size_t filled = 0;
  while (!ended && filled < out.size()) {
    const std::size_t n = co_await request.read_body_some(out.subspan(filled));
    filled += n;
    ended = n == 0;
    if (!request.body_bytes_waiting()) break;
  }
  co_return filled;
}

// File bytes handed to the worker pool; `data` points into the parser, which keeps it until
// the next feed() (or until after the part's end, and a write is awaited before that).
struct FileWrite {
  UploadFile file;
  std::string_view data;
};

awaitable<void> write(UploadSession& upload, FileWrite w) {
  co_await upload.write(w.file, w.data);
}

// Reads the next body bytes while `pending` is written: the disk and the network work at
// the same time. Rethrows the write's failure first, then the read's.
awaitable<std::size_t> fill_while_writing(http::Request& request, std::span<char> out, bool& ended,
                                          UploadSession& upload, FileWrite pending) {
  namespace asio = boost::asio;
  auto executor = co_await asio::this_coro::executor;
  auto reading = asio::co_spawn(executor, fill(request, out, ended), asio::deferred);
  auto writing = asio::co_spawn(executor, write(upload, pending), asio::deferred);
  auto [order, read_error, filled, write_error] =
      co_await asio::experimental::make_parallel_group(std::move(reading), std::move(writing))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  if (write_error) std::rethrow_exception(write_error);
  if (read_error) std::rethrow_exception(read_error);
  co_return filled;
}

// Reads the body part by part; throws ApiError for the client, ClientGone if it leaves. At
// most one file write is in flight, overlapping the read of the next bytes; it is awaited
// before anything else touches the upload.
awaitable<void> stream_parts(http::Request& request, MultipartParser& parser,
                             UploadSession& upload) {
  std::vector<char> buffer(kReadChunk);
  enum class Target { none, text, audio, thumbnail } target = Target::none;
  std::string field_name, field_value;
  bool body_ended = false;
  std::optional<FileWrite> pending;
  auto file_of = [&] {
    return target == Target::audio ? UploadFile::audio : UploadFile::thumbnail;
  };
  while (true) {
    const auto event = parser.next();
    if (event.kind != MultipartParser::Kind::need_more && pending) {
      co_await write(upload, *pending);
      pending.reset();
    }
    switch (event.kind) {
      case MultipartParser::Kind::need_more: {
        std::size_t filled = 0;
        if (pending) {
          filled = co_await fill_while_writing(request, buffer, body_ended, upload, *pending);
          pending.reset();
        } else {
          filled = co_await fill(request, buffer, body_ended);
        }
        if (filled > 0) {
          parser.feed(std::string_view(buffer.data(), filled));
        } else {
          parser.finish();
        }
        break;
      }
      case MultipartParser::Kind::part_begin: {
        const auto& header = *event.header;
        if (header.name == "file" || header.name == "thumbnail") {
          target = header.name == "file" ? Target::audio : Target::thumbnail;
          const std::string filename = header.filename.value_or(header.name);
          co_await upload.begin_file(file_of(), filename);
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
          pending = FileWrite{file_of(), event.data};
        }
        break;
      case MultipartParser::Kind::part_end:
        if (target == Target::text) {
          upload.set_field(field_name, std::move(field_value));
        } else {
          co_await upload.end_file(file_of());
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
  const auto boundary = MultipartParser::boundary_from_content_type(request.header("Content-Type"));
  if (!boundary) throw ApiError(415, "Content-Type must be multipart/form-data");
  const UploadLimits& limits = tracks.settings().limits;
  if (auto declared = request.content_length();
      declared &&
      *declared > limits.max_audio_bytes + limits.max_thumbnail_bytes + kFramingAllowance) {
    throw ApiError(413, "The upload is larger than the size limits allow");
  }

  const auto& caller = *request.caller;
  UploadSession upload = tracks.start_upload(Uploader{caller.id, caller.email, caller.role});
  MultipartParser parser(*boundary);
  std::exception_ptr failure;
  TrackRecord track;
  try {
    co_await stream_parts(request, parser, upload);
    track = co_await upload.finish();
  } catch (const http::MultipartError& e) {
    failure = std::make_exception_ptr(ApiError(400, e.what()));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    co_await upload.discard();
    std::rethrow_exception(failure);
  }
  boost::json::object body{
      {"message", "Track uploaded successfully"},
      {"track", uploaded_track_json(track, tracks.settings().public_base_url)}};
  co_return http::json_response(201, body);
}

}  // namespace volkrin::api
