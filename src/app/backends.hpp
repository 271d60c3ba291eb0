// Builds the adapters a configuration asks for (the only place that picks them).
#pragma once

#include <memory>

#include "ports/metadata_store.hpp"
#include "support/config.hpp"

namespace volkrin {

// Throws ConfigError naming the variable when the store cannot be opened.
std::unique_ptr<MetadataStore> open_metadata_store(const Config& config);

unsigned resolve_io_threads(const Config& config);
unsigned resolve_worker_threads(const Config& config);

}  // namespace volkrin
