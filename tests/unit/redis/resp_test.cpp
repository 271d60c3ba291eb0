// RESP2 parser and encoder: every reply type, binary data, split reads and refused input.
#include "redis/resp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace volkrin::redis {
namespace {

using Type = RespValue::Type;

// Every reply in `wire`, fed in one piece.
std::vector<RespValue> parse_all(std::string_view wire) {
  RespParser parser;
  parser.feed(wire);
  std::vector<RespValue> replies;
  while (auto reply = parser.next()) replies.push_back(std::move(*reply));
  EXPECT_EQ(parser.buffered(), 0u) << "bytes left over";
  return replies;
}

RespValue parse_one(std::string_view wire) {
  auto replies = parse_all(wire);
  EXPECT_EQ(replies.size(), 1u);
  return replies.empty() ? RespValue{} : replies.front();
}

void expect_protocol_error(std::string_view wire) {
  RespParser parser;
  parser.feed(wire);
  EXPECT_THROW(while (parser.next()){}, RespProtocolError) << wire;
}

TEST(RespParser, simple_string_error_and_integer) {
  const auto replies = parse_all("+OK\r\n-WRONGTYPE Operation against a key\r\n:42\r\n:-7\r\n");
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].type, Type::simple_string);
  EXPECT_EQ(replies[0].text, "OK");
  EXPECT_TRUE(replies[1].is_error());
  EXPECT_EQ(replies[1].text, "WRONGTYPE Operation against a key");
  EXPECT_EQ(replies[2].type, Type::integer);
  EXPECT_EQ(replies[2].integer, 42);
  EXPECT_EQ(replies[3].integer, -7);
}

TEST(RespParser, bulk_strings_are_binary_safe_and_may_hold_crlf) {
  const std::string value("a\r\nb\0c\r\n", 8);
  const auto reply = parse_one("$8\r\n" + value + "\r\n");
  EXPECT_EQ(reply.type, Type::bulk_string);
  EXPECT_EQ(reply.text, value);
}

TEST(RespParser, empty_bulk_string_is_not_null) {
  const auto reply = parse_one("$0\r\n\r\n");
  EXPECT_EQ(reply.type, Type::bulk_string);
  EXPECT_EQ(reply.text, "");
}

TEST(RespParser, null_bulk_string_and_null_array) {
  const auto replies = parse_all("$-1\r\n*-1\r\n");
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_TRUE(replies[0].is_null());
  EXPECT_TRUE(replies[1].is_null());
}

TEST(RespParser, arrays_nested) {
  const auto reply = parse_one("*3\r\n:1\r\n*2\r\n$3\r\nfoo\r\n$-1\r\n*0\r\n");
  ASSERT_EQ(reply.type, Type::array);
  ASSERT_EQ(reply.elements.size(), 3u);
  EXPECT_EQ(reply.elements[0].integer, 1);
  ASSERT_EQ(reply.elements[1].elements.size(), 2u);
  EXPECT_EQ(reply.elements[1].elements[0].text, "foo");
  EXPECT_TRUE(reply.elements[1].elements[1].is_null());
  EXPECT_EQ(reply.elements[2].type, Type::array);
  EXPECT_TRUE(reply.elements[2].elements.empty());
}

TEST(RespParser, replies_split_at_every_byte_come_out_whole) {
  const std::string wire = "+OK\r\n$5\r\nhe\r\nl\r\n*2\r\n:10\r\n-ERR x\r\n$-1\r\n";
  RespParser parser;
  std::vector<RespValue> replies;
  for (char c : wire) {
    parser.feed(std::string_view(&c, 1));
    while (auto reply = parser.next()) replies.push_back(std::move(*reply));
  }
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].text, "OK");
  EXPECT_EQ(replies[1].text, "he\r\nl");
  EXPECT_EQ(replies[2].elements[0].integer, 10);
  EXPECT_EQ(replies[2].elements[1].text, "ERR x");
  EXPECT_TRUE(replies[3].is_null());
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(RespParser, incomplete_reply_waits_for_more_bytes) {
  RespParser parser;
  parser.feed("$10\r\n01234");
  EXPECT_FALSE(parser.next().has_value());
  parser.feed("56789\r");
  EXPECT_FALSE(parser.next().has_value());
  parser.feed("\n+PONG\r\n");
  EXPECT_EQ(parser.next()->text, "0123456789");
  EXPECT_EQ(parser.next()->text, "PONG");
  EXPECT_FALSE(parser.next().has_value());
}

TEST(RespParser, reset_forgets_buffered_bytes) {
  RespParser parser;
  parser.feed("$10\r\n0123");
  parser.reset();
  parser.feed("+OK\r\n");
  EXPECT_EQ(parser.next()->text, "OK");
}

TEST(RespParser, malformed_input_is_refused) {
  expect_protocol_error("?what\r\n");
  expect_protocol_error("%1\r\n");  // RESP3 map
  expect_protocol_error(":12a\r\n");
  expect_protocol_error(":\r\n");
  expect_protocol_error(":+1\r\n");
  expect_protocol_error(":99999999999999999999\r\n");
  expect_protocol_error("$-2\r\n");
  expect_protocol_error("$abc\r\n");
  expect_protocol_error("$3\r\nabcd\r\n");  // no CRLF after the announced length
  expect_protocol_error("*-5\r\n");
  expect_protocol_error("$" + std::to_string(RespParser::kMaxBulk + 1) + "\r\n");
  expect_protocol_error("*" + std::to_string(RespParser::kMaxElements + 1) + "\r\n");
}

TEST(RespParser, nesting_and_line_length_are_bounded) {
  std::string deep;
  for (int i = 0; i <= RespParser::kMaxDepth; ++i) deep += "*1\r\n";
  expect_protocol_error(deep + ":1\r\n");
  std::string shallow;
  for (int i = 0; i < RespParser::kMaxDepth; ++i) shallow += "*1\r\n";
  EXPECT_EQ(parse_one(shallow + ":1\r\n").type, Type::array);

  expect_protocol_error("+" + std::string(RespParser::kMaxLine + 1, 'x'));
  EXPECT_EQ(parse_one("+" + std::string(RespParser::kMaxLine, 'x') + "\r\n").text.size(),
            RespParser::kMaxLine);
}

TEST(RespParser, huge_announced_array_does_not_allocate_ahead) {
  RespParser parser;
  parser.feed("*1000000\r\n:1\r\n");
  EXPECT_FALSE(parser.next().has_value());
}

TEST(RespEncode, commands_are_arrays_of_bulk_strings) {
  EXPECT_EQ(encode_command({"GET", "k"}), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  const std::string binary("v\r\n\0", 4);
  EXPECT_EQ(encode_command({"SET", "key", binary}),
            std::string("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\nv\r\n\0\r\n", 32));
  EXPECT_EQ(encode_command({"X", ""}), "*2\r\n$1\r\nX\r\n$0\r\n\r\n");
}

TEST(RespEncode, encoded_command_parses_back_as_the_same_arguments) {
  const auto reply = parse_one(encode_command({"EVAL", "return 1", "0"}));
  ASSERT_EQ(reply.elements.size(), 3u);
  EXPECT_EQ(reply.elements[0].text, "EVAL");
  EXPECT_EQ(reply.elements[1].text, "return 1");
  EXPECT_EQ(reply.elements[2].text, "0");
}

}  // namespace
}  // namespace volkrin::redis
