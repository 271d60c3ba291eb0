// Rate-limit keys for addresses and accounts; see rate_keys.hpp.
#include "service/rate_keys.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "support/ascii.hpp"
#include "support/crypto.hpp"

namespace volkrin {

std::string address_key(std::string_view address) {
  if (address.find(':') == std::string_view::npos || address.size() >= INET6_ADDRSTRLEN) {
    return std::string(address);
  }
  std::string text(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  static constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0,    0,
                                                               0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMappedPrefix.data(), kMappedPrefix.size()) == 0) {
    in_addr v4{};
    std::memcpy(&v4, v6.s6_addr + 12, 4);
    std::array<char, INET_ADDRSTRLEN> out{};
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) != nullptr) return out.data();
    return text;
  }
  std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(AF_INET6, &v6, out.data(), out.size()) == nullptr) return text;
  return std::string(out.data()) + "/64";
}

std::string account_key(std::string_view email) {
  constexpr std::size_t kMaxPlain = 254;
  std::string key = ascii_lower(trim(email));
  if (key.size() > kMaxPlain) key = "sha256:" + crypto::hex_encode(crypto::sha256(key));
  return key;
}

}  // namespace volkrin
