// Range header decisions for single byte ranges and the Content-Range values of 206 and 416.
#include "http/byte_range.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace volkrin::http {
namespace {

constexpr std::uint64_t kSize = 1000;

void expect_partial(std::string_view header, std::uint64_t size, std::uint64_t first,
                    std::uint64_t last) {
  const RangeDecision d = decide_range(header, size);
  EXPECT_EQ(d.kind, RangeKind::partial) << header;
  EXPECT_EQ(d.range.first, first) << header;
  EXPECT_EQ(d.range.last, last) << header;
}

void expect_kind(std::string_view header, std::uint64_t size, RangeKind kind) {
  EXPECT_EQ(decide_range(header, size).kind, kind) << "'" << header << "' size " << size;
}

TEST(ByteRange, empty_header_serves_full_body) {
  expect_kind("", kSize, RangeKind::full);
}

TEST(ByteRange, blank_header_serves_full_body) {
  expect_kind("  \t ", kSize, RangeKind::full);
}

TEST(ByteRange, closed_range_is_partial) {
  expect_partial("bytes=0-99", kSize, 0, 99);
  EXPECT_EQ(decide_range("bytes=0-99", kSize).range.length(), 100u);
}

TEST(ByteRange, single_byte_range_is_partial) {
  expect_partial("bytes=5-5", kSize, 5, 5);
}

TEST(ByteRange, range_covering_whole_body_is_still_partial) {
  expect_partial("bytes=0-999", kSize, 0, 999);
}

TEST(ByteRange, open_ended_range_runs_to_last_byte) {
  expect_partial("bytes=100-", kSize, 100, 999);
}

TEST(ByteRange, open_ended_range_from_last_byte_is_one_byte) {
  expect_partial("bytes=999-", kSize, 999, 999);
}

TEST(ByteRange, suffix_range_selects_last_bytes) {
  expect_partial("bytes=-500", kSize, 500, 999);
}

TEST(ByteRange, suffix_range_of_one_selects_last_byte) {
  expect_partial("bytes=-1", kSize, 999, 999);
}

TEST(ByteRange, suffix_larger_than_body_selects_whole_body_as_partial) {
  expect_partial("bytes=-5000", kSize, 0, 999);
  expect_partial("bytes=-1000", kSize, 0, 999);
}

TEST(ByteRange, last_position_beyond_end_is_clamped) {
  expect_partial("bytes=900-5000", kSize, 900, 999);
  expect_partial("bytes=0-18446744073709551615", kSize, 0, 999);
}

TEST(ByteRange, first_position_at_or_after_end_is_unsatisfiable) {
  expect_kind("bytes=1000-", kSize, RangeKind::unsatisfiable);
  expect_kind("bytes=1000-1001", kSize, RangeKind::unsatisfiable);
  expect_kind("bytes=5000-6000", kSize, RangeKind::unsatisfiable);
}

TEST(ByteRange, unsatisfiable_decision_carries_no_range) {
  const RangeDecision d = decide_range("bytes=5000-", kSize);
  EXPECT_EQ(d.range.first, 0u);
  EXPECT_EQ(d.range.last, 0u);
}

TEST(ByteRange, suffix_of_zero_is_unsatisfiable) {
  expect_kind("bytes=-0", kSize, RangeKind::unsatisfiable);
  expect_kind("bytes=-000", kSize, RangeKind::unsatisfiable);
}

TEST(ByteRange, any_valid_range_on_empty_body_is_unsatisfiable) {
  expect_kind("bytes=0-0", 0, RangeKind::unsatisfiable);
  expect_kind("bytes=0-", 0, RangeKind::unsatisfiable);
  expect_kind("bytes=-1", 0, RangeKind::unsatisfiable);
  expect_kind("bytes=-500", 0, RangeKind::unsatisfiable);
}

TEST(ByteRange, invalid_range_on_empty_body_serves_full_body) {
  expect_kind("", 0, RangeKind::full);
  expect_kind("bytes=x-1", 0, RangeKind::full);
}

TEST(ByteRange, whitespace_around_tokens_is_tolerated) {
  expect_partial(" bytes=0-99 ", kSize, 0, 99);
  expect_partial("bytes = 0 - 99", kSize, 0, 99);
  expect_partial("bytes=\t10-\t", kSize, 10, 999);
  expect_partial("bytes= - 10", kSize, 990, 999);
}

TEST(ByteRange, whitespace_inside_a_number_is_invalid) {
  expect_kind("bytes=1 0-20", kSize, RangeKind::full);
}

TEST(ByteRange, unit_is_case_insensitive) {
  expect_partial("Bytes=0-9", kSize, 0, 9);
}

TEST(ByteRange, leading_zeros_are_plain_digits) {
  expect_partial("bytes=007-010", kSize, 7, 10);
}

TEST(ByteRange, other_unit_serves_full_body) {
  expect_kind("items=0-9", kSize, RangeKind::full);
  expect_kind("bytesx=0-9", kSize, RangeKind::full);
  expect_kind("=0-9", kSize, RangeKind::full);
}

TEST(ByteRange, syntax_errors_serve_full_body) {
  for (const std::string_view header :
       {"bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=5", "bytes=a-9", "bytes=0-b",
        "bytes=0-9-", "bytes=1-2-3", "bytes=0x10-20", "bytes=0-99;", "0-99", "bytes 0-99",
        "bytes=--5", "bytes=0--5"}) {
    expect_kind(header, kSize, RangeKind::full);
  }
}

TEST(ByteRange, signed_numbers_serve_full_body) {
  expect_kind("bytes=+1-5", kSize, RangeKind::full);
  expect_kind("bytes=1-+5", kSize, RangeKind::full);
  expect_kind("bytes=-+5", kSize, RangeKind::full);
}

TEST(ByteRange, last_before_first_serves_full_body) {
  expect_kind("bytes=10-5", kSize, RangeKind::full);
  expect_kind("bytes=5000-10", kSize, RangeKind::full);
}

TEST(ByteRange, overflowing_numbers_serve_full_body) {
  expect_kind("bytes=18446744073709551616-", kSize, RangeKind::full);
  expect_kind("bytes=0-18446744073709551616", kSize, RangeKind::full);
  expect_kind("bytes=-18446744073709551616", kSize, RangeKind::full);
  expect_kind("bytes=99999999999999999999999999-", kSize, RangeKind::full);
}

TEST(ByteRange, largest_numbers_that_fit_are_accepted) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  expect_partial("bytes=-18446744073709551615", kSize, 0, 999);
  expect_partial("bytes=18446744073709551614-", kMax, kMax - 1, kMax - 1);
  expect_kind("bytes=18446744073709551615-", kMax, RangeKind::unsatisfiable);
}

TEST(ByteRange, multiple_ranges_serve_full_body) {
  expect_kind("bytes=0-1,5-6", kSize, RangeKind::full);
  expect_kind("bytes=0-1, 5-6", kSize, RangeKind::full);
  expect_kind("bytes=-5,0-1", kSize, RangeKind::full);
  expect_kind("bytes=5000-,6000-", kSize, RangeKind::full);
}

TEST(ByteRange, empty_list_elements_are_skipped) {
  expect_partial("bytes=0-99,", kSize, 0, 99);
  expect_partial("bytes=, ,0-99", kSize, 0, 99);
  expect_kind("bytes=,", kSize, RangeKind::full);
}

TEST(ByteRange, content_range_names_range_and_size) {
  EXPECT_EQ(content_range(ByteRange{0, 99}, 1000), "bytes 0-99/1000");
  EXPECT_EQ(content_range(ByteRange{999, 999}, 1000), "bytes 999-999/1000");
}

TEST(ByteRange, content_range_of_decision_matches_request) {
  const RangeDecision d = decide_range("bytes=-500", kSize);
  EXPECT_EQ(content_range(d.range, kSize), "bytes 500-999/1000");
}

TEST(ByteRange, unsatisfied_content_range_names_only_size) {
  EXPECT_EQ(unsatisfied_content_range(1000), "bytes */1000");
  EXPECT_EQ(unsatisfied_content_range(0), "bytes */0");
}

}  // namespace
}  // namespace volkrin::http
