// Address ranges in CIDR notation ("10.0.0.0/8", "::1/128", "127.0.0.1") and membership.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace volkrin {

struct Cidr {
  std::array<std::uint8_t, 16> address{};  // network bytes; IPv4 uses the first 4
  int prefix = 0;
  bool v4 = true;
};

// A bare address means a single host (/32 or /128). nullopt for anything malformed.
std::optional<Cidr> parse_cidr(std::string_view text);

// `address` as text (IPv4, IPv6, or IPv4-mapped IPv6 "::ffff:1.2.3.4").
bool cidr_contains(const Cidr& range, std::string_view address);

}  // namespace volkrin
