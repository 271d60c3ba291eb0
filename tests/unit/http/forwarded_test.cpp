// X-Forwarded-For / X-Forwarded-Proto are believed only from trusted proxies.
#include "http/forwarded.hpp"

#include <gtest/gtest.h>

#include "http/fake_request.hpp"

namespace volkrin::http {
namespace {

std::vector<Cidr> ranges(std::initializer_list<const char*> texts) {
  std::vector<Cidr> out;
  for (const char* t : texts) out.push_back(*parse_cidr(t));
  return out;
}

test::FakeRequest from(std::string peer) {
  test::FakeRequest r;
  r.client_address = std::move(peer);
  return r;
}

TEST(Forwarded, ignores_headers_from_an_untrusted_peer) {
  auto r = from("203.0.113.7");
  r.with_header("X-Forwarded-For", "1.2.3.4").with_header("X-Forwarded-Proto", "https");
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "203.0.113.7");
  EXPECT_EQ(r.scheme, "http");
}

TEST(Forwarded, takes_client_and_scheme_from_a_trusted_proxy) {
  auto r = from("10.0.0.5");
  r.with_header("X-Forwarded-For", "198.51.100.9").with_header("X-Forwarded-Proto", "https");
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "198.51.100.9");
  EXPECT_EQ(r.scheme, "https");
}

TEST(Forwarded, a_spoofed_leftmost_entry_does_not_win) {
  // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real address.
  auto r = from("10.0.0.5");
  r.with_header("X-Forwarded-For", "1.1.1.1, 198.51.100.9");
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "198.51.100.9");
}

TEST(Forwarded, skips_a_chain_of_trusted_proxies) {
  auto r = from("10.0.0.5");
  r.with_header("X-Forwarded-For", "198.51.100.9, 10.0.0.7 , 10.0.0.6");
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "198.51.100.9");
}

TEST(Forwarded, stops_at_garbage_and_keeps_the_last_address_seen) {
  auto r = from("10.0.0.5");
  r.with_header("X-Forwarded-For", "198.51.100.9, not-an-ip, 10.0.0.6");
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "10.0.0.6");
}

TEST(Forwarded, nothing_changes_without_trusted_proxies) {
  auto r = from("127.0.0.1");
  r.with_header("X-Forwarded-For", "1.2.3.4");
  apply_forwarded_headers(r, {});
  EXPECT_EQ(r.client_address, "127.0.0.1");
}

TEST(Forwarded, a_hop_with_a_nul_byte_is_not_an_address) {
  // Read as a C string, "198.51.100.9\0junk" would pass for 198.51.100.9 and be kept whole.
  auto r = from("10.0.0.5");
  r.with_header("X-Forwarded-For", std::string("198.51.100.9\0junk", 17));
  apply_forwarded_headers(r, ranges({"10.0.0.0/8"}));
  EXPECT_EQ(r.client_address, "10.0.0.5");
}

TEST(Cidr, text_with_a_nul_byte_is_not_an_address) {
  EXPECT_FALSE(parse_cidr(std::string_view("10.0.0.1\0/8", 11)));
  EXPECT_FALSE(cidr_contains(*parse_cidr("10.0.0.0/8"), std::string_view("10.0.0.1\0x", 10)));
}

TEST(Cidr, matches_v4_v6_and_mapped_addresses) {
  EXPECT_TRUE(cidr_contains(*parse_cidr("10.0.0.0/8"), "10.200.3.4"));
  EXPECT_FALSE(cidr_contains(*parse_cidr("10.0.0.0/8"), "11.0.0.1"));
  EXPECT_TRUE(cidr_contains(*parse_cidr("10.0.0.0/8"), "::ffff:10.1.2.3"));
  EXPECT_TRUE(cidr_contains(*parse_cidr("::1"), "::1"));
  EXPECT_TRUE(cidr_contains(*parse_cidr("2001:db8::/32"), "2001:db8:1::5"));
  EXPECT_FALSE(cidr_contains(*parse_cidr("2001:db8::/32"), "10.0.0.1"));
  EXPECT_TRUE(cidr_contains(*parse_cidr("0.0.0.0/0"), "8.8.8.8"));
  EXPECT_TRUE(cidr_contains(*parse_cidr("192.168.1.7/31"), "192.168.1.6"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.0.0/8"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/"));
  EXPECT_FALSE(parse_cidr("banana"));
}

}  // namespace
}  // namespace volkrin::http
