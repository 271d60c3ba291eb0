// MediaStore adapter keeping objects in an S3 bucket (AWS or an S3-compatible service).
#include "media/s3/s3_media_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "format/content_sniff.hpp"
#include "format/storage_key.hpp"
#include "support/backend_failure.hpp"
#include "support/crypto.hpp"
#include "support/sigv4.hpp"
#include "support/time_format.hpp"
#include "support/unique_fd.hpp"

namespace volkrin {
namespace {

constexpr std::size_t kMinPartSize = std::size_t{5} << 20;
constexpr std::string_view kSpoolSuffix = ".part";
constexpr std::size_t kMaxMessageText = 200;

[[noreturn]] void fail(const std::string& message) {
  throw BackendFailure(Backend::storage, message);
}

// A failed create or write in the spool directory: a full disk there is StorageFull.
[[noreturn]] void fail_spool(const std::string& what, int error) {
  const std::string message = what + ": " + std::system_category().message(error);
  if (is_storage_full(error)) throw StorageFull(message);
  fail(message);
}

void check_key(std::string_view key) {
  if (!is_safe_storage_key(key)) throw std::invalid_argument("unsafe media key");
}

std::string decode_entities(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    bool replaced = false;
    if (text.front() == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (text.substr(0, entity.size()) == entity) {
          out += c;
          text.remove_prefix(entity.size());
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out += text.front();
      text.remove_prefix(1);
    }
  }
  return out;
}

// The text of the first <tag>...</tag> in an S3 XML answer; nullopt when absent.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const auto from = start + open.size();
  const auto end = xml.find(close, from);
  if (end == std::string_view::npos) return std::nullopt;
  return decode_entities(xml.substr(from, end - from));
}

// "S3 PutObject audio/x.mp3: HTTP 403 AccessDenied (Access Denied)". The answer's Code and
// Message only: S3 error documents may echo the canonical request, never anything secret,
// but there is no need to log it.
[[noreturn]] void fail_status(std::string_view operation, std::string_view subject,
                              const s3::HttpResponse& response) {
  std::string message = "S3 " + std::string(operation) + " " + std::string(subject) + ": HTTP " +
                        std::to_string(response.status);
  if (const auto code = xml_text(response.body, "Code")) message += " " + *code;
  if (auto text = xml_text(response.body, "Message")) {
    if (text->size() > kMaxMessageText) text->resize(kMaxMessageText);
    message += " (" + *text + ")";
  }
  fail(message);
}

std::string content_type_of(std::string_view head) {
  head = head.substr(0, kSniffBytes);
  if (const auto audio = sniff_audio(head)) return std::string(audio_mime(*audio));
  if (const auto image = sniff_image(head)) return std::string(image_mime(*image));
  return "application/octet-stream";
}

std::string quoted(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag;
  return "\"" + etag + "\"";
}

}  // namespace

struct S3MediaStore::Shared {
  S3StoreOptions options;
  std::string bucket;
  bool path_style = false;
  std::unique_ptr<s3::HttpClient> client;
  std::unique_ptr<sigv4::Signer> signer;

  const s3::HttpEndpoint& endpoint() const { return client->endpoint(); }

  // The decoded request path of an object or of the bucket itself.
  std::string object_path(std::string_view key) const {
    std::string path = path_style ? "/" + bucket + "/" : "/";
    path += options.key_prefix;
    path += key;
    return path;
  }
  std::string bucket_path() const { return path_style ? "/" + bucket : "/"; }

  // Signs and sends one request; transport failures become BackendFailure.
  s3::HttpResponse call(std::string_view operation, std::string_view subject, std::string method,
                        std::string path, sigv4::Params query = {}, sigv4::Params headers = {},
                        std::string_view body = {}) const {
    sigv4::Request request{
        std::move(method), std::move(path), std::move(query), {{"Host", endpoint().authority()}}};
    for (auto& header : headers) request.headers.push_back(std::move(header));
    const std::string payload_hash = body.empty() ? std::string(sigv4::kEmptyPayloadHash)
                                                  : crypto::hex_encode(crypto::sha256(body));
    signer->sign(request, payload_hash, now_seconds());
    if (options.on_request) options.on_request(operation, body.size());
    s3::HttpRequest http{request.method, sigv4::request_target(request), std::move(request.headers),
                         body};
    try {
      return client->send(http);
    } catch (const s3::HttpError& e) {
      fail("S3 " + std::string(operation) + " " + std::string(subject) + ": " + e.what());
    }
  }

  std::optional<StoredObject> head_object(std::string_view key) const {
    const auto response = call("HeadObject", key, "HEAD", object_path(key));
    if (response.status == 404) return std::nullopt;
    if (response.status != 200) fail_status("HeadObject", key, response);
    StoredObject info;
    const auto length = response.header("Content-Length");
    const char* end = length ? length->data() + length->size() : nullptr;
    if (!length || std::from_chars(length->data(), end, info.size).ptr != end) {
      fail("S3 HeadObject " + std::string(key) + ": no valid Content-Length");
    }
    const auto modified = response.header("Last-Modified");
    const auto seconds = modified ? parse_http_date(*modified) : std::nullopt;
    if (!seconds) fail("S3 HeadObject " + std::string(key) + ": no valid Last-Modified");
    info.modified_ms = *seconds * 1000;
    const auto etag = response.header("ETag");
    if (!etag || etag->empty()) fail("S3 HeadObject " + std::string(key) + ": no ETag");
    info.etag = quoted(*etag);
    return info;
  }
};

namespace {

using Shared = S3MediaStore::Shared;

class S3Upload final : public MediaUpload {
 public:
  S3Upload(std::shared_ptr<const Shared> shared, std::string key, std::filesystem::path spool,
           UniqueFd file)
      : shared_(std::move(shared)),
        key_(std::move(key)),
        spool_(std::move(spool)),
        file_(std::move(file)) {}
  ~S3Upload() override { abort(); }
  S3Upload(const S3Upload&) = delete;
  S3Upload& operator=(const S3Upload&) = delete;

  void write(std::string_view bytes) override {
    require_open();
    spool(bytes);
    size_ += bytes.size();
    const std::size_t part_size = shared_->options.part_size;
    while (!bytes.empty()) {
      const std::size_t take = std::min(part_size - buffer_.size(), bytes.size());
      // Grow as a string would, but never past one part.
      if (buffer_.size() + take > buffer_.capacity()) {
        buffer_.reserve(
            std::min(part_size, std::max(buffer_.size() + take, 2 * buffer_.capacity())));
      }
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (buffer_.size() == part_size) send_part();
    }
  }

  void commit() override {
    require_open();
    if (upload_id_.empty()) {
      put_object();
    } else {
      if (!buffer_.empty()) send_part();
      complete();
    }
    state_ = State::committed;
    release_local();
  }

  void abort() noexcept override {
    if (state_ != State::open) return;
    state_ = State::aborted;
    if (!upload_id_.empty()) {
      try {
        abort_multipart();
      } catch (const std::exception& e) {
        spdlog::warn("{}", e.what());
      }
    }
    release_local();
  }

  std::uint64_t size() const override { return size_; }

  std::optional<std::filesystem::path> staged_path() const override {
    if (state_ != State::open) return std::nullopt;
    return spool_;
  }

 private:
  enum class State { open, committed, aborted };

  void require_open() const {
    if (state_ == State::committed) throw std::logic_error("media upload already committed");
    if (state_ == State::aborted) throw std::logic_error("media upload already aborted");
  }

  void spool(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(file_.get(), bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        fail_spool("cannot spool an upload to " + spool_.parent_path().string(), errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
  }

  // Drops the spool file and the part buffer.
  void release_local() noexcept {
    file_.reset();
    ::unlink(spool_.c_str());
    std::string().swap(buffer_);
  }

  std::string path() const { return shared_->object_path(key_); }

  void put_object() {
    const auto response = shared_->call("PutObject", key_, "PUT", path(), {},
                                        {{"Content-Type", content_type_of(buffer_)}}, buffer_);
    if (response.status != 200) fail_status("PutObject", key_, response);
  }

  void send_part() {
    if (upload_id_.empty()) create_multipart();
    const std::string number = std::to_string(etags_.size() + 1);
    const auto response =
        shared_->call("UploadPart", key_, "PUT", path(),
                      {{"partNumber", number}, {"uploadId", upload_id_}}, {}, buffer_);
    if (response.status != 200) fail_status("UploadPart " + number + " of", key_, response);
    const auto etag = response.header("ETag");
    if (!etag || etag->empty()) fail("S3 UploadPart " + number + " of " + key_ + ": no ETag");
    etags_.push_back(quoted(*etag));
    buffer_.clear();
  }

  void create_multipart() {
    const auto response =
        shared_->call("CreateMultipartUpload", key_, "POST", path(), {{"uploads", ""}},
                      {{"Content-Type", content_type_of(buffer_)}});
    if (response.status != 200) fail_status("CreateMultipartUpload", key_, response);
    auto id = xml_text(response.body, "UploadId");
    if (!id || id->empty()) fail("S3 CreateMultipartUpload " + key_ + ": no UploadId");
    upload_id_ = std::move(*id);
  }

  void complete() {
    std::string xml = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < etags_.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags_[i] +
             "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    const auto response =
        shared_->call("CompleteMultipartUpload", key_, "POST", path(), {{"uploadId", upload_id_}},
                      {{"Content-Type", "application/xml"}}, xml);
    // S3 may answer 200 and still report an error in the body.
    if (response.status != 200 || response.body.find("<Error>") != std::string::npos) {
      fail_status("CompleteMultipartUpload", key_, response);
    }
  }

  void abort_multipart() {
    const auto response =
        shared_->call("AbortMultipartUpload", key_, "DELETE", path(), {{"uploadId", upload_id_}});
    // 404: already gone. 405: services without AbortMultipartUpload (s3rver); their parts
    // stay until the bucket's lifecycle rule removes them, as after a crash.
    if (response.status == 204 || response.status == 200 || response.status == 404) return;
    if (response.status == 405) {
      spdlog::debug("S3 AbortMultipartUpload {}: not supported by the service", key_);
      return;
    }
    fail_status("AbortMultipartUpload", key_, response);
  }

  std::shared_ptr<const Shared> shared_;
  std::string key_;
  std::filesystem::path spool_;
  UniqueFd file_;
  std::string buffer_;  // the part being filled (or the whole object while it is small)
  std::string upload_id_;
  std::vector<std::string> etags_;
  std::uint64_t size_ = 0;
  State state_ = State::open;
};

}  // namespace

S3MediaStore::S3MediaStore(S3Settings settings, S3StoreOptions options)
    : shared_(std::make_shared<Shared>()) {
  if (options.part_size < kMinPartSize) {
    throw std::invalid_argument("S3 parts must be at least 5 MiB");
  }
  if (options.spool_dir.empty()) throw std::invalid_argument("the spool directory must be set");
  s3::HttpEndpoint endpoint;
  if (!settings.endpoint.empty()) {
    auto parsed = s3::parse_endpoint(settings.endpoint);
    if (!parsed) throw std::invalid_argument("S3 endpoint must be http(s)://host[:port]");
    endpoint = std::move(*parsed);
    shared_->path_style = true;
  } else {
    // Bucket names with dots do not match the wildcard certificate as host names.
    shared_->path_style =
        settings.force_path_style || settings.bucket.find('.') != std::string::npos;
    endpoint.tls = true;
    endpoint.port = 443;
    endpoint.host = (shared_->path_style ? "" : settings.bucket + ".") + "s3." + settings.region +
                    ".amazonaws.com";
  }

  std::error_code ec;
  std::filesystem::create_directories(options.spool_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the spool directory " + options.spool_dir.string() +
                             ": " + ec.message());
  }
  if (::chmod(options.spool_dir.c_str(), 0700) != 0) {
    throw std::runtime_error("cannot set the mode of the spool directory " +
                             options.spool_dir.string() + ": " +
                             std::system_category().message(errno));
  }

  shared_->bucket = settings.bucket;
  shared_->client = std::make_unique<s3::HttpClient>(std::move(endpoint), options.timeouts);
  shared_->signer = std::make_unique<sigv4::Signer>(
      sigv4::Credentials{std::move(settings.access_key_id), std::move(settings.secret_access_key)},
      settings.region);
  shared_->options = std::move(options);
}

S3MediaStore::~S3MediaStore() = default;

std::unique_ptr<MediaUpload> S3MediaStore::begin_upload(std::string_view key) {
  check_key(key);
  const auto& dir = shared_->options.spool_dir;
  const std::string name = crypto::hex_encode(crypto::random_bytes(16)) + std::string(kSpoolSuffix);
  std::filesystem::path spool = dir / name;
  UniqueFd file(::open(spool.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file) {
    fail_spool("cannot create a spool file in " + dir.string(), errno);
  }
  return std::make_unique<S3Upload>(shared_, std::string(key), std::move(spool), std::move(file));
}

std::optional<StoredObject> S3MediaStore::stat(std::string_view key) {
  check_key(key);
  return shared_->head_object(key);
}

bool S3MediaStore::remove(std::string_view key) {
  check_key(key);
  if (!shared_->head_object(key)) return false;
  const auto response = shared_->call("DeleteObject", key, "DELETE", shared_->object_path(key));
  if (response.status != 204 && response.status != 200) {
    fail_status("DeleteObject", key, response);
  }
  return true;
}

std::unique_ptr<OpenedObject> S3MediaStore::open(std::string_view key) {
  check_key(key);
  return nullptr;
}

std::string S3MediaStore::presign_get(std::string_view key, std::int64_t expires_at) {
  check_key(key);
  const std::int64_t now = now_seconds();
  // The URL is valid from X-Amz-Date for X-Amz-Expires seconds.
  std::int64_t signed_at = now;
  std::int64_t lifetime = std::min(expires_at - now, sigv4::kMaxPresignSeconds);
  if (expires_at <= now) {
    signed_at = expires_at - 1;
    lifetime = 1;
  }
  sigv4::Request request{
      "GET", shared_->object_path(key), {}, {{"Host", shared_->endpoint().authority()}}};
  shared_->signer->presign(request, signed_at, lifetime);
  return shared_->endpoint().origin() + sigv4::request_target(request);
}

void S3MediaStore::ping() {
  const std::string subject = "bucket " + shared_->bucket;
  const auto response = shared_->call("HeadBucket", subject, "HEAD", shared_->bucket_path());
  if (response.status == 200) return;
  if (response.status == 404) fail("S3 HeadBucket " + subject + ": no such bucket (HTTP 404)");
  if (response.status == 403) fail("S3 HeadBucket " + subject + ": access denied (HTTP 403)");
  fail_status("HeadBucket", subject, response);
}

std::size_t S3MediaStore::sweep_incomplete() {
  std::error_code ec;
  std::filesystem::directory_iterator it(shared_->options.spool_dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return 0;
    fail("cannot list the spool directory: " + ec.message());
  }
  std::size_t removed = 0;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= kSpoolSuffix.size() || !name.ends_with(kSpoolSuffix)) continue;
    if (!entry.is_regular_file(ec) || ec) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace volkrin
