// GET/HEAD /media/<key>: the bytes behind a signed local media URL.
#pragma once

#include <memory>

#include "http/open_file.hpp"
#include "http/router.hpp"
#include "service/media_service.hpp"

namespace volkrin::api {

// The opened object as the file responses take it.
std::shared_ptr<http::OpenFile> open_file_of(MediaFile& file);

void add_media_routes(http::Router& router, MediaService media);

}  // namespace volkrin::api
