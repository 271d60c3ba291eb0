// Access log lines: morgan's dev and combined formats, JSON, secret redaction, hostile bytes.
#include "http/access_log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace volkrin::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 2023-11-14T22:13:20.123Z
constexpr std::int64_t kTimeMs = 1'700'000'000'123;

AccessEntry sample_entry() {
  AccessEntry e;
  e.method = "GET";
  e.target = "/api/tracks?limit=5";
  e.route = "/api/tracks";
  e.status = 200;
  e.duration_ms = 12.3456;
  e.bytes = 512;
  e.time_ms = kTimeMs;
  e.remote_address = "203.0.113.7";
  e.referrer = "https://app.example/";
  e.user_agent = "curl/8.4.0";
  e.request_id = "req-1";
  return e;
}

TEST(AccessLog, dev_format_is_morgans_dev_line) {
  EXPECT_EQ(format_access_line(LogFormat::dev, sample_entry()),
            "GET /api/tracks?limit=5 200 12.346 ms - 512");
}

TEST(AccessLog, combined_format_is_morgans_combined_line) {
  EXPECT_EQ(format_access_line(LogFormat::combined, sample_entry()),
            "203.0.113.7 - - [14/Nov/2023:22:13:20 +0000] \"GET /api/tracks?limit=5 HTTP/1.1\" 200 "
            "512 \"https://app.example/\" \"curl/8.4.0\"");
}

TEST(AccessLog, combined_format_shows_http_version_and_dashes_for_missing_fields) {
  AccessEntry e = sample_entry();
  e.http_version = 10;
  e.referrer = "";
  e.user_agent = "";
  e.remote_address = "";
  EXPECT_EQ(format_access_line(LogFormat::combined, e),
            "- - - [14/Nov/2023:22:13:20 +0000] \"GET /api/tracks?limit=5 HTTP/1.0\" 200 512 "
            "\"-\" \"-\"");
}

TEST(AccessLog, json_format_is_one_object_with_the_contracts_fields) {
  EXPECT_EQ(format_access_line(LogFormat::json, sample_entry()),
            R"({"time":"2023-11-14T22:13:20.123Z","level":"info","msg":"request",)"
            R"("requestId":"req-1","method":"GET","url":"/api/tracks?limit=5",)"
            R"("route":"/api/tracks","status":200,"durationMs":12.346,"bytes":512,)"
            R"("remoteAddr":"203.0.113.7","userAgent":"curl/8.4.0"})");
}

TEST(AccessLog, json_format_names_the_user_when_there_is_one) {
  AccessEntry e = sample_entry();
  e.user_id = "65f0a1b2c3d4e5f600000001";
  const std::string line = format_access_line(LogFormat::json, e);
  EXPECT_THAT(line, HasSubstr(R"("userAgent":"curl/8.4.0","userId":"65f0a1b2c3d4e5f600000001"})"));
  EXPECT_EQ(boost::json::parse(line).at("userId").as_string(), "65f0a1b2c3d4e5f600000001");
}

TEST(AccessLog, signature_and_token_query_values_are_redacted) {
  EXPECT_EQ(redact_target("/media/audio/x.mp3?expires=1700000300&sig=deadbeef"),
            "/media/audio/x.mp3?expires=1700000300&sig=REDACTED");
  EXPECT_EQ(redact_target("/a?token=abc&limit=5&access_token=xyz"),
            "/a?token=REDACTED&limit=5&access_token=REDACTED");
  EXPECT_EQ(redact_target("/s3?X-Amz-Signature=f00&X-Amz-Credential=AKIA%2F&x-amz-security-token=t&"
                          "X-Amz-Expires=300&Signature=s"),
            "/s3?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&x-amz-security-token=REDACTED&"
            "X-Amz-Expires=300&Signature=REDACTED");
}

TEST(AccessLog, redaction_leaves_other_parameters_and_paths_alone) {
  EXPECT_EQ(redact_target("/api/tracks"), "/api/tracks");
  EXPECT_EQ(redact_target("/api/sig=1?q=sig&signal=on&sig"), "/api/sig=1?q=sig&signal=on&sig");
  EXPECT_EQ(redact_target("/a?&&sig=&"), "/a?&&sig=REDACTED&");
}

TEST(AccessLog, every_format_redacts_the_target) {
  AccessEntry e = sample_entry();
  e.target = "/media/audio/x.mp3?expires=1&sig=deadbeefcafe";
  for (const auto format : {LogFormat::dev, LogFormat::combined, LogFormat::json}) {
    const std::string line = format_access_line(format, e);
    EXPECT_THAT(line, Not(HasSubstr("deadbeefcafe")));
    EXPECT_THAT(line, HasSubstr("sig=REDACTED"));
  }
}

TEST(AccessLog, control_characters_become_question_marks_in_text_formats) {
  AccessEntry e = sample_entry();
  e.target = "/x\r\nGET /forged HTTP/1.1";
  e.user_agent = "ua\x1b[31mred\x7f";
  e.referrer = "ref\tx";
  EXPECT_EQ(format_access_line(LogFormat::dev, e),
            "GET /x??GET /forged HTTP/1.1 200 12.346 ms - 512");
  EXPECT_EQ(
      format_access_line(LogFormat::combined, e),
      "203.0.113.7 - - [14/Nov/2023:22:13:20 +0000] \"GET /x??GET /forged HTTP/1.1 HTTP/1.1\" "
      "200 512 \"ref?x\" \"ua?[31mred?\"");
}

TEST(AccessLog, control_characters_quotes_and_backslashes_are_escaped_in_json) {
  AccessEntry e = sample_entry();
  e.target = "/x\r\n\"y\\";
  e.user_agent = "ua\x1b[31m\x7f\t";
  e.request_id = "";
  const std::string line = format_access_line(LogFormat::json, e);
  EXPECT_THAT(line, HasSubstr(R"("url":"/x\r\n\"y\\")"));
  EXPECT_THAT(line, HasSubstr(R"("userAgent":"ua\u001b[31m\u007f\t")"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto parsed = boost::json::parse(line);
  EXPECT_EQ(parsed.at("url").as_string(), "/x\r\n\"y\\");
  EXPECT_EQ(parsed.at("userAgent").as_string(), "ua\x1b[31m\x7f\t");
  EXPECT_EQ(parsed.at("requestId").as_string(), "");
}

TEST(AccessLog, json_line_stays_valid_utf8_whatever_bytes_the_client_sent) {
  AccessEntry e = sample_entry();
  // A valid "é" stays; a stray byte, an overlong '/', a surrogate and a truncated
  // sequence (all of which HTTP parsers let through in header values) do not.
  e.user_agent = "caf\xc3\xa9 \xff \xc0\xaf \xed\xa0\x80!";
  e.target = "/x?q=\xe2\x82";
  const std::string line = format_access_line(LogFormat::json, e);
  EXPECT_THAT(line, HasSubstr("\"userAgent\":\"caf\xc3\xa9 \\ufffd \\ufffd\\ufffd "
                              "\\ufffd\\ufffd\\ufffd!\""));
  boost::json::error_code ec;
  const auto parsed = boost::json::parse(line, ec);
  ASSERT_FALSE(ec) << ec.message() << ": " << line;
  EXPECT_EQ(parsed.at("userAgent").as_string(),
            "caf\xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
  EXPECT_THAT(std::string(parsed.at("url").as_string()),
              ::testing::StartsWith("/x?q=\xef\xbf\xbd"));
}

TEST(AccessLog, json_keeps_four_byte_utf8_as_it_is) {
  AccessEntry e = sample_entry();
  e.user_agent = "\xf0\x9f\x8e\xb5 player";
  EXPECT_THAT(format_access_line(LogFormat::json, e),
              HasSubstr("\"userAgent\":\"\xf0\x9f\x8e\xb5 player\""));
}

}  // namespace
}  // namespace volkrin::http
