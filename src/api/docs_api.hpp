// GET /api/openapi.yaml: the API description (docs/openapi.yaml), built into the binary.
#pragma once

#include "http/router.hpp"

namespace volkrin::api {

void add_docs_routes(http::Router& router);

}  // namespace volkrin::api
