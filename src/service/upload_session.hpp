// An upload as the HTTP route drives it: TrackUpload's blocking steps, each run on the
// worker pool, and the end of a stored upload (counted, the cached lists dropped).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "service/track_upload.hpp"

namespace volkrin {

class TrackService;

// One at a time: each call is awaited before the next (a write may be in flight while the
// next body bytes are read, but nothing else touches the upload meanwhile). Destroying a
// session that did not finish discards what it wrote (TrackUpload's destructor).
class UploadSession {
 public:
  UploadSession(TrackService& tracks, std::unique_ptr<TrackUpload> upload);

  // Text fields are checked in place: no I/O.
  void set_field(std::string_view name, std::string value) {
    upload_->set_field(name, std::move(value));
  }
  boost::asio::awaitable<void> begin_file(UploadFile which, std::string client_filename);
  // `bytes` must stay valid until the call completes.
  boost::asio::awaitable<void> write(UploadFile which, std::string_view bytes);
  boost::asio::awaitable<void> end_file(UploadFile which);
  // TrackUpload::finish(), then counts the upload and drops the cached list and library.
  boost::asio::awaitable<TrackRecord> finish();
  boost::asio::awaitable<void> discard();

 private:
  TrackService& tracks_;
  std::unique_ptr<TrackUpload> upload_;
};

}  // namespace volkrin
