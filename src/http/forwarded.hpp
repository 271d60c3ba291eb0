// Behind a load balancer: the client's address and scheme from X-Forwarded-For and
// X-Forwarded-Proto, believed only when the direct peer is a trusted proxy.
#pragma once

#include <vector>

#include "http/request.hpp"
#include "support/cidr.hpp"

namespace volkrin::http {

// Updates request.client_address and request.scheme. X-Forwarded-For is read from the
// right: addresses of trusted proxies are skipped, the first other one is the client
// (so a client cannot pose as someone else by sending its own X-Forwarded-For).
void apply_forwarded_headers(Request& request, const std::vector<Cidr>& trusted_proxies);

bool is_trusted(const std::vector<Cidr>& trusted_proxies, std::string_view address);

}  // namespace volkrin::http
