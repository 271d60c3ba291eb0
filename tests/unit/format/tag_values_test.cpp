// Tag value rules: text cleaning of hostile UTF-16, length caps, positions, years, MusicBrainz ids.
#include "format/tag_values.hpp"

#include <gtest/gtest.h>

#include <string>

#include "format/tag_text_checks.hpp"

namespace volkrin {
namespace {

std::string name(std::wstring_view units) {
  return clean_tag_text(units, kTagNameLimits);
}
std::string lyrics(std::wstring_view units) {
  return clean_tag_text(units, kTagLyricsLimits);
}

TEST(CleanTagText, plain_text_and_non_ascii_letters_come_out_as_utf_8) {
  EXPECT_EQ(name(L"Title"), "Title");
  EXPECT_EQ(name(L"T\u00EFtle \u2014 \u6B4C"), "T\xC3\xAFtle \xE2\x80\x94 \xE6\xAD\x8C");
}

TEST(CleanTagText, surrogate_pair_becomes_one_four_byte_character) {
  const wchar_t units[] = {L'a', 0xD83D, 0xDE00, L'b'};
  EXPECT_EQ(name({units, 4}),
            "a\xF0\x9F\x98\x80"
            "b");
}

TEST(CleanTagText, broken_utf_16_becomes_replacement_characters) {
  const std::string fffd = "\xEF\xBF\xBD";
  const wchar_t lone_high[] = {L'a', 0xD800, L'b'};
  EXPECT_EQ(name({lone_high, 3}), "a" + fffd + "b");
  const wchar_t high_at_end[] = {L'a', 0xDBFF};
  EXPECT_EQ(name({high_at_end, 2}), "a" + fffd);
  const wchar_t lone_low[] = {0xDC00, L'b'};
  EXPECT_EQ(name({lone_low, 2}), fffd + "b");
  const wchar_t outside_unicode[] = {L'a', static_cast<wchar_t>(0x110000),
                                     static_cast<wchar_t>(-1)};
  EXPECT_EQ(name({outside_unicode, 3}), "a" + fffd + fffd);
}

TEST(CleanTagText, control_characters_and_nuls_are_dropped) {
  const wchar_t units[] = {L'A', 0x00, L'B', 0x01, 0x1B, L'C', 0x7F, 0x85, 0x9F, L'D'};
  EXPECT_EQ(name({units, 10}), "ABCD");
  EXPECT_EQ(name(L"\uFEFFBOM\uFFFE\uFFFF"), "BOM");
}

TEST(CleanTagText, line_breaks_and_tabs_in_names_become_spaces_and_ends_are_trimmed) {
  EXPECT_EQ(name(L"  Two\nLines\r\nand\ta tab \n"), "Two Lines  and a tab");
  EXPECT_EQ(name(L"\x01 \n\t "), "");
}

TEST(CleanTagText, lyrics_keep_line_breaks_as_newlines) {
  EXPECT_EQ(lyrics(L"\n\none\r\ntwo\rthree\nfour\vfive\fsix\tseven\n\n"),
            "one\ntwo\nthree\nfour\nfive\nsix seven");
}

TEST(CleanTagText, names_are_cut_at_a_thousand_characters_not_bytes) {
  const std::wstring long_name(5000, L'\u00E9');
  const std::string cut = name(long_name);
  EXPECT_EQ(cut.size(), 2000U);
  EXPECT_TRUE(tag_checks::is_clean(cut, kTagNameLimits));
}

TEST(CleanTagText, byte_cap_never_splits_a_character) {
  std::wstring emoji;
  for (int i = 0; i < 1500; ++i) emoji += L"\xD83D\xDE00";  // as TagLib holds U+1F600
  EXPECT_EQ(name(emoji).size(), kTagNameLimits.max_bytes);  // 1000 whole characters

  const std::wstring cjk(100000, L'\u6B4C');
  const std::string cut = lyrics(cjk);
  EXPECT_EQ(cut.size(), kTagLyricsLimits.max_bytes / 3 * 3);
  EXPECT_TRUE(tag_checks::is_clean(cut, kTagLyricsLimits));
}

TEST(CleanTagText, text_cut_inside_trailing_spaces_is_trimmed_after_the_cut) {
  const std::wstring spaced = L"abc" + std::wstring(2000, L' ') + L"d";
  EXPECT_EQ(name(spaced), "abc");
}

TEST(CleanTagText, ten_million_units_give_at_most_the_cap) {
  const std::wstring huge(10'000'000, L'x');
  EXPECT_EQ(name(huge).size(), kTagNameLimits.max_chars);
  EXPECT_EQ(lyrics(huge).size(), kTagLyricsLimits.max_bytes);
}

TEST(ParseTagPosition, number_and_total) {
  EXPECT_EQ(parse_tag_position("3", 9999), (TagPosition{3, std::nullopt}));
  EXPECT_EQ(parse_tag_position("03", 9999), (TagPosition{3, std::nullopt}));
  EXPECT_EQ(parse_tag_position("3/12", 9999), (TagPosition{3, 12}));
  EXPECT_EQ(parse_tag_position(" 3 / 12 ", 9999), (TagPosition{3, 12}));
  EXPECT_EQ(parse_tag_position("/12", 9999), (TagPosition{std::nullopt, 12}));
  EXPECT_EQ(parse_tag_position("0/12", 9999), (TagPosition{std::nullopt, 12}));
  EXPECT_EQ(parse_tag_position("9999", 9999), (TagPosition{9999, std::nullopt}));
}

TEST(ParseTagPosition, zero_negative_huge_and_garbage_are_absent) {
  for (const char* bad : {"", "0", "-3", "abc", "+3", "3.5", "3a", "10000", "99999999999999"}) {
    EXPECT_EQ(parse_tag_position(bad, 9999), TagPosition{}) << bad;
  }
  EXPECT_EQ(parse_tag_position("3/abc", 9999), (TagPosition{3, std::nullopt}));
  EXPECT_EQ(parse_tag_position("3/0", 9999), (TagPosition{3, std::nullopt}));
  EXPECT_EQ(parse_tag_position("3/12/5", 9999), (TagPosition{3, std::nullopt}));
  EXPECT_EQ(parse_tag_position("1000", 999), TagPosition{}) << "above the disc maximum";
}

TEST(ParseTagPosition, total_below_the_number_is_absent) {
  EXPECT_EQ(parse_tag_position("12/3", 9999), (TagPosition{12, std::nullopt}));
  EXPECT_EQ(parse_tag_position("12/12", 9999), (TagPosition{12, 12}));
}

TEST(ParseTagCount, only_a_positive_number_within_the_maximum) {
  EXPECT_EQ(parse_tag_count("12", 9999), 12);
  EXPECT_EQ(parse_tag_count(" 012 ", 9999), 12);
  EXPECT_EQ(parse_tag_count("0", 9999), std::nullopt);
  EXPECT_EQ(parse_tag_count("-1", 9999), std::nullopt);
  EXPECT_EQ(parse_tag_count("1/2", 9999), std::nullopt);
  EXPECT_EQ(parse_tag_count("1000", 999), std::nullopt);
}

TEST(ParseTagYear, year_of_a_date) {
  EXPECT_EQ(parse_tag_year("2019"), 2019);
  EXPECT_EQ(parse_tag_year("2019-05-01"), 2019);
  EXPECT_EQ(parse_tag_year("2019-05-01T10:00:00Z"), 2019);
  EXPECT_EQ(parse_tag_year("2019/05"), 2019);
  EXPECT_EQ(parse_tag_year(" 1969 "), 1969);
}

TEST(ParseTagYear, garbage_is_absent) {
  for (const char* bad :
       {"", "19", "201", "20190501", "0000", "0999", "May 2019", "abcd", "-2019", "05/01/2019"}) {
    EXPECT_EQ(parse_tag_year(bad), std::nullopt) << bad;
  }
}

TEST(ParseMusicBrainzId, uuid_in_lower_case) {
  const std::string id = "89ad4ac3-39f7-470e-963a-56509c546377";
  EXPECT_EQ(parse_musicbrainz_id(id), id);
  EXPECT_EQ(parse_musicbrainz_id("89AD4AC3-39F7-470E-963A-56509C546377"), id);
  EXPECT_EQ(parse_musicbrainz_id(" " + id + " "), id);
}

TEST(ParseMusicBrainzId, first_of_several_ids) {
  const std::string first = "89ad4ac3-39f7-470e-963a-56509c546377";
  const std::string second = "f27ec8db-af05-4f36-916e-3d57f91ecf5e";
  EXPECT_EQ(parse_musicbrainz_id(first + "/" + second), first);
  EXPECT_EQ(parse_musicbrainz_id(first + "; " + second), first);
}

TEST(ParseMusicBrainzId, anything_else_is_absent) {
  for (const char* bad :
       {"", "not an id", "89ad4ac3-39f7-470e-963a-56509c54637",
        "89ad4ac3-39f7-470e-963a-56509c54637g", "89ad4ac339f7-470e-963a-56509c5463777",
        "{89ad4ac3-39f7-470e-963a-56509c546377}", "89ad4ac3-39f7-470e-963a-56509c546377x"}) {
    EXPECT_EQ(parse_musicbrainz_id(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace volkrin
