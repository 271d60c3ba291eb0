// MediaService: signature check, open and content sniffing of stored media.
#include "service/media_service.hpp"

#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <utility>

#include "format/content_sniff.hpp"
#include "support/api_error.hpp"
#include "support/signed_url.hpp"
#include "support/time_format.hpp"
#include "support/worker_pool.hpp"

namespace volkrin {

std::optional<MediaFile> open_media(MediaStore& media, const std::string& key) {
  std::unique_ptr<OpenedObject> object;
  try {
    object = media.open(key);
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // not a key this server makes
  }
  if (!object) return std::nullopt;
  // The type comes from the bytes, as at upload, not from the name.
  std::string head(kSniffBytes, '\0');
  const ssize_t n = ::pread(object->fd(), head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  std::string type = "application/octet-stream";
  if (auto audio = sniff_audio(head)) {
    type = std::string(audio_mime(*audio));
  } else if (auto image = sniff_image(head)) {
    type = std::string(image_mime(*image));
  }
  const StoredObject& info = object->info();
  return MediaFile{object->release_fd(), info.size, info.modified_ms, info.etag, std::move(type)};
}

MediaService::MediaService(MediaStore& media, std::string signing_secret)
    : media_(media), signing_secret_(std::move(signing_secret)) {}

boost::asio::awaitable<MediaFile> MediaService::open_signed(std::string key, std::string expires,
                                                            std::string signature) const {
  const auto check = check_media_signature(signing_secret_, key, expires, signature, now_seconds());
  if (check != MediaUrlCheck::ok) {
    throw ApiError(403, check == MediaUrlCheck::expired ? "This media link has expired"
                                                        : "Invalid media link");
  }
  auto work = [this, &key] { return open_media(media_, key); };
  auto opened = co_await offload(work);
  if (!opened) throw ApiError(404, "Media not found");
  co_return std::move(*opened);
}

}  // namespace volkrin
