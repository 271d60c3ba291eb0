// The storage variables: DATA_DIR, DATABASE_URL (SQLite or PostgreSQL), media in S3, and the
// original's MONGO_URI, which is refused.
#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "support/ascii.hpp"
#include "support/config/http_url.hpp"
#include "support/config/sections.hpp"
#include "support/config/values.hpp"
#include "support/postgres_url.hpp"

namespace volkrin::config_detail {

namespace {

// DATABASE_URL is echoed only by scheme: the rest may carry a password.
std::filesystem::path parse_database_url(const std::string& url) {
  constexpr std::string_view kExpected =
      "expected sqlite:///absolute/path.db or sqlite://relative/path.db";
  const auto colon = url.find(':');
  const std::string_view raw_scheme =
      std::string_view(url).substr(0, colon == std::string::npos ? 0 : colon);
  const bool scheme_ok = !raw_scheme.empty() && is_alpha(raw_scheme.front()) &&
                         std::all_of(raw_scheme.begin(), raw_scheme.end(), [](char c) {
                           return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
                         });
  if (!scheme_ok) fail("DATABASE_URL", std::string("not a URL; ") + std::string(kExpected));

  const std::string scheme = ascii_lower(raw_scheme);
  if (scheme == "postgres" || scheme == "postgresql") {
    fail("DATABASE_URL", "expected postgres://user:password@host:5432/db (or postgresql://)");
  }
  if (scheme != "sqlite") {
    fail("DATABASE_URL",
         "unsupported scheme " + quote_for_message(scheme) + "; " + std::string(kExpected));
  }
  const std::string_view rest = std::string_view(url).substr(colon + 1);
  if (rest == ":memory:" || rest == "//:memory:") {
    fail("DATABASE_URL",
         "an in-memory SQLite database would lose all data on restart; " + std::string(kExpected));
  }
  if (rest.substr(0, 2) != "//") fail("DATABASE_URL", kExpected);
  const std::string_view path = rest.substr(2);
  if (path.empty() || path == "/") {
    fail("DATABASE_URL", "needs a file path; " + std::string(kExpected));
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    fail("DATABASE_URL",
         "query parameters and fragments are not supported; " + std::string(kExpected));
  }
  if (path.back() == '/') fail("DATABASE_URL", "must name a file, not a directory");
  return std::filesystem::path(path);
}
// libpq checks the URL; its complaint is echoed with the password hidden.
std::string parse_postgres_url(const std::string& url) {
  if (const auto problem = postgres_url_problem(url)) {
    fail("DATABASE_URL", "not a valid PostgreSQL URL: " + *problem);
  }
  return url;
}

// AWS's rules for bucket names: 3..63 of a-z 0-9 . -, a letter or digit at both ends, no
// "..", and not an IPv4 address.
bool is_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  const auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); };
  if (!lower_or_digit(name.front()) || !lower_or_digit(name.back())) return false;
  if (name.find("..") != std::string_view::npos || is_ipv4(name)) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_digit(c) || c == '.' || c == '-'; });
}

bool is_region_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
  });
}

// Printable ASCII without spaces: what access keys and secrets are made of.
bool is_key_text(std::string_view text) {
  return !text.empty() && text.size() <= 256 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

// AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY, required with S3_BUCKET; never echoed.
std::string read_key(const EnvLookup& env, const char* name) {
  auto key = get(env, name);
  if (!key) fail(name, "required when S3_BUCKET is set");
  if (!is_key_text(*key))
    fail(name, "must be printable ASCII without spaces, at most 256 characters");
  return std::move(*key);
}

std::string parse_s3_endpoint(const std::string& endpoint) {
  auto [url, why] = parse_http_url(endpoint);
  if (url && !url->path_rest.empty() && url->path_rest != "/") {
    why = "must not have a path, query or fragment";
  }
  if (!why.empty()) {
    fail("S3_ENDPOINT", why + " (expected http(s)://host[:port], got " +
                            quote_for_message(redact_credentials(endpoint)) + ")");
  }
  return std::move(url->origin);
}

}  // namespace

void reject_unsupported_backends(const EnvLookup& env) {
  if (get(env, "MONGO_URI")) {
    fail("MONGO_URI",
         "this server has no MongoDB store; set DATABASE_URL (or leave it unset for the "
         "embedded SQLite store) and import a mongoexport dump of the original's users and "
         "tracks collections with \"volkrin import-mongo --users users.json --tracks "
         "tracks.json\"");
  }
}

void read_database(const EnvLookup& env, Config& cfg) {
  if (const auto dir = get(env, "DATA_DIR")) cfg.data_dir = *dir;
  if (const auto url = get(env, "DATABASE_URL"); url && is_postgres_url(*url)) {
    cfg.postgres_url = parse_postgres_url(*url);
  } else if (url) {
    cfg.sqlite_path = parse_database_url(*url);
  } else {
    cfg.sqlite_path = cfg.data_dir / "volkrin.db";
  }
}

void read_s3(const EnvLookup& env, Config& cfg) {
  const auto bucket = get(env, "S3_BUCKET");
  if (!bucket) {
    for (const char* name : {"S3_ENDPOINT", "S3_FORCE_PATH_STYLE"}) {
      if (get(env, name)) fail(name, "has no effect without S3_BUCKET; set both or neither");
    }
    return;
  }
  S3Settings s3;
  if (!is_bucket_name(*bucket)) {
    fail("S3_BUCKET",
         "must be an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting "
         "and ending with a letter or digit (got " +
             quote_for_message(*bucket) + ")");
  }
  s3.bucket = *bucket;
  if (const auto region = get(env, "AWS_REGION")) {
    if (!is_region_name(*region)) {
      fail("AWS_REGION",
           "must be a region name such as us-east-1 (got " + quote_for_message(*region) + ")");
    }
    s3.region = *region;
  }
  s3.access_key_id = read_key(env, "AWS_ACCESS_KEY_ID");
  s3.secret_access_key = read_key(env, "AWS_SECRET_ACCESS_KEY");
  if (const auto endpoint = get(env, "S3_ENDPOINT")) s3.endpoint = parse_s3_endpoint(*endpoint);
  if (const auto path_style = get(env, "S3_FORCE_PATH_STYLE")) {
    s3.force_path_style = parse_flag("S3_FORCE_PATH_STYLE", *path_style);
  }
  cfg.s3 = std::move(s3);
}

}  // namespace volkrin::config_detail
