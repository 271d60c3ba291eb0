// Upload sessions; see upload_session.hpp.
#include "service/upload_session.hpp"

#include "service/track_service.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {

using boost::asio::awaitable;

UploadSession::UploadSession(TrackService& tracks, std::unique_ptr<TrackUpload> upload)
    : tracks_(tracks), upload_(std::move(upload)) {}

// Each step names its work first: GCC 12 mishandles lambda temporaries in co_await.
awaitable<void> UploadSession::begin_file(UploadFile which, std::string client_filename) {
  auto work = [this, which, &client_filename] { upload_->begin_file(which, client_filename); };
  co_await offload(work);
}

awaitable<void> UploadSession::write(UploadFile which, std::string_view bytes) {
  auto work = [this, which, bytes] { upload_->write(which, bytes); };
  co_await offload(work);
}

awaitable<void> UploadSession::end_file(UploadFile which) {
  auto work = [this, which] { upload_->end_file(which); };
  co_await offload(work);
}

awaitable<TrackRecord> UploadSession::finish() {
  auto work = [this] { return upload_->finish(); };
  TrackRecord track = co_await offload(work);
  co_await tracks_.uploaded();
  co_return track;
}

awaitable<void> UploadSession::discard() {
  auto work = [this] { upload_->discard(); };
  co_await offload(work);
}

}  // namespace volkrin
