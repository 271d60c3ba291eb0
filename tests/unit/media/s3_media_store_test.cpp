// S3MediaStore: the MediaStore conformance suite against a real S3 service (s3rver in the
// test run), plus multipart uploads, presigned URLs, addressing and failure behaviour.
//
// The service comes from VOLKRIN_TEST_S3_ENDPOINT, VOLKRIN_TEST_S3_BUCKET,
// VOLKRIN_TEST_S3_ACCESS_KEY_ID and VOLKRIN_TEST_S3_SECRET_ACCESS_KEY (scripts/services/s3rver
// prints them). Without an endpoint the tests that need one are skipped, unless
// VOLKRIN_REQUIRE_SERVICES=1, which makes them fail instead.
#include "media/s3/s3_media_store.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "media/media_store_conformance.hpp"
#include "media/small_tmpfs.hpp"
#include "support/backend_failure.hpp"
#include "support/crypto.hpp"
#include "support/sigv4.hpp"
#include "support/time_format.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using test::media_key;
using test::pattern_bytes;
using test::put_object;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::size_t kMiB = std::size_t{1} << 20;

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

bool services_required() {
  return env("VOLKRIN_REQUIRE_SERVICES") == "1";
}

// A fatal failure of the running test, so that its body does not run even when the
// caller goes on to skip it.
void fail_missing_service() {
  FAIL() << "VOLKRIN_REQUIRE_SERVICES=1 but VOLKRIN_TEST_S3_ENDPOINT is not set";
}

// The test service's settings, or nullopt (after failing the test when it is required).
std::optional<S3Settings> service_settings() {
  const auto endpoint = env("VOLKRIN_TEST_S3_ENDPOINT");
  if (!endpoint) {
    if (services_required()) fail_missing_service();
    return std::nullopt;
  }
  S3Settings settings;
  settings.endpoint = *endpoint;
  settings.bucket = env("VOLKRIN_TEST_S3_BUCKET").value_or("volkrin-test");
  settings.access_key_id = env("VOLKRIN_TEST_S3_ACCESS_KEY_ID").value_or("S3RVER");
  settings.secret_access_key = env("VOLKRIN_TEST_S3_SECRET_ACCESS_KEY").value_or("S3RVER");
  return settings;
}

// A prefix no other test run uses, so that every test starts with an empty store.
std::string fresh_prefix() {
  return "test-" + crypto::hex_encode(crypto::random_bytes(8)) + "/";
}

S3StoreOptions spool_in(fs::path spool_dir, std::string key_prefix = "") {
  S3StoreOptions options;
  options.spool_dir = std::move(spool_dir);
  options.key_prefix = std::move(key_prefix);
  return options;
}

struct S3Backend {
  static constexpr bool kOpensLocalFiles = false;

  std::unique_ptr<MediaStore> open() {
    auto settings = service_settings();
    if (!settings) return nullptr;
    dir_.emplace();
    return std::make_unique<S3MediaStore>(*settings,
                                          spool_in(dir_->path() / "spool", fresh_prefix()));
  }
  void close() { dir_.reset(); }

 private:
  std::optional<test::TempDir> dir_;
};

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(S3, MediaStoreConformance, ::testing::Types<volkrin::S3Backend>);

namespace volkrin {
namespace {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string content_type;
};

// A plain HTTP GET of an absolute http:// URL, as a browser following a link would send it.
HttpResult http_get(const std::string& url, const std::string& range = "") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  const std::string_view rest = std::string_view(url).substr(std::string_view("http://").size());
  const auto slash = rest.find('/');
  const std::string authority(rest.substr(0, slash));
  const std::string target(rest.substr(slash));
  const auto colon = authority.rfind(':');

  boost::asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  boost::asio::connect(socket,
                       resolver.resolve(authority.substr(0, colon), authority.substr(colon + 1)));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, authority);
  if (!range.empty()) request.set(http::field::range, range);
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * kMiB);
  http::read(socket, buffer, parser);
  const auto& response = parser.get();
  return {response.result_int(), response.body(), std::string(response[http::field::content_type])};
}

// Operations the store sent, in order, with their body sizes.
class RequestLog {
 public:
  void record(std::string_view operation, std::size_t bytes) {
    const std::lock_guard lock(mutex_);
    entries_.emplace_back(std::string(operation), bytes);
  }
  std::vector<std::string> operations() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.first);
    return out;
  }
  std::vector<std::size_t> sizes_of(std::string_view operation) const {
    const std::lock_guard lock(mutex_);
    std::vector<std::size_t> out;
    for (const auto& entry : entries_) {
      if (entry.first == operation) out.push_back(entry.second);
    }
    return out;
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::size_t>> entries_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The value of one query parameter of a URL ("" when absent).
std::string query_param(const std::string& url, const std::string& name) {
  const auto at = url.find(name + "=");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 1;
  return url.substr(start, url.find('&', start) - start);
}

std::string replace_param(std::string url, const std::string& name, const std::string& value) {
  const auto at = url.find(name + "=");
  const auto start = at + name.size() + 1;
  const auto end = url.find('&', start);
  return url.replace(start, (end == std::string::npos ? url.size() : end) - start, value);
}

class S3MediaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = service_settings();
    if (!settings_) GTEST_SKIP() << "no S3 service (VOLKRIN_TEST_S3_ENDPOINT)";
  }

  S3MediaStore& store() {
    if (!store_) {
      S3StoreOptions options = spool_in(spool(), fresh_prefix());
      options.on_request = [this](std::string_view operation, std::size_t bytes) {
        log_.record(operation, bytes);
      };
      store_ = std::make_unique<S3MediaStore>(*settings_, std::move(options));
    }
    return *store_;
  }
  fs::path spool() const { return dir_.path() / "spool"; }

  test::TempDir dir_;
  std::optional<S3Settings> settings_;
  std::unique_ptr<S3MediaStore> store_;
  RequestLog log_;
};

TEST_F(S3MediaStoreTest, twenty_mib_goes_multipart_in_eight_mib_parts_and_arrives_intact) {
  const auto key = media_key(1, "long.flac");
  const std::string bytes = pattern_bytes(20 * kMiB + 5, 1);
  auto upload = store().begin_upload(key);
  for (std::size_t at = 0; at < bytes.size(); at += 256 * 1024) {
    upload->write(std::string_view(bytes).substr(at, 256 * 1024));
  }
  EXPECT_EQ(store().stat(key), std::nullopt) << "parts are not an object before commit";
  const auto staged = upload->staged_path();
  ASSERT_TRUE(staged.has_value());
  EXPECT_EQ(fs::file_size(*staged), bytes.size()) << "the spool holds everything for the probe";
  upload->commit();
  EXPECT_FALSE(fs::exists(*staged));
  EXPECT_EQ(upload->staged_path(), std::nullopt);

  const auto operations = log_.operations();
  EXPECT_THAT(operations,
              ::testing::ElementsAre("CreateMultipartUpload", "UploadPart", "UploadPart",
                                     "HeadObject", "UploadPart", "CompleteMultipartUpload"));
  EXPECT_THAT(log_.sizes_of("UploadPart"),
              ::testing::ElementsAre(8 * kMiB, 8 * kMiB, 4 * kMiB + 5));

  const auto info = store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, bytes.size());
  const auto fetched = http_get(store().presign_get(key, now_seconds() + 300));
  EXPECT_EQ(fetched.status, 200u);
  EXPECT_TRUE(fetched.body == bytes) << "downloaded " << fetched.body.size() << " bytes";
}

TEST_F(S3MediaStoreTest, small_upload_is_one_put_object_at_commit) {
  const auto key = media_key(2);
  auto upload = store().begin_upload(key);
  upload->write("ID3");
  upload->write(pattern_bytes(100'000));
  EXPECT_TRUE(log_.operations().empty()) << "nothing is sent before commit";
  upload->commit();
  EXPECT_THAT(log_.operations(), ::testing::ElementsAre("PutObject"));
  EXPECT_THAT(log_.sizes_of("PutObject"), ::testing::ElementsAre(100'003u));
}

TEST_F(S3MediaStoreTest, aborted_multipart_upload_leaves_no_object_and_no_spool_file) {
  const auto key = media_key(3);
  auto upload = store().begin_upload(key);
  upload->write(pattern_bytes(9 * kMiB));
  EXPECT_THAT(log_.operations(), ::testing::Contains("UploadPart"));
  const auto staged = *upload->staged_path();
  upload->abort();
  EXPECT_THAT(log_.operations(), ::testing::Contains("AbortMultipartUpload"));
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(store().stat(key), std::nullopt);
  EXPECT_FALSE(store().remove(key));
  EXPECT_TRUE(fs::is_empty(spool()));
}

TEST_F(S3MediaStoreTest, failed_commit_leaves_no_object) {
  const auto key = media_key(4);
  auto upload = store().begin_upload(key);
  upload->write(pattern_bytes(9 * kMiB));
  // A bucket that does not exist makes CompleteMultipartUpload fail.
  S3Settings missing = *settings_;
  missing.bucket = "no-such-bucket-" + crypto::hex_encode(crypto::random_bytes(4));
  S3MediaStore other(missing, spool_in(spool()));
  auto doomed = other.begin_upload(key);
  doomed->write("x");
  EXPECT_THROW(doomed->commit(), BackendFailure);
  doomed.reset();
  upload.reset();
  EXPECT_EQ(store().stat(key), std::nullopt);
  EXPECT_TRUE(fs::is_empty(spool()));
}

TEST_F(S3MediaStoreTest, presigned_url_serves_the_bytes_with_their_sniffed_type_and_ranges) {
  const auto key = media_key(5, "cover.png");
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + pattern_bytes(5000);
  put_object(store(), key, png);
  const std::string url = store().presign_get(key, now_seconds() + 300);
  EXPECT_THAT(url, HasSubstr("/" + settings_->bucket + "/test-"));
  EXPECT_EQ(query_param(url, "X-Amz-SignedHeaders"), "host");
  const auto whole = http_get(url);
  EXPECT_EQ(whole.status, 200u);
  EXPECT_EQ(whole.body, png);
  EXPECT_EQ(whole.content_type, "image/png");
  const auto part = http_get(url, "bytes=1-3");
  EXPECT_EQ(part.status, 206u);
  EXPECT_EQ(part.body, "PNG");
}

TEST_F(S3MediaStoreTest, expired_or_edited_presigned_urls_are_refused) {
  const auto key = media_key(6);
  put_object(store(), key, "secret bytes");
  const auto expired = store().presign_get(key, now_seconds() - 10);
  EXPECT_EQ(query_param(expired, "X-Amz-Expires"), "1");
  const auto refused = http_get(expired);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_THAT(refused.body, ::testing::Not(HasSubstr("secret bytes")));

  // A valid link whose signing time is moved back by a day: expired as far as S3 can tell.
  const auto valid = store().presign_get(key, now_seconds() + 300);
  ASSERT_EQ(http_get(valid).status, 200u);
  const auto edited = replace_param(valid, "X-Amz-Date", sigv4::amz_date(now_seconds() - 86400));
  EXPECT_EQ(http_get(edited).status, 403u);
}

TEST_F(S3MediaStoreTest, remove_asks_before_deleting) {
  const auto key = media_key(7);
  EXPECT_FALSE(store().remove(key));
  EXPECT_THAT(log_.operations(), ::testing::ElementsAre("HeadObject"));
  put_object(store(), key, "x");
  log_.clear();
  EXPECT_TRUE(store().remove(key));
  EXPECT_THAT(log_.operations(), ::testing::ElementsAre("HeadObject", "DeleteObject"));
}

TEST_F(S3MediaStoreTest, stat_reports_the_services_etag_and_time) {
  const auto key = media_key(8);
  const auto before = now_ms();
  put_object(store(), key, "hello");
  const auto info = store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->etag, "\"" +
                            crypto::hex_encode(std::string("\x5d\x41\x40\x2a\xbc\x4b\x2a\x76"
                                                           "\xb9\x71\x9d\x91\x10\x17\xc5\x92",
                                                           16)) +
                            "\"")
      << "the MD5 of the bytes, as S3 makes it for single-part objects";
  EXPECT_NEAR(static_cast<double>(info->modified_ms), static_cast<double>(before), 5000.0);
}

TEST_F(S3MediaStoreTest, sweep_removes_leftover_spool_files_only) {
  store();
  auto live = store().begin_upload(media_key(9));
  live->write("in progress");
  {
    std::ofstream(spool() / "0123456789abcdef0123456789abcdef.part") << "crashed";
    std::ofstream(spool() / "keep.txt") << "not ours";
  }
  live->abort();
  EXPECT_EQ(store().sweep_incomplete(), 1u);
  EXPECT_TRUE(fs::exists(spool() / "keep.txt"));
  EXPECT_EQ(store().sweep_incomplete(), 0u);
}

TEST_F(S3MediaStoreTest, staged_file_holds_what_was_written) {
  auto upload = store().begin_upload(media_key(10));
  upload->write("abc");
  upload->write("def");
  const auto staged = upload->staged_path();
  ASSERT_TRUE(staged.has_value());
  EXPECT_EQ(read_file(*staged), "abcdef");
  EXPECT_EQ(staged->parent_path(), spool());
  EXPECT_EQ(fs::status(*staged).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(S3MediaStoreTest, missing_bucket_fails_ping_as_a_storage_failure) {
  S3Settings missing = *settings_;
  missing.bucket = "no-such-bucket-" + crypto::hex_encode(crypto::random_bytes(4));
  S3MediaStore other(missing, spool_in(spool()));
  try {
    other.ping();
    ADD_FAILURE() << "ping succeeded";
  } catch (const BackendFailure& e) {
    EXPECT_EQ(e.backend(), Backend::storage);
    EXPECT_THAT(e.what(), HasSubstr("no such bucket"));
  }
  EXPECT_NO_THROW(store().ping());
}

TEST_F(S3MediaStoreTest, refused_credentials_are_reported_without_the_secret) {
  S3Settings wrong = *settings_;
  wrong.access_key_id = "NOT-A-KNOWN-KEY";
  wrong.secret_access_key = "hunter2-secret-value";
  S3MediaStore other(wrong, spool_in(spool()));
  try {
    put_object(other, media_key(11), "x");
    ADD_FAILURE() << "the upload succeeded";
  } catch (const BackendFailure& e) {
    EXPECT_THAT(e.what(), HasSubstr("HTTP 403"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("hunter2")));
  }
}

// Tests that need no service.
class S3MediaStoreOffline : public ::testing::Test {
 protected:
  S3MediaStore make(S3Settings settings) {
    return S3MediaStore(std::move(settings), spool_in(dir_.path() / "spool"));
  }
  static S3Settings aws(std::string bucket = "media-bucket") {
    S3Settings settings;
    settings.bucket = std::move(bucket);
    settings.region = "eu-west-1";
    settings.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    settings.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    return settings;
  }
  test::TempDir dir_;
};

TEST_F(S3MediaStoreOffline, presigned_urls_on_aws_are_virtual_host_style) {
  auto store = make(aws());
  const auto url = store.presign_get("audio/a_b-M\xC3\xBCller.mp3", now_seconds() + 600);
  EXPECT_THAT(url, StartsWith("https://media-bucket.s3.eu-west-1.amazonaws.com/audio/"
                              "a_b-M%C3%BCller.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                              "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F"));
  EXPECT_THAT(url, HasSubstr("%2Feu-west-1%2Fs3%2Faws4_request&"));
  EXPECT_EQ(query_param(url, "X-Amz-Expires"), "600");
  EXPECT_EQ(query_param(url, "X-Amz-Signature").size(), 64u);
  EXPECT_THAT(url, ::testing::Not(HasSubstr("wJalrXUtnFEMI")));
}

TEST_F(S3MediaStoreOffline, path_style_on_aws_when_forced_or_for_dotted_buckets) {
  S3Settings forced = aws();
  forced.force_path_style = true;
  EXPECT_THAT(make(forced).presign_get("audio/x.mp3", now_seconds() + 60),
              StartsWith("https://s3.eu-west-1.amazonaws.com/media-bucket/audio/x.mp3?"));
  EXPECT_THAT(make(aws("media.example.com")).presign_get("audio/x.mp3", now_seconds() + 60),
              StartsWith("https://s3.eu-west-1.amazonaws.com/media.example.com/audio/x.mp3?"));
}

TEST_F(S3MediaStoreOffline, endpoints_are_path_style) {
  S3Settings settings = aws();
  settings.endpoint = "http://127.0.0.1:9000";
  EXPECT_THAT(make(settings).presign_get("audio/x.mp3", now_seconds() + 60),
              StartsWith("http://127.0.0.1:9000/media-bucket/audio/x.mp3?"));
  settings.endpoint = "https://[::1]:9443";
  EXPECT_THAT(make(settings).presign_get("audio/x.mp3", now_seconds() + 60),
              StartsWith("https://[::1]:9443/media-bucket/audio/x.mp3?"));
  settings.endpoint = "ftp://host";
  EXPECT_THROW(make(settings), std::invalid_argument);
}

TEST_F(S3MediaStoreOffline, lifetimes_are_cut_to_seven_days_and_past_expiries_are_expired) {
  auto store = make(aws());
  const auto now = now_seconds();
  EXPECT_EQ(query_param(store.presign_get("audio/x.mp3", now + 30 * 86400), "X-Amz-Expires"),
            "604800");
  const auto past = store.presign_get("audio/x.mp3", now - 100);
  EXPECT_EQ(query_param(past, "X-Amz-Expires"), "1");
  EXPECT_EQ(query_param(past, "X-Amz-Date"), sigv4::amz_date(now - 101));
}

TEST_F(S3MediaStoreOffline, unreachable_endpoint_fails_quickly_as_a_storage_failure) {
  // A port that was free a moment ago: nothing listens there.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(probe);

  S3Settings settings = aws();
  settings.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  auto store = make(settings);
  const auto started = std::chrono::steady_clock::now();
  try {
    store.stat("audio/x.mp3");
    ADD_FAILURE() << "stat succeeded";
  } catch (const BackendFailure& e) {
    EXPECT_EQ(e.backend(), Backend::storage);
    EXPECT_THAT(e.what(), HasSubstr("cannot connect"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("wJalrXUtnFEMI")));
  }
  EXPECT_THROW(store.ping(), BackendFailure);
  EXPECT_THROW(store.remove("audio/x.mp3"), BackendFailure);
  auto upload = store.begin_upload("audio/x.mp3");
  upload->write("bytes");
  EXPECT_THROW(upload->commit(), BackendFailure);
  upload.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_TRUE(fs::is_empty(dir_.path() / "spool"));
}

TEST_F(S3MediaStoreOffline, silent_server_times_out) {
  // Accepts connections (the backlog) but never answers.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  S3Settings settings = aws();
  settings.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  S3StoreOptions options = spool_in(dir_.path() / "spool");
  options.timeouts.io = std::chrono::milliseconds(300);
  S3MediaStore store(settings, std::move(options));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THAT([&] { store.ping(); },
              ::testing::ThrowsMessage<BackendFailure>(HasSubstr("timed out after 300 ms")));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  ::close(listener);
}

TEST_F(S3MediaStoreOffline, full_spool_throws_storage_full_and_leaves_nothing) {
  const test::SmallTmpfs disk(dir_.path() / "spool");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << disk.why_not();
  auto store = make(aws());
  auto upload = store.begin_upload("audio/x.mp3");
  // Below the part size: nothing is sent, the bytes only meet the spool's disk.
  EXPECT_THROW(upload->write(std::string(std::size_t{2} << 20, 'x')), StorageFull);
  upload.reset();
  EXPECT_TRUE(fs::is_empty(dir_.path() / "spool"));
}

TEST_F(S3MediaStoreOffline, open_never_hands_out_local_files) {
  auto store = make(aws());
  EXPECT_EQ(store.open("audio/x.mp3"), nullptr);
  EXPECT_THROW(store.open("../x"), std::invalid_argument);
}

}  // namespace
}  // namespace volkrin
