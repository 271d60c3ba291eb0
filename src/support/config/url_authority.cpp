// Reading a URL's host and port with Boost.URL, and naming the part that breaks the rules.
#include "support/config/url_authority.hpp"

#include <boost/url/authority_view.hpp>
#include <boost/url/host_type.hpp>
#include <boost/url/parse.hpp>

#include "support/ascii.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

namespace {

// The host an RFC 3986 authority holds, held to the stricter rules of the configuration:
// an IPv6 address (inet_pton's view) in brackets, or an IPv4 address or host name.
void check_host(std::string_view host, bool ip_literal, UrlAuthority& out) {
  out.host = ascii_lower(host);
  out.ip_literal = ip_literal;
  if (ip_literal) {
    out.not_ipv6 = !is_ipv6(host);
  } else {
    out.bad_host = !is_ipv4(host) && !is_host_name(host);
  }
}

// Boost.URL refused `authority`: split it the way the messages speak of it.
UrlAuthority explain_refusal(std::string_view authority) {
  UrlAuthority out;
  if (authority.find('@') != std::string_view::npos) {
    out.userinfo = true;
    return out;
  }
  std::string_view host = authority.substr(0, authority.find(':'));
  std::string_view tail = authority.substr(host.size());
  const bool ip_literal = authority.starts_with('[');
  if (ip_literal) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      out.unclosed_literal = true;
      return out;
    }
    host = authority.substr(1, close - 1);
    tail = authority.substr(close + 1);
    out.after_literal = !tail.empty() && tail.front() != ':';
  }
  check_host(host, ip_literal, out);
  if (!tail.empty() && !out.after_literal) out.port = std::string(tail.substr(1));
  return out;
}

}  // namespace

UrlAuthority read_authority(std::string_view authority) {
  const auto parsed = boost::urls::parse_authority(authority);
  if (!parsed) return explain_refusal(authority);
  UrlAuthority out;
  out.userinfo = parsed->has_userinfo();
  const auto type = parsed->host_type();
  const bool ip_literal =
      type == boost::urls::host_type::ipv6 || type == boost::urls::host_type::ipvfuture;
  const auto host = parsed->encoded_host_address();
  check_host(std::string_view(host.data(), host.size()), ip_literal, out);
  if (parsed->has_port()) {
    const auto port = parsed->port();
    out.port = std::string(port.data(), port.size());
  }
  return out;
}

std::optional<std::uint16_t> port_number(std::string_view text) {
  const auto port = parse_decimal(text);
  if (!port || *port < 1 || *port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

}  // namespace volkrin::config_detail
