// Unit tests for the cryptographic building blocks in support/crypto.
#include "support/crypto.hpp"

#include <gtest/gtest.h>

#include <string>

namespace volkrin::crypto {
namespace {

TEST(Crypto, sha256_matches_nist_vector_for_abc) {
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, sha256_in_pieces_matches_the_one_shot_digest_and_starts_over) {
  const std::string data(100'000, 'x');
  Sha256 hash;
  for (std::size_t at = 0; at < data.size(); at += 4097) hash.update(data.substr(at, 4097));
  EXPECT_EQ(hash.finish(), sha256(data));
  hash.update("abc");
  EXPECT_EQ(hex_encode(hash.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 moved = std::move(hash);
  EXPECT_EQ(moved.finish(), sha256(""));
}

TEST(Crypto, sha256_matches_nist_vector_for_empty_input) {
  EXPECT_EQ(hex_encode(sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, hmac_sha256_matches_rfc4231_case_1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(hex_encode(hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Crypto, hmac_sha256_matches_rfc4231_case_2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, hmac_sha256_matches_rfc4231_case_6_with_key_longer_than_block) {
  const std::string key(131, '\xaa');
  EXPECT_EQ(hex_encode(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Crypto, hmac_sha256_accepts_empty_key_and_data) {
  // Same value as Node's crypto.createHmac("sha256", "").update("").digest("hex").
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Crypto, base64url_round_trips_random_bytes_of_every_length_up_to_40) {
  for (std::size_t len = 0; len <= 40; ++len) {
    const std::string bytes = random_bytes(len);
    const std::string text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_of("=+/"), std::string::npos) << text;
    EXPECT_EQ(text.size(), (len * 4 + 2) / 3) << len;
    const auto back = base64url_decode(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, bytes) << len;
  }
}

TEST(Crypto, base64url_encodes_rfc4648_vectors_without_padding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Crypto, base64url_decode_rejects_padding) {
  EXPECT_FALSE(base64url_decode("Zg==").has_value());
  EXPECT_FALSE(base64url_decode("Zm8=").has_value());
}

TEST(Crypto, base64url_decode_rejects_standard_alphabet_characters) {
  EXPECT_FALSE(base64url_decode("+_8").has_value());
  EXPECT_FALSE(base64url_decode("-/8").has_value());
  EXPECT_TRUE(base64url_decode("-_8").has_value());
}

TEST(Crypto, base64url_decode_rejects_impossible_length) {
  EXPECT_FALSE(base64url_decode("A").has_value());
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());
}

TEST(Crypto, base64url_decode_rejects_whitespace_and_other_bytes) {
  EXPECT_FALSE(base64url_decode("Zm9v Yg").has_value());
  EXPECT_FALSE(base64url_decode("Zm9v\nYg").has_value());
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)).has_value());
  EXPECT_FALSE(base64url_decode("Zm9v.Yg").has_value());
}

TEST(Crypto, base64url_decode_rejects_nonzero_unused_bits) {
  // "Zg" is the only encoding of "f"; "Zh" differs only in bits that carry no data.
  EXPECT_TRUE(base64url_decode("Zg").has_value());
  EXPECT_FALSE(base64url_decode("Zh").has_value());
  EXPECT_FALSE(base64url_decode("Zm9").has_value());
}

TEST(Crypto, base64_encodes_with_padding_and_standard_alphabet) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Crypto, hex_round_trips_all_byte_values) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  const std::string hex = hex_encode(bytes);
  EXPECT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(hex_decode(hex), bytes);
}

TEST(Crypto, hex_decode_accepts_upper_case) {
  EXPECT_EQ(hex_decode("ABcd"), "\xab\xcd");
}

TEST(Crypto, hex_decode_rejects_odd_length_and_non_hex_characters) {
  EXPECT_FALSE(hex_decode("abc").has_value());
  EXPECT_FALSE(hex_decode("zz").has_value());
  EXPECT_FALSE(hex_decode("0g").has_value());
  EXPECT_FALSE(hex_decode(" 0").has_value());
  EXPECT_EQ(hex_decode(""), "");
}

TEST(Crypto, constant_time_equal_compares_content_and_length) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "Secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret2", "secret"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal("x", ""));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Crypto, random_bytes_returns_requested_length) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(64).size(), 64u);
  EXPECT_EQ(random_bytes(100000).size(), 100000u);
}

TEST(Crypto, random_bytes_differ_between_draws) {
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

}  // namespace
}  // namespace volkrin::crypto
