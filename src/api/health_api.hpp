// Liveness, readiness and the Prometheus endpoint.
#pragma once

#include <string>
#include <vector>

#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "service/readiness.hpp"
#include "support/cidr.hpp"

namespace volkrin::api {

// Who may read /metrics. With no token and no ranges configured, anyone may.
struct MetricsAccess {
  std::string token;
  std::vector<Cidr> allow;
  http::Authenticator authenticate;  // an admin JWT is also accepted
};

void add_health_routes(http::Router& router, Readiness& readiness, MetricsAccess access);

}  // namespace volkrin::api
