// CIDR parsing and matching with inet_pton.
#include "support/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace volkrin {
namespace {

// Parses an address into 16 bytes; v4 set for IPv4 (and IPv4-mapped IPv6, unmapped).
bool parse_address(std::string_view text, std::array<std::uint8_t, 16>& out, bool& v4) {
  // inet_pton reads a C string: a NUL byte would hide what follows it.
  if (text.find('\0') != std::string_view::npos) return false;
  const std::string s(text);
  out.fill(0);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
    v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) != 1) return false;
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped, kMapped + 12, out.begin())) {
    std::copy(out.begin() + 12, out.end(), out.begin());
    std::fill(out.begin() + 4, out.end(), 0);
    v4 = true;
    return true;
  }
  v4 = false;
  return true;
}

bool prefix_equal(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                  int prefix) {
  int i = 0;
  for (; prefix >= 8; prefix -= 8, ++i) {
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(i)]) return false;
  }
  if (prefix == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - prefix));
  return (a[static_cast<std::size_t>(i)] & mask) == (b[static_cast<std::size_t>(i)] & mask);
}

}  // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  Cidr range;
  const auto slash = text.find('/');
  if (!parse_address(text.substr(0, slash), range.address, range.v4)) return std::nullopt;
  const int max = range.v4 ? 32 : 128;
  range.prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > max) {
      return std::nullopt;
    }
    range.prefix = prefix;
  }
  return range;
}

bool cidr_contains(const Cidr& range, std::string_view address) {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
  if (!parse_address(address, bytes, v4) || v4 != range.v4) return false;
  return prefix_equal(bytes, range.address, range.prefix);
}

}  // namespace volkrin
