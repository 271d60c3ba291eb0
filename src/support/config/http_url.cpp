// Reading http(s) URLs of configuration values into a browser-style origin and the rest.
#include "support/config/http_url.hpp"

#include "support/ascii.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

std::pair<std::optional<HttpUrl>, std::string> parse_http_url(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20U || byte == 0x7FU) {
      return {std::nullopt, "must not contain spaces or control characters"};
    }
  }
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return {std::nullopt, "must start with http:// or https://"};
  }
  const std::string scheme = ascii_lower(text.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return {std::nullopt, "must start with http:// or https://"};
  }
  const auto after = text.substr(scheme_end + 3);
  const auto authority_end = after.find_first_of("/?#");
  const auto authority = after.substr(0, authority_end);
  const auto rest =
      authority_end == std::string_view::npos ? std::string_view{} : after.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return {std::nullopt, "must not contain a user name or password"};
  }

  std::string host;
  std::string_view port_part;
  bool bracketed = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || !is_ipv6(authority.substr(1, close - 1))) {
      return {std::nullopt, "has an invalid IPv6 address"};
    }
    host = ascii_lower(authority.substr(1, close - 1));
    bracketed = true;
    const auto tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return {std::nullopt, "has an invalid host"};
      port_part = tail.substr(1);
      if (port_part.empty()) return {std::nullopt, "has an empty port"};
    }
  } else {
    const auto colon = authority.find(':');
    const auto name = authority.substr(0, colon);
    if (name.empty() || (!is_ipv4(name) && !is_host_name(name))) {
      return {std::nullopt, "has an invalid host"};
    }
    host = ascii_lower(name);
    if (colon != std::string_view::npos) {
      port_part = authority.substr(colon + 1);
      if (port_part.empty()) return {std::nullopt, "has an empty port"};
    }
  }

  std::string port_suffix;
  if (!port_part.empty()) {
    const std::optional<std::uint64_t> port = parse_decimal(port_part);
    if (!port || *port < 1 || *port > 65535) {
      return {std::nullopt, "has an invalid port (expected 1..65535)"};
    }
    // Browsers leave the default port out of Origin; so does the normal form.
    const bool default_port =
        (scheme == "http" && *port == 80) || (scheme == "https" && *port == 443);
    if (!default_port) port_suffix = ":" + std::to_string(*port);
  }

  HttpUrl url;
  url.origin = scheme + "://" + (bracketed ? "[" + host + "]" : host) + port_suffix;
  url.path_rest = std::string(rest);
  return {std::move(url), std::string{}};
}

}  // namespace volkrin::config_detail
