// GET/HEAD /media/<key>: the bytes behind a signed local media URL.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/open_file.hpp"
#include "http/router.hpp"
#include "ports/media_store.hpp"

namespace volkrin::api {

// The object opened for sending, with the content type its bytes show.
struct OpenedMedia {
  std::shared_ptr<http::OpenFile> object;
  std::string content_type;
};
// Blocking (open + a read of the first bytes): call through offload().
std::optional<OpenedMedia> open_media(MediaStore& media, const std::string& key);

void add_media_routes(http::Router& router, MediaStore& media, std::string signing_secret);

}  // namespace volkrin::api
