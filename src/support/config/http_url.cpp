// Reading http(s) URLs of configuration values into a browser-style origin and the rest.
#include "support/config/http_url.hpp"

#include "support/ascii.hpp"
#include "support/config/url_authority.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

namespace {

// The first thing wrong with an http(s) URL's authority, in the order a reader fixes them.
std::string authority_problem(const UrlAuthority& authority) {
  if (authority.userinfo) return "must not contain a user name or password";
  if (authority.unclosed_literal || authority.not_ipv6) return "has an invalid IPv6 address";
  if (authority.after_literal || authority.bad_host) return "has an invalid host";
  if (authority.port && authority.port->empty()) return "has an empty port";
  if (authority.port && !port_number(*authority.port)) {
    return "has an invalid port (expected 1..65535)";
  }
  return {};
}

}  // namespace

std::pair<std::optional<HttpUrl>, std::string> parse_http_url(std::string_view text) {
  if (has_space_or_control(text)) {
    return {std::nullopt, "must not contain spaces or control characters"};
  }
  const auto scheme_end = text.find("://");
  const std::string scheme = scheme_end == std::string_view::npos
                                 ? std::string()
                                 : ascii_lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return {std::nullopt, "must start with http:// or https://"};
  }
  const auto after = text.substr(scheme_end + 3);
  const auto authority_end = after.find_first_of("/?#");
  const UrlAuthority authority = read_authority(after.substr(0, authority_end));
  if (auto why = authority_problem(authority); !why.empty()) return {std::nullopt, std::move(why)};

  HttpUrl url;
  url.origin =
      scheme + "://" + (authority.ip_literal ? "[" + authority.host + "]" : authority.host);
  // Browsers leave the default port out of Origin; so does the normal form.
  if (authority.port) {
    const std::uint16_t port = *port_number(*authority.port);
    const bool default_port =
        (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    if (!default_port) url.origin += ":" + std::to_string(port);
  }
  if (authority_end != std::string_view::npos)
    url.path_rest = std::string(after.substr(authority_end));
  return {std::move(url), std::string{}};
}

}  // namespace volkrin::config_detail
