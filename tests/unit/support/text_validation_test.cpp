// The text rules: UTF-8 validity, control and invisible characters, trimming and cleaning.
#include "support/text_validation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/api_error.hpp"
#include "support/ascii.hpp"

namespace volkrin {
namespace {

using namespace std::string_literals;

TEST(Utf8Length, counts_code_points_of_valid_utf_8) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\u00e9t\u00e9"), 3u);
  EXPECT_EQ(utf8_length("\u20ac"), 1u);
  EXPECT_EQ(utf8_length("\U0001F3B5\U0001F3B6"), 2u);
  EXPECT_EQ(utf8_length("e\u0301"), 2u);  // a combining accent is a code point of its own
  EXPECT_EQ(utf8_length("\U0010FFFF"), 1u);
  EXPECT_EQ(utf8_length("a\0b"s), 3u);
}

TEST(Utf8Length, refuses_every_ill_formed_sequence) {
  for (const std::string& bad : {
           "\xFF"s,              // never in UTF-8
           "\x80"s,              // a continuation byte alone
           "\xC3"s,              // cut after the lead byte
           "\xE2\x82"s,          // cut inside a three-byte sequence
           "\xC0\xAF"s,          // overlong "/"
           "\xC1\xBF"s,          // overlong
           "\xE0\x80\xAF"s,      // overlong "/" in three bytes
           "\xF0\x80\x80\xAF"s,  // overlong "/" in four bytes
           "\xED\xA0\x80"s,      // surrogate U+D800
           "\xED\xBF\xBF"s,      // surrogate U+DFFF
           "\xF4\x90\x80\x80"s,  // U+110000
           "\xF5\x80\x80\x80"s,  // past the last lead byte
           "\xC3\x28"s,          // a lead byte followed by ASCII
       }) {
    EXPECT_EQ(utf8_length(bad), std::nullopt) << testing::PrintToString(bad);
    EXPECT_EQ(utf8_length("ok" + bad + "ok"), std::nullopt) << testing::PrintToString(bad);
  }
}

TEST(SingleLineFault, admits_printable_text_of_every_script) {
  for (const std::string text : {"Night Drive", "Zo\u00eb & the \U0001F469\u200D\U0001F3A4",
                                 "Noe\u0308l", "\u05e9\u05dc\u05d5\u05dd \u200f!",
                                 "\u0644\u064a\u0646\u0627", "\u6771\u4eac", "100% _\\\"*^-", ""}) {
    EXPECT_EQ(single_line_fault(text), TextFault::none) << text;
  }
}

TEST(SingleLineFault, refuses_c_0_controls_tab_and_line_breaks_del_and_c_1_controls) {
  const std::vector<std::string> texts{"a\0b"s,    "a\tb",    "a\nb",     "a\rb",
                                       "a\x1b[0m", "\x01",    "a\x7f",    "a\u0080",
                                       "a\u0085b", "a\u009f", "a\u2028b", "a\u2029b"};
  for (const std::string& text : texts) {
    EXPECT_EQ(single_line_fault(text), TextFault::control_character)
        << testing::PrintToString(text);
  }
  EXPECT_EQ(single_line_fault("a\xFF\x01"s), TextFault::invalid_utf8);
  EXPECT_EQ(single_line_fault("a\x01\xFF"s), TextFault::control_character);  // the first fault
}

TEST(RequireSingleLine, returns_the_text_or_throws_400_naming_the_field) {
  EXPECT_EQ(require_single_line("Night Drive", "title"), "Night Drive");
  try {
    require_single_line("Night\tDrive", "title");
    FAIL() << "no ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_STREQ(e.what(), "title must be valid UTF-8 text without control characters");
  }
  EXPECT_THROW(require_single_line("So\xFFng", "artist"), ApiError);
}

TEST(InvisibleCharacter, covers_zero_width_bidi_format_and_non_ascii_spaces) {
  for (const char32_t c :
       {U'\u200B',     U'\u200C',     U'\u200D', U'\u200E', U'\u200F', U'\u2060',     U'\u2061',
        U'\u2062',     U'\u2063',     U'\u2064', U'\uFEFF', U'\u00AD', U'\u180E',     U'\u202A',
        U'\u202B',     U'\u202C',     U'\u202D', U'\u202E', U'\u2066', U'\u2067',     U'\u2068',
        U'\u2069',     U'\u061C',     U'\u034F', U'\uFE0F', U'\u3164', U'\U000E0001', U'\U000E0041',
        U'\U000E01EF', U'\U0001D173', U'\u00A0', U'\u2000', U'\u200A', U'\u202F',     U'\u205F',
        U'\u3000',     U'\u1680',     U'\u2028', U'\u0000', U'\t',     U'\u007F',     U'\u0085',
        U'\u009F'}) {
    EXPECT_TRUE(is_invisible_character(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(InvisibleCharacter, leaves_visible_characters_and_the_ascii_space) {
  for (const char32_t c : {U' ', U'a', U'@', U'.', U'-', U'\u00E9', U'\u00AC', U'\u00AE', U'\u0301',
                           U'\u2010', U'\u2027', U'\u2030', U'\u20AC', U'\u3001', U'\uFFFD',
                           U'\U0001F3B5', U'\U000E1000', U'\U0010FFFF'}) {
    EXPECT_FALSE(is_invisible_character(c)) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(InvisibleCharacter, every_control_character_is_invisible) {
  for (char32_t c = 0; c < 0x3000; ++c) {
    if (is_control_character(c)) {
      EXPECT_TRUE(is_invisible_character(c)) << std::hex << static_cast<unsigned>(c);
    }
  }
}

TEST(HasInvisibleCharacter, finds_one_anywhere_and_counts_invalid_utf_8) {
  EXPECT_FALSE(has_invisible_character("ada@example.com"));
  EXPECT_FALSE(has_invisible_character("z\u00f6e@b\u00fccher.example"));
  EXPECT_TRUE(has_invisible_character("ada\u200b@example.com"));
  EXPECT_TRUE(has_invisible_character("\ufeffada@example.com"));
  EXPECT_TRUE(has_invisible_character("ada@example.com\u00ad"));
  EXPECT_TRUE(has_invisible_character("ada@exa\xFFmple.com"));
}

TEST(TrimAsciiSpace, trims_space_tab_cr_lf_only) {
  EXPECT_EQ(trim(" \t\r\n a b \n"), "a b");
  EXPECT_EQ(trim("\u00a0a\u00a0"), "\u00a0a\u00a0");
  EXPECT_EQ(trim(" \t "), "");
}

TEST(CleanSingleLine, replaces_invalid_sequences_and_controls_and_trims) {
  EXPECT_EQ(clean_single_line("Night Drive"), "Night Drive");
  EXPECT_EQ(clean_single_line("  Night\tDrive\r\n"), "Night Drive");
  EXPECT_EQ(clean_single_line("a\0b"s), "a b");
  EXPECT_EQ(clean_single_line("a\u0085b\u2028c"), "a b c");
  // One U+FFFD per maximal ill-formed subpart (Unicode's recommended practice).
  EXPECT_EQ(clean_single_line("a\xFF"
                              "b"),
            "a\uFFFDb");
  EXPECT_EQ(clean_single_line("a\xE2\x82"
                              "b"),
            "a\uFFFDb");
  EXPECT_EQ(clean_single_line("a\xED\xA0\x80"
                              "b"),
            "a\uFFFD\uFFFD\uFFFDb");
  EXPECT_EQ(clean_single_line("a\xF0\x9F\x8E"), "a\uFFFD");
  EXPECT_EQ(clean_single_line("\xC3"), "\uFFFD");
  EXPECT_EQ(clean_single_line("Noe\u0308l \U0001F384"), "Noe\u0308l \U0001F384");
}

}  // namespace
}  // namespace volkrin
