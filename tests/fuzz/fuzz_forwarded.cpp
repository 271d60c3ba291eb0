// libFuzzer target for X-Forwarded-For / X-Forwarded-Proto: the client address taken from
// the chain is always a plain address from the header (or the peer), entries a client adds
// on the left never change it, and only a trusted peer is believed. Input byte 0 picks the
// trusted ranges, the peer and the scheme; the rest is X-Forwarded-For, then after the
// first '\n' X-Forwarded-Proto.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/fake_request.hpp"
#include "http/forwarded.hpp"

namespace {

using volkrin::Cidr;
using volkrin::http::apply_forwarded_headers;
using volkrin::http::is_trusted;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<Cidr> ranges(std::initializer_list<std::string_view> texts) {
  std::vector<Cidr> out;
  for (auto text : texts) {
    const auto range = volkrin::parse_cidr(text);
    check(range.has_value());
    out.push_back(*range);
  }
  return out;
}

const std::vector<std::vector<Cidr>>& trusted_sets() {
  static const std::vector<std::vector<Cidr>> sets = {
      {},
      ranges({"10.0.0.0/8"}),
      ranges({"10.0.0.0/8", "192.168.0.0/16"}),
      ranges({"127.0.0.1", "::1"}),
      ranges({"2001:db8::/32"}),
      ranges({"0.0.0.0/0"}),
      ranges({"0.0.0.0/0", "::/0"}),
      ranges({"10.0.0.0/8", "2001:db8::/32", "172.16.0.0/12"}),
  };
  return sets;
}

constexpr std::string_view kPeers[] = {"10.1.2.3", "127.0.0.1", "2001:db8::5", "203.0.113.7"};

struct Result {
  std::string client;
  std::string scheme;
};

Result apply(const std::vector<Cidr>& trusted, std::string_view peer, std::string_view scheme,
             std::string_view forwarded_for, std::string_view forwarded_proto) {
  volkrin::test::FakeRequest request;
  request.client_address = std::string(peer);
  request.scheme = std::string(scheme);
  request.with_header("X-Forwarded-For", std::string(forwarded_for))
      .with_header("X-Forwarded-Proto", std::string(forwarded_proto));
  apply_forwarded_headers(request, trusted);
  return {request.client_address, request.scheme};
}

// Text an address can be written in: hex digits, '.' and ':'.
bool is_address_text(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

std::string_view first_element(std::string_view list) {
  list = list.substr(0, list.find(','));
  while (!list.empty() && (list.front() == ' ' || list.front() == '\t')) list.remove_prefix(1);
  while (!list.empty() && (list.back() == ' ' || list.back() == '\t')) list.remove_suffix(1);
  return list;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& trusted = trusted_sets()[data[0] & 7u];
  const std::string_view peer = kPeers[(data[0] >> 3) & 3u];
  const std::string_view scheme = (data[0] & 0x20u) != 0 ? "https" : "http";
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t newline = input.find('\n');
  const std::string_view forwarded_for = input.substr(0, newline);
  const std::string_view proto =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  const Result r = apply(trusted, peer, scheme, forwarded_for, proto);
  const bool believed = is_trusted(trusted, peer);

  if (!believed) {
    check(r.client == peer && r.scheme == scheme);
    return 0;
  }
  // The client is the peer or an address written in the chain, nothing else.
  check(r.client == peer || forwarded_for.find(r.client) != std::string_view::npos);
  check(is_address_text(r.client));
  const auto parsed = volkrin::parse_cidr(r.client);
  check(parsed.has_value() && r.client.find('/') == std::string::npos);

  const std::string_view claimed = first_element(proto);
  const std::string_view expected_scheme = iequals(claimed, "https")  ? "https"
                                           : iequals(claimed, "http") ? "http"
                                                                      : scheme;
  check(r.scheme == expected_scheme);

  if (!is_trusted(trusted, r.client)) {
    // The chain was read up to the first address that is not a proxy: what a client wrote
    // further left, and another trusted hop on the right, change nothing.
    for (std::string_view spoof : {"198.51.100.1, ", "garbage, ", ",", "10.9.9.9,"}) {
      const Result spoofed =
          apply(trusted, peer, scheme, std::string(spoof) + std::string(forwarded_for), proto);
      check(spoofed.client == r.client);
    }
    const Result hop =
        apply(trusted, peer, scheme, std::string(forwarded_for) + ", " + std::string(peer), proto);
    check(hop.client == r.client);
  }
  return 0;
}
