// Following changes of the library made by other processes (an import), so that a server on
// an in-process cache serves them at once too.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "ports/metadata_store.hpp"
#include "service/track_service.hpp"

namespace volkrin {

// Every `interval`, reads the store's library_version (on the worker pool) and, when it
// moved, drops the cached track list and library. Changes this server made itself move it
// too, which costs one extra invalidation. A store that does not answer is tried again at
// the next tick. Ends when `ioc` stops.
boost::asio::awaitable<void> follow_library_changes(boost::asio::io_context& ioc,
                                                    MetadataStore& store, TrackService& tracks,
                                                    std::chrono::milliseconds interval);

}  // namespace volkrin
