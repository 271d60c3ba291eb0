// X-Forwarded-For / X-Forwarded-Proto handling; see forwarded.hpp.
#include "http/forwarded.hpp"

#include <string>

#include "http/http_text.hpp"
#include "support/ascii.hpp"

namespace volkrin::http {

bool is_trusted(const std::vector<Cidr>& trusted_proxies, std::string_view address) {
  for (const auto& range : trusted_proxies) {
    if (cidr_contains(range, address)) return true;
  }
  return false;
}

void apply_forwarded_headers(Request& request, const std::vector<Cidr>& trusted_proxies) {
  if (trusted_proxies.empty() || !is_trusted(trusted_proxies, request.client_address)) return;

  std::string_view chain = request.header("X-Forwarded-For");
  while (!chain.empty()) {
    const auto comma = chain.rfind(',');
    const std::string_view hop =
        trim_ows(comma == std::string_view::npos ? chain : chain.substr(comma + 1));
    chain = comma == std::string_view::npos ? std::string_view{} : chain.substr(0, comma);
    if (!parse_cidr(hop) || hop.find('/') != std::string_view::npos) break;  // not an address
    request.client_address = std::string(hop);
    if (!is_trusted(trusted_proxies, hop)) break;
  }

  std::string_view proto = request.header("X-Forwarded-Proto");
  proto = trim_ows(proto.substr(0, proto.find(',')));
  if (iequals(proto, "https")) request.scheme = "https";
  if (iequals(proto, "http")) request.scheme = "http";
}

}  // namespace volkrin::http
