// AWS Signature Version 4 (as S3 uses it): canonical requests, signing keys, Authorization
// headers and presigned query strings.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volkrin::sigv4 {

// Names and values as they are meant, not yet percent-encoded.
using Params = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of nothing, in hex: the payload hash of a request without a body.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// The longest lifetime S3 accepts for a presigned URL (7 days).
inline constexpr std::int64_t kMaxPresignSeconds = std::int64_t{7} * 24 * 3600;

// S3's URI encoding: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex);
// '/' is kept when keep_slash is true (object key paths), encoded otherwise (query parts).
std::string uri_encode(std::string_view text, bool keep_slash);

// "20130524T000000Z" for a Unix time in seconds (UTC).
std::string amz_date(std::int64_t unix_seconds);

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // the decoded path: "/bucket/audio/a b.mp3"; encoded once, per segment
  Params query;        // decoded names and values; order does not matter
  Params headers;      // names in any case; must include Host exactly as it will be sent
};

// The parts of a canonical request that callers may want to see or test.
struct Canonical {
  std::string request;         // the whole canonical request
  std::string signed_headers;  // "host;range;x-amz-date"
};

// The canonical query string: names and values encoded, sorted by name, then by value.
std::string canonical_query(const Params& query);

// The canonical request of `request` with the given payload hash (hex or UNSIGNED-PAYLOAD).
// Header values are trimmed and runs of blanks become one space; names are lower-cased.
Canonical canonical_request(const Request& request, std::string_view payload_hash);

// Path and query as they go on the wire: canonical URI plus "?" and the canonical query
// (names without a value written bare, e.g. "?uploads").
std::string request_target(const Request& request);

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// Signs for one region and service. Thread-safe; the derived signing key is cached per day.
class Signer {
 public:
  Signer(Credentials credentials, std::string region, std::string service = "s3");

  // Replaces any x-amz-date / x-amz-content-sha256 / Authorization headers of the request
  // with x-amz-date (from `now`) and x-amz-content-sha256 (payload_hash), signs every header
  // given, and adds the Authorization header. Returns its value.
  std::string sign(Request& request, std::string_view payload_hash, std::int64_t now) const;

  // Adds X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders
  // and X-Amz-Signature to request.query, signing the headers given (normally just Host)
  // with an UNSIGNED-PAYLOAD. `expires_seconds` must be 1..kMaxPresignSeconds.
  void presign(Request& request, std::int64_t now, std::int64_t expires_seconds) const;

  // "20130524/us-east-1/s3/aws4_request"
  std::string scope(std::string_view yyyymmdd) const;
  // The raw 32-byte key for a day ("20130524"); computed once per day.
  std::string signing_key(std::string_view yyyymmdd) const;
  // Hex HMAC of the string to sign for a canonical request made at `amz_date`.
  std::string signature(std::string_view amz_date, std::string_view canonical_request) const;

  const std::string& access_key_id() const noexcept { return credentials_.access_key_id; }
  const std::string& region() const noexcept { return region_; }

 private:
  Credentials credentials_;
  std::string region_;
  std::string service_;
  mutable std::mutex cache_mutex_;
  mutable std::string cached_day_;
  mutable std::string cached_key_;
};

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>"
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

}  // namespace volkrin::sigv4
