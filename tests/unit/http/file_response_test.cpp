// file_response over a real file: validators, full and partial bodies, 304 and 416.
#include "http/file_response.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cerrno>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include "http/fake_request.hpp"
#include "test_support.hpp"

namespace volkrin::http {
namespace {

using test::FakeRequest;

constexpr std::uint64_t kSize = 1000;
constexpr std::string_view kEtag = "\"3e8-18c9e2\"";
// Sun, 06 Nov 1994 08:49:37 GMT, with milliseconds that the header drops.
constexpr std::int64_t kModifiedMs = 784111777'456;
constexpr std::string_view kLastModified = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr std::string_view kType = "audio/mpeg";
constexpr std::string_view kCacheControl = "private, max-age=300";

class FileResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = dir_.path() / "object.bin";
    std::ofstream(file, std::ios::binary) << std::string(kSize, 'a');
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "open");
    object_ = std::make_shared<OpenFile>(UniqueFd(fd), kSize, kModifiedMs, std::string(kEtag));
  }

  Response answer(const FakeRequest& request, std::string_view cache_control = kCacheControl) {
    return file_response(request, object_, kType, cache_control);
  }

  test::TempDir dir_;
  std::shared_ptr<OpenFile> object_;
};

std::string message_of(const Response& r) {
  const boost::json::value parsed = boost::json::parse(r.body);
  const auto& text = parsed.as_object().at("message").as_string();
  return std::string(text.data(), text.size());
}

TEST_F(FileResponseTest, plain_get_sends_the_whole_file_with_validators_and_caching) {
  const Response r = answer(FakeRequest("GET", "/media/x"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kType);
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.header("ETag"), kEtag);
  EXPECT_EQ(r.header("Last-Modified"), kLastModified);
  EXPECT_EQ(r.header("Cache-Control"), kCacheControl);
  EXPECT_EQ(r.header("Content-Range"), "");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->file, object_);
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_EQ(r.file->length, kSize);
  EXPECT_EQ(r.body_size(), kSize);
}

TEST_F(FileResponseTest, empty_cache_control_sends_no_cache_control_header) {
  const Response r = answer(FakeRequest("GET", "/media/x"), "");
  EXPECT_EQ(r.status, 200);
  for (const auto& [name, value] : r.headers) EXPECT_NE(name, "Cache-Control") << value;
}

TEST_F(FileResponseTest, closed_range_sends_206_with_that_slice_of_the_file) {
  const Response r = answer(FakeRequest("GET", "/media/x").with_header("Range", "bytes=100-199"));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 100-199/1000");
  EXPECT_EQ(r.header("ETag"), kEtag);
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->file, object_);
  EXPECT_EQ(r.file->offset, 100u);
  EXPECT_EQ(r.file->length, 100u);
}

TEST_F(FileResponseTest, open_ended_range_runs_to_the_end_of_the_file) {
  const Response r = answer(FakeRequest("GET", "/media/x").with_header("Range", "bytes=990-"));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 990-999/1000");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 990u);
  EXPECT_EQ(r.file->length, 10u);
}

TEST_F(FileResponseTest, suffix_range_sends_the_last_bytes) {
  const Response r = answer(FakeRequest("GET", "/media/x").with_header("Range", "bytes=-100"));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 900-999/1000");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 900u);
  EXPECT_EQ(r.file->length, 100u);
}

TEST_F(FileResponseTest, range_starting_at_the_end_is_unsatisfiable) {
  const Response r = answer(FakeRequest("GET", "/media/x").with_header("Range", "bytes=1000-"));
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("Content-Range"), "bytes */1000");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.header("ETag"), kEtag);
  EXPECT_EQ(r.header("Last-Modified"), kLastModified);
  EXPECT_FALSE(r.file);
  EXPECT_EQ(message_of(r), "Requested range not satisfiable");
}

TEST_F(FileResponseTest, malformed_range_sends_the_whole_file) {
  const Response r = answer(FakeRequest("GET", "/media/x").with_header("Range", "bytes=20-10"));
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->length, kSize);
}

TEST_F(FileResponseTest, matching_if_none_match_answers_304_without_body) {
  const Response r =
      answer(FakeRequest("GET", "/media/x").with_header("If-None-Match", std::string(kEtag)));
  EXPECT_EQ(r.status, 304);
  EXPECT_FALSE(r.file);
  EXPECT_EQ(r.body_size(), 0u);
  EXPECT_EQ(r.header("ETag"), kEtag);
  EXPECT_EQ(r.header("Cache-Control"), kCacheControl);
}

TEST_F(FileResponseTest, if_none_match_takes_precedence_over_range) {
  const Response r = answer(FakeRequest("GET", "/media/x")
                                .with_header("If-None-Match", "\"other\", " + std::string(kEtag))
                                .with_header("Range", "bytes=0-9"));
  EXPECT_EQ(r.status, 304);
  EXPECT_FALSE(r.file);
}

TEST_F(FileResponseTest, different_if_none_match_sends_the_file) {
  const Response r =
      answer(FakeRequest("GET", "/media/x").with_header("If-None-Match", "\"stale\""));
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->length, kSize);
}

TEST_F(FileResponseTest, if_range_with_another_etag_sends_the_whole_file) {
  const Response r = answer(FakeRequest("GET", "/media/x")
                                .with_header("Range", "bytes=100-199")
                                .with_header("If-Range", "\"stale\""));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Range"), "");
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 0u);
  EXPECT_EQ(r.file->length, kSize);
}

TEST_F(FileResponseTest, if_range_with_the_current_etag_honours_the_range) {
  const Response r = answer(FakeRequest("GET", "/media/x")
                                .with_header("Range", "bytes=100-199")
                                .with_header("If-Range", std::string(kEtag)));
  EXPECT_EQ(r.status, 206);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->offset, 100u);
}

TEST_F(FileResponseTest, if_range_with_the_last_modified_date_honours_the_range) {
  const Response r = answer(FakeRequest("GET", "/media/x")
                                .with_header("Range", "bytes=-1")
                                .with_header("If-Range", std::string(kLastModified)));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("Content-Range"), "bytes 999-999/1000");
}

TEST_F(FileResponseTest, if_range_that_fails_also_skips_the_unsatisfiable_check) {
  const Response r = answer(FakeRequest("GET", "/media/x")
                                .with_header("Range", "bytes=5000-")
                                .with_header("If-Range", "\"stale\""));
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.file);
  EXPECT_EQ(r.file->length, kSize);
}

}  // namespace
}  // namespace volkrin::http
