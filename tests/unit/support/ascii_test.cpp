// ASCII helpers: case folding leaves non-letters and UTF-8 alone; trim drops only what it is told.
#include "support/ascii.hpp"

#include <gtest/gtest.h>

namespace volkrin {
namespace {

TEST(AsciiLower, folds_ascii_letters_only) {
  EXPECT_EQ(ascii_lower("HeLLo-123_Z"), "hello-123_z");
  EXPECT_EQ(ascii_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": only T folds
  EXPECT_EQ(ascii_lower('@'), '@');
  EXPECT_EQ(ascii_lower('['), '[');
}

TEST(Iequals, ignores_case_but_not_length_or_other_bytes) {
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("bytes", "byte"));
  EXPECT_FALSE(iequals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_FALSE(iequals("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
}

TEST(Trim, drops_the_given_characters_at_both_ends_only) {
  EXPECT_EQ(trim("  \t a b \r\n"), "a b");
  EXPECT_EQ(trim(" \t\r\n"), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\fx\f"), "\fx\f");  // form feed is not in the default set
  EXPECT_EQ(trim("\fx\v", " \f\v"), "x");
  EXPECT_EQ(trim_start("  a  "), "a  ");
}

TEST(CollapseWhitespace, trims_and_makes_each_inner_run_one_space) {
  EXPECT_EQ(collapse_whitespace("  a \t\n b  c\r\n"), "a b c");
  EXPECT_EQ(collapse_whitespace("a\nb", " \t"), "a\nb");
  EXPECT_EQ(collapse_whitespace("   "), "");
}

}  // namespace
}  // namespace volkrin
