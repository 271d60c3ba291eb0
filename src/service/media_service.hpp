// Stored media as the routes send it: signed local links checked, objects opened with the
// type their bytes show.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "ports/media_store.hpp"
#include "support/unique_fd.hpp"

namespace volkrin {

// An object opened for sending, with its validators and the content type its bytes show.
struct MediaFile {
  UniqueFd fd;
  std::uint64_t size = 0;
  std::int64_t modified_ms = 0;
  std::string etag;  // quoted, as sent
  std::string content_type;
};

// Blocking (open + a read of the first bytes): nullopt when the object is absent, is not
// local, or `key` is not a key this server makes.
std::optional<MediaFile> open_media(MediaStore& media, const std::string& key);

// Cheap to copy.
class MediaService {
 public:
  MediaService(MediaStore& media, std::string signing_secret);

  // The object behind a signed local media URL, opened off the I/O thread. Throws
  // ApiError 403 for a bad or expired signature, 404 when there is no such object.
  boost::asio::awaitable<MediaFile> open_signed(std::string key, std::string expires,
                                                std::string signature) const;

 private:
  MediaStore& media_;
  std::string signing_secret_;
};

}  // namespace volkrin
