// If-None-Match (weak comparison, 304) and If-Range (strong comparison or exact date).
#include "http/conditional.hpp"

#include <gtest/gtest.h>

#include "support/time_format.hpp"

namespace volkrin::http {
namespace {

constexpr std::string_view kEtag = "\"abc\"";
constexpr std::string_view kWeakEtag = "W/\"abc\"";
// Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::int64_t kLastModified = 784111777;

TEST(IfNoneMatch, star_hits_any_representation) {
  EXPECT_TRUE(if_none_match_hits("*", kEtag));
  EXPECT_TRUE(if_none_match_hits(" * ", kWeakEtag));
}

TEST(IfNoneMatch, same_strong_tag_hits) {
  EXPECT_TRUE(if_none_match_hits("\"abc\"", kEtag));
}

TEST(IfNoneMatch, different_tag_misses) {
  EXPECT_FALSE(if_none_match_hits("\"abd\"", kEtag));
}

TEST(IfNoneMatch, comparison_is_case_sensitive) {
  EXPECT_FALSE(if_none_match_hits("\"ABC\"", kEtag));
}

TEST(IfNoneMatch, weak_request_tag_matches_strong_current_tag) {
  EXPECT_TRUE(if_none_match_hits("W/\"abc\"", kEtag));
}

TEST(IfNoneMatch, strong_request_tag_matches_weak_current_tag) {
  EXPECT_TRUE(if_none_match_hits("\"abc\"", kWeakEtag));
}

TEST(IfNoneMatch, weak_tags_on_both_sides_match) {
  EXPECT_TRUE(if_none_match_hits("W/\"abc\"", kWeakEtag));
}

TEST(IfNoneMatch, any_tag_of_a_list_hits) {
  EXPECT_TRUE(if_none_match_hits("\"x\", \"abc\", \"y\"", kEtag));
  EXPECT_TRUE(if_none_match_hits("\"x\",W/\"abc\"", kEtag));
  EXPECT_FALSE(if_none_match_hits("\"x\", \"y\"", kEtag));
}

TEST(IfNoneMatch, empty_list_elements_are_skipped) {
  EXPECT_TRUE(if_none_match_hits(", \"x\",, \"abc\" ,", kEtag));
}

TEST(IfNoneMatch, comma_inside_a_tag_is_part_of_the_tag) {
  EXPECT_TRUE(if_none_match_hits("\"a,b\"", "\"a,b\""));
  EXPECT_FALSE(if_none_match_hits("\"a,b\"", "\"a\""));
}

TEST(IfNoneMatch, empty_opaque_tag_matches_only_itself) {
  EXPECT_TRUE(if_none_match_hits("\"\"", "\"\""));
  EXPECT_FALSE(if_none_match_hits("\"\"", kEtag));
}

TEST(IfNoneMatch, empty_header_misses) {
  EXPECT_FALSE(if_none_match_hits("", kEtag));
  EXPECT_FALSE(if_none_match_hits(" , ", kEtag));
}

TEST(IfNoneMatch, unquoted_tag_is_malformed_and_misses) {
  EXPECT_FALSE(if_none_match_hits("abc", kEtag));
  EXPECT_FALSE(if_none_match_hits("W/abc", kEtag));
}

TEST(IfNoneMatch, malformed_element_voids_whole_field) {
  EXPECT_FALSE(if_none_match_hits("\"abc\", junk", kEtag));
  EXPECT_FALSE(if_none_match_hits("\"abc\" \"x\"", kEtag));
  EXPECT_FALSE(if_none_match_hits("\"abc", kEtag));
  EXPECT_FALSE(if_none_match_hits("w/\"abc\"", kEtag));
}

TEST(IfNoneMatch, star_inside_a_list_is_malformed) {
  EXPECT_FALSE(if_none_match_hits("*, \"abc\"", kEtag));
}

TEST(IfNoneMatch, control_bytes_inside_a_tag_are_malformed) {
  EXPECT_FALSE(if_none_match_hits("\"a bc\"", "\"a bc\""));
  EXPECT_FALSE(
      if_none_match_hits(std::string_view("\"a\0c\"", 5), std::string_view("\"a\0c\"", 5)));
}

TEST(IfNoneMatch, malformed_current_tag_never_matches_a_list) {
  EXPECT_FALSE(if_none_match_hits("\"abc\"", "abc"));
  EXPECT_FALSE(if_none_match_hits("\"abc\"", ""));
}

TEST(IfRange, empty_header_allows_range) {
  EXPECT_TRUE(if_range_allows("", kEtag, kLastModified));
  EXPECT_TRUE(if_range_allows("  ", kEtag, kLastModified));
}

TEST(IfRange, same_strong_tag_allows_range) {
  EXPECT_TRUE(if_range_allows("\"abc\"", kEtag, kLastModified));
  EXPECT_TRUE(if_range_allows(" \"abc\" ", kEtag, kLastModified));
}

TEST(IfRange, different_tag_sends_full_body) {
  EXPECT_FALSE(if_range_allows("\"abd\"", kEtag, kLastModified));
}

TEST(IfRange, weak_request_tag_never_matches) {
  EXPECT_FALSE(if_range_allows("W/\"abc\"", kEtag, kLastModified));
}

TEST(IfRange, weak_current_tag_never_matches) {
  EXPECT_FALSE(if_range_allows("\"abc\"", kWeakEtag, kLastModified));
  EXPECT_FALSE(if_range_allows("W/\"abc\"", kWeakEtag, kLastModified));
}

TEST(IfRange, list_of_tags_is_malformed) {
  EXPECT_FALSE(if_range_allows("\"abc\", \"abc\"", kEtag, kLastModified));
}

TEST(IfRange, star_is_malformed) {
  EXPECT_FALSE(if_range_allows("*", kEtag, kLastModified));
}

TEST(IfRange, exact_last_modified_date_allows_range) {
  EXPECT_TRUE(if_range_allows("Sun, 06 Nov 1994 08:49:37 GMT", kEtag, kLastModified));
  EXPECT_TRUE(if_range_allows(http_date(kLastModified), "", kLastModified));
}

TEST(IfRange, obsolete_date_forms_are_understood) {
  EXPECT_TRUE(if_range_allows("Sunday, 06-Nov-94 08:49:37 GMT", kEtag, kLastModified));
  EXPECT_TRUE(if_range_allows("Sun Nov  6 08:49:37 1994", kEtag, kLastModified));
}

TEST(IfRange, older_or_newer_date_sends_full_body) {
  EXPECT_FALSE(if_range_allows("Sun, 06 Nov 1994 08:49:36 GMT", kEtag, kLastModified));
  EXPECT_FALSE(if_range_allows("Sun, 06 Nov 1994 08:49:38 GMT", kEtag, kLastModified));
}

TEST(IfRange, unparseable_value_sends_full_body) {
  EXPECT_FALSE(if_range_allows("yesterday", kEtag, kLastModified));
  EXPECT_FALSE(if_range_allows("abc", "abc", kLastModified));
  EXPECT_FALSE(if_range_allows("\"abc", kEtag, kLastModified));
  EXPECT_FALSE(if_range_allows("784111777", kEtag, kLastModified));
}

TEST(IfRange, tag_never_matches_a_resource_without_etag) {
  EXPECT_FALSE(if_range_allows("\"abc\"", "", kLastModified));
}

}  // namespace
}  // namespace volkrin::http
