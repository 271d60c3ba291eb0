// Liveness, readiness and the Prometheus endpoint.
#pragma once

#include "http/router.hpp"
#include "ports/metadata_store.hpp"

namespace volkrin::api {

void add_health_routes(http::Router& router, MetadataStore& store);

}  // namespace volkrin::api
