// The host[:port] part of a URL in a configuration value, read with Boost.URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin::config_detail {

// What an authority says, and everything that is wrong with it (several may be: each kind
// of URL reports the one its messages name first).
struct UrlAuthority {
  std::string host;                 // lower case; an IPv6 address without its brackets
  bool ip_literal = false;          // written in brackets, "[::1]"
  std::optional<std::string> port;  // the text after ':' (perhaps empty); nullopt: no ':'

  bool userinfo = false;          // "user:password@" before the host
  bool unclosed_literal = false;  // '[' without ']'
  bool not_ipv6 = false;          // brackets around something that is not an IPv6 address
  bool after_literal = false;     // something other than ":port" after the ']'
  bool bad_host = false;          // neither an IPv4 address nor a host name (or empty)
};

// Reads an authority such as "cache.example:6380" or "[::1]". Boost.URL's RFC 3986 grammar
// decides; where it refuses, the parts are found by hand only to say which one is wrong.
UrlAuthority read_authority(std::string_view authority);

// The port when it is a decimal number from 1 to 65535 (no sign, no other character).
std::optional<std::uint16_t> port_number(std::string_view text);

}  // namespace volkrin::config_detail
