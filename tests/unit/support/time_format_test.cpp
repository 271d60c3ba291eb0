// Unit tests for clock readings and the ISO 8601, CLF and HTTP date formats.
#include "support/time_format.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace volkrin {
namespace {

TEST(TimeFormat, now_ms_and_now_seconds_agree_with_system_clock) {
  const auto sys = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(std::abs(now_ms() - sys), 2000);
  EXPECT_LE(std::abs(now_seconds() - sys / 1000), 2);
}

TEST(TimeFormat, iso8601_ms_formats_epoch) {
  EXPECT_EQ(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
}

TEST(TimeFormat, iso8601_ms_formats_known_instant) {
  EXPECT_EQ(iso8601_ms(1725186030123), "2024-09-01T10:20:30.123Z");
}

TEST(TimeFormat, iso8601_ms_formats_instants_before_epoch_and_leap_day) {
  EXPECT_EQ(iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601_ms(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(TimeFormat, parse_iso8601_round_trips_formatted_values) {
  for (const std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1725186030123}, std::int64_t{-1}, std::int64_t{-500},
        std::int64_t{951782400000}, std::int64_t{253402300799999}, std::int64_t{1}}) {
    EXPECT_EQ(parse_iso8601(iso8601_ms(ms)), ms) << ms;
  }
  const std::int64_t now = now_ms();
  EXPECT_EQ(parse_iso8601(iso8601_ms(now)), now);
}

TEST(TimeFormat, parse_iso8601_accepts_no_fraction_and_explicit_offsets) {
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30Z"), 1725186030000);
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30.123+00:00"), 1725186030123);
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30+00:00"), 1725186030000);
  EXPECT_EQ(parse_iso8601("2024-09-01T12:20:30.123+02:00"), 1725186030123);
  EXPECT_EQ(parse_iso8601("2024-09-01T05:20:30.123-05:00"), 1725186030123);
}

TEST(TimeFormat, parse_iso8601_reads_fractions_of_other_lengths) {
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30.1Z"), 1725186030100);
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30.12Z"), 1725186030120);
  EXPECT_EQ(parse_iso8601("2024-09-01T10:20:30.123456Z"), 1725186030123);
}

TEST(TimeFormat, parse_iso8601_rejects_garbage) {
  for (const char* text : {"",
                           "garbage",
                           "2024-09-01",
                           "2024-09-01T10:20:30",
                           "2024-09-01 10:20:30Z",
                           "2024-09-01T10:20:30.Z",
                           "2024-09-01T10:20:30.123",
                           "2024-09-01T10:20:30.123Zx",
                           "2024-13-01T10:20:30Z",
                           "2024-00-01T10:20:30Z",
                           "2023-02-29T10:20:30Z",
                           "2024-09-31T10:20:30Z",
                           "2024-09-01T24:00:00Z",
                           "2024-09-01T10:60:30Z",
                           "2024-09-01T10:20:60Z",
                           "2024-9-01T10:20:30Z",
                           "+2024-09-01T10:20:30Z",
                           "2024-09-01T10:20:30+0000",
                           "2024-09-01T10:20:30+24:00",
                           "2024-09-01t10:20:30z",
                           "2024-09-01T10:20:30.1234567890Z",
                           " 2024-09-01T10:20:30Z"}) {
    EXPECT_FALSE(parse_iso8601(text).has_value()) << text;
  }
}

TEST(TimeFormat, parse_iso8601_accepts_leap_day) {
  EXPECT_EQ(parse_iso8601("2024-02-29T23:59:59Z"), std::int64_t{1709251199} * 1000);
}

TEST(TimeFormat, clf_date_matches_combined_log_format) {
  EXPECT_EQ(clf_date(std::int64_t{971186136} * 1000 + 999), "10/Oct/2000:13:55:36 +0000");
  EXPECT_EQ(clf_date(0), "01/Jan/1970:00:00:00 +0000");
  EXPECT_EQ(clf_date(1725186030123), "01/Sep/2024:10:20:30 +0000");
}

TEST(TimeFormat, http_date_matches_imf_fixdate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(1725186030), "Sun, 01 Sep 2024 10:20:30 GMT");
}

TEST(TimeFormat, parse_http_date_round_trips) {
  for (const std::int64_t s : {std::int64_t{0}, std::int64_t{784111777}, std::int64_t{1725186030},
                               std::int64_t{1709251199}, now_seconds()}) {
    EXPECT_EQ(parse_http_date(http_date(s)), s) << s;
  }
}

TEST(TimeFormat, parse_http_date_accepts_obsolete_forms) {
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(parse_http_date("Sun Nov 16 08:49:37 1994"), 784111777 + 10 * 86400);
}

TEST(TimeFormat, parse_http_date_rejects_garbage) {
  for (const char* text :
       {"", "garbage", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Sun,06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"}) {
    EXPECT_FALSE(parse_http_date(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace volkrin
