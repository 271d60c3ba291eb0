// strong_etag: a quoted hash of the bytes, of fixed length, equal for equal bytes only.
#include "support/strong_etag.hpp"

#include <gtest/gtest.h>

#include "support/crypto.hpp"

namespace volkrin {
namespace {

TEST(StrongEtag, is_the_quoted_leading_12_bytes_of_sha256_in_hex) {
  const std::string etag = strong_etag("hello");
  ASSERT_EQ(etag.size(), kStrongEtagSize);
  EXPECT_EQ(etag, "\"" + crypto::hex_encode(crypto::sha256("hello")).substr(0, 24) + "\"");
  EXPECT_EQ(etag, "\"2cf24dba5fb0a30e26e83b2a\"");
}

TEST(StrongEtag, follows_the_bytes) {
  EXPECT_EQ(strong_etag("a"), strong_etag("a"));
  EXPECT_NE(strong_etag("a"), strong_etag("b"));
  EXPECT_EQ(strong_etag("").size(), kStrongEtagSize);
}

}  // namespace
}  // namespace volkrin
