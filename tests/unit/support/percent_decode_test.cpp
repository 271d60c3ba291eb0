// percent_decode: %XX escapes in either case, '+' only in queries, malformed escapes refused.
#include "support/percent_decode.hpp"

#include <gtest/gtest.h>

#include "support/hex_digit.hpp"

namespace volkrin {
namespace {

TEST(PercentDecode, plus_is_space_only_in_queries) {
  EXPECT_EQ(percent_decode("a+b%41", true), "a bA");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(PercentDecode, decodes_either_case_and_refuses_a_short_or_non_hex_escape) {
  EXPECT_EQ(percent_decode("%2f%2F%00x"), std::string("//\0x", 4));
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("a%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%41%g1"), std::nullopt);
}

TEST(HexDigitValue, maps_the_22_hex_digits_and_nothing_else) {
  int digits = 0;
  for (int c = 0; c < 256; ++c) {
    const int value = hex_digit_value(static_cast<char>(c));
    if (value >= 0) ++digits;
    EXPECT_LT(value, 16);
  }
  EXPECT_EQ(digits, 22);
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('9'), 9);
  EXPECT_EQ(hex_digit_value('a'), 10);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
}

}  // namespace
}  // namespace volkrin
