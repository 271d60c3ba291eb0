// Request framing: which Transfer-Encoding / Content-Length combinations are read, and how,
// and which are refused so that no body can be taken for another request.
#include "http/request_framing.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <initializer_list>
#include <string>
#include <vector>

namespace volkrin::http {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kChunkedNotLast =
    "Transfer-Encoding must end with chunked, applied once";
constexpr std::string_view kMalformedCoding = "Malformed Transfer-Encoding";
constexpr std::string_view kUnsupportedCoding = "Only the chunked transfer coding is supported";
constexpr std::string_view kCodingInHttp10 =
    "Transfer-Encoding is not allowed in an HTTP/1.0 request";
constexpr std::string_view kCodingAndLength =
    "Transfer-Encoding and Content-Length must not both be sent";
constexpr std::string_view kInvalidLength = "Invalid Content-Length";
constexpr std::string_view kConflictingLengths = "Conflicting Content-Length values";

using Lines = std::initializer_list<std::string_view>;

FramingDecision decide(Lines coding, Lines length = {}, unsigned version = 11) {
  const std::vector<std::string_view> te(coding), cl(length);
  return decide_framing(version, te, cl);
}

void expect_refused(const FramingDecision& d, int status, std::string_view message) {
  EXPECT_TRUE(d.refused());
  EXPECT_EQ(d.status, status);
  EXPECT_EQ(d.message, message);
}

void expect_chunked(const FramingDecision& d) {
  EXPECT_FALSE(d.refused()) << d.message;
  EXPECT_EQ(d.body, BodyFraming::chunked);
}

TEST(RequestFraming, no_framing_fields_mean_no_body) {
  const auto d = decide({});
  EXPECT_FALSE(d.refused());
  EXPECT_EQ(d.body, BodyFraming::none);
}

TEST(RequestFraming, content_length_gives_the_length) {
  const auto d = decide({}, {"42"});
  EXPECT_FALSE(d.refused());
  EXPECT_EQ(d.body, BodyFraming::length);
  EXPECT_EQ(d.length, 42u);
}

TEST(RequestFraming, content_length_zero_means_no_body) {
  EXPECT_EQ(decide({}, {"0"}).body, BodyFraming::none);
}

TEST(RequestFraming, the_largest_length_is_read) {
  EXPECT_EQ(decide({}, {"18446744073709551615"}).length, 18446744073709551615u);
}

TEST(RequestFraming, identical_lengths_repeated_are_one_length) {
  const auto d = decide({}, {"7, 7", " 7 ", "07"});
  EXPECT_FALSE(d.refused()) << d.message;
  EXPECT_EQ(d.length, 7u);
}

TEST(RequestFraming, different_lengths_are_refused) {
  expect_refused(decide({}, {"7, 8"}), 400, kConflictingLengths);
  expect_refused(decide({}, {"7", "8"}), 400, kConflictingLengths);
}

TEST(RequestFraming, a_length_that_is_not_a_decimal_number_is_refused) {
  for (std::string_view value :
       {"", " ", "abc", "-1", "+1", "1.0", "0x10", "1 2", "7,", ",7", "7,,7", "1e3",
        "18446744073709551616", "99999999999999999999999"}) {
    expect_refused(decide({}, {value}), 400, kInvalidLength);
  }
}

TEST(RequestFraming, chunked_alone_is_read_as_chunks) {
  expect_chunked(decide({"chunked"}));
}

TEST(RequestFraming, chunked_is_matched_in_any_case_and_with_surrounding_whitespace) {
  expect_chunked(decide({"Chunked"}));
  expect_chunked(decide({"CHUNKED"}));
  expect_chunked(decide({" \tchunked\t "}));
}

TEST(RequestFraming, empty_list_elements_are_ignored) {
  expect_chunked(decide({", chunked ,"}));
  expect_chunked(decide({"", "chunked"}));
}

TEST(RequestFraming, a_last_coding_other_than_chunked_is_refused) {
  for (std::string_view value : {"identity", "gzip", "xchunked", "chunkedx", "chunked, identity",
                                 "chunked, gzip", "", ","}) {
    expect_refused(decide({value}), 400, kChunkedNotLast);
  }
}

TEST(RequestFraming, chunked_applied_twice_is_refused) {
  expect_refused(decide({"chunked, chunked"}), 400, kChunkedNotLast);
  expect_refused(decide({"chunked", "chunked"}), 400, kChunkedNotLast);
  expect_refused(decide({"chunked", "gzip, chunked"}), 400, kChunkedNotLast);
}

TEST(RequestFraming, lines_are_joined_in_order) {
  expect_refused(decide({"chunked", "identity"}), 400, kChunkedNotLast);
  expect_refused(decide({"identity", "chunked"}), 501, kUnsupportedCoding);
}

TEST(RequestFraming, a_coding_that_is_not_a_bare_token_is_refused) {
  for (std::string_view value : {"chunked;q=1", "chunked ;q=1", "gzip;level=1, chunked",
                                 "gzip chunked", "\"chunked\"", "chunked\x01", "chun ked"}) {
    expect_refused(decide({value}), 400, kMalformedCoding);
  }
}

TEST(RequestFraming, another_coding_before_chunked_is_not_implemented) {
  expect_refused(decide({"gzip, chunked"}), 501, kUnsupportedCoding);
  expect_refused(decide({"identity, chunked"}), 501, kUnsupportedCoding);
}

TEST(RequestFraming, transfer_encoding_in_http_1_0_is_refused) {
  expect_refused(decide({"chunked"}, {}, 10), 400, kCodingInHttp10);
  expect_refused(decide({"identity"}, {}, 10), 400, kCodingInHttp10);
}

TEST(RequestFraming, content_length_in_http_1_0_is_read) {
  EXPECT_EQ(decide({}, {"3"}, 10).length, 3u);
}

TEST(RequestFraming, transfer_encoding_beside_content_length_is_refused) {
  expect_refused(decide({"chunked"}, {"2"}), 400, kCodingAndLength);
  expect_refused(decide({"identity"}, {"2"}), 400, kCodingAndLength);
  expect_refused(decide({""}, {"2"}), 400, kCodingAndLength);
}

TEST(RequestFraming, decides_from_the_fields_of_a_parsed_header) {
  bhttp::fields header;
  header.insert(bhttp::field::transfer_encoding, "chunked");
  header.insert(bhttp::field::transfer_encoding, "identity");
  expect_refused(decide_framing(11, header), 400, kChunkedNotLast);

  bhttp::fields lengths;
  lengths.insert(bhttp::field::content_length, "5");
  lengths.insert(bhttp::field::content_length, "5");
  EXPECT_EQ(decide_framing(11, lengths).length, 5u);
}

TEST(RequestFraming, the_parser_must_agree_with_the_decision) {
  FramingDecision chunked;
  chunked.body = BodyFraming::chunked;
  EXPECT_TRUE(parser_agrees(chunked, true, std::nullopt));
  EXPECT_FALSE(parser_agrees(chunked, false, std::nullopt));

  FramingDecision length;
  length.body = BodyFraming::length;
  length.length = 9;
  EXPECT_TRUE(parser_agrees(length, false, 9));
  EXPECT_FALSE(parser_agrees(length, false, 8));
  EXPECT_FALSE(parser_agrees(length, true, std::nullopt));

  const FramingDecision none;
  EXPECT_TRUE(parser_agrees(none, false, std::nullopt));
  EXPECT_TRUE(parser_agrees(none, false, 0));
  EXPECT_FALSE(parser_agrees(none, true, std::nullopt));
  EXPECT_FALSE(parser_agrees(none, false, 1));
}

TEST(RequestFraming, parser_refusals_name_the_conflict) {
  bhttp::fields length_first;
  length_first.insert(bhttp::field::content_length, "2");
  const auto coding_after_length =
      framing_refusal(bhttp::make_error_code(bhttp::error::bad_transfer_encoding), length_first);
  ASSERT_TRUE(coding_after_length);
  expect_refused(*coding_after_length, 400, kCodingAndLength);

  bhttp::fields chunked_first;
  chunked_first.insert(bhttp::field::transfer_encoding, "chunked");
  const auto second_coding =
      framing_refusal(bhttp::make_error_code(bhttp::error::bad_transfer_encoding), chunked_first);
  ASSERT_TRUE(second_coding);
  expect_refused(*second_coding, 400, kChunkedNotLast);

  const auto length_after_chunked =
      framing_refusal(bhttp::make_error_code(bhttp::error::bad_content_length), chunked_first);
  ASSERT_TRUE(length_after_chunked);
  expect_refused(*length_after_chunked, 400, kCodingAndLength);

  const auto bad_length =
      framing_refusal(bhttp::make_error_code(bhttp::error::bad_content_length), bhttp::fields{});
  ASSERT_TRUE(bad_length);
  expect_refused(*bad_length, 400, kInvalidLength);

  const auto two_lengths = framing_refusal(
      bhttp::make_error_code(bhttp::error::multiple_content_length), bhttp::fields{});
  ASSERT_TRUE(two_lengths);
  expect_refused(*two_lengths, 400, kConflictingLengths);
}

TEST(RequestFraming, other_parser_errors_are_not_framing_refusals) {
  EXPECT_FALSE(framing_refusal(bhttp::make_error_code(bhttp::error::bad_field), bhttp::fields{}));
  EXPECT_FALSE(framing_refusal(bhttp::make_error_code(bhttp::error::bad_version), bhttp::fields{}));
}

TEST(RequestFraming, a_malformed_chunked_body_is_refused_with_400) {
  for (auto e :
       {bhttp::error::bad_chunk, bhttp::error::bad_chunk_extension, bhttp::error::bad_line_ending,
        bhttp::error::bad_field, bhttp::error::buffer_overflow}) {
    const auto refusal = body_refusal(bhttp::make_error_code(e));
    ASSERT_TRUE(refusal) << bhttp::make_error_code(e).message();
    expect_refused(*refusal, 400, "Malformed chunked body");
  }
}

TEST(RequestFraming, a_body_cut_short_is_not_a_refusal) {
  EXPECT_FALSE(body_refusal(bhttp::make_error_code(bhttp::error::partial_message)));
  EXPECT_FALSE(body_refusal(bhttp::make_error_code(bhttp::error::end_of_stream)));
  EXPECT_FALSE(body_refusal(boost::asio::error::connection_reset));
  EXPECT_FALSE(body_refusal(boost::asio::error::eof));
}

}  // namespace
}  // namespace volkrin::http
