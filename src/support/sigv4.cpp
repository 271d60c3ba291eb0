// AWS Signature Version 4 signing: canonical requests, keys, headers and presigned queries.
#include "support/sigv4.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "support/ascii.hpp"
#include "support/crypto.hpp"

namespace volkrin::sigv4 {
namespace {

// Leading and trailing blanks dropped, every run of blanks inside made one space.
std::string trim_all(std::string_view value) {
  return collapse_whitespace(value, " \t");
}

// Lower-cased names in order, each with its trimmed values joined by ','.
std::map<std::string, std::string> canonical_header_map(const Params& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = out.try_emplace(ascii_lower(name), trim_all(value));
    if (!inserted) it->second += "," + trim_all(value);
  }
  return out;
}

std::string signed_header_names(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& entry : headers) {
    if (!out.empty()) out += ';';
    out += entry.first;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> encoded_sorted(const Params& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  return encoded;
}

void erase_param(Params& params, std::string_view name) {
  std::erase_if(params, [name](const auto& p) { return iequals(p.first, name); });
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string amz_date(std::int64_t unix_seconds) {
  const auto t = static_cast<time_t>(unix_seconds);
  struct tm parts {};
  if (gmtime_r(&t, &parts) == nullptr || parts.tm_year + 1900 < 0 || parts.tm_year + 1900 > 9999) {
    throw std::out_of_range("time outside the years 0000-9999");
  }
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d%02d%02dT%02d%02d%02dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return buffer.data();
}

std::string canonical_query(const Params& query) {
  std::string out;
  for (const auto& [name, value] : encoded_sorted(query)) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

Canonical canonical_request(const Request& request, std::string_view payload_hash) {
  const auto headers = canonical_header_map(request.headers);
  Canonical out;
  out.signed_headers = signed_header_names(headers);
  std::string& text = out.request;
  text = request.method;
  text += '\n';
  text += request.path.empty() ? "/" : uri_encode(request.path, true);
  text += '\n';
  text += canonical_query(request.query);
  text += '\n';
  for (const auto& [name, value] : headers) {
    text += name;
    text += ':';
    text += value;
    text += '\n';
  }
  text += '\n';
  text += out.signed_headers;
  text += '\n';
  text += payload_hash;
  return out;
}

std::string request_target(const Request& request) {
  std::string out = request.path.empty() ? "/" : uri_encode(request.path, true);
  char separator = '?';
  for (const auto& [name, value] : encoded_sorted(request.query)) {
    out += separator;
    separator = '&';
    out += name;
    if (!value.empty()) {
      out += '=';
      out += value;
    }
  }
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += crypto::hex_encode(crypto::sha256(canonical_request));
  return out;
}

Signer::Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string Signer::scope(std::string_view yyyymmdd) const {
  std::string out(yyyymmdd);
  out += '/';
  out += region_;
  out += '/';
  out += service_;
  out += "/aws4_request";
  return out;
}

std::string Signer::signing_key(std::string_view yyyymmdd) const {
  const std::lock_guard lock(cache_mutex_);
  if (cached_day_ != yyyymmdd || cached_key_.empty()) {
    const std::string date_key =
        crypto::hmac_sha256("AWS4" + credentials_.secret_access_key, yyyymmdd);
    const std::string region_key = crypto::hmac_sha256(date_key, region_);
    const std::string service_key = crypto::hmac_sha256(region_key, service_);
    cached_key_ = crypto::hmac_sha256(service_key, "aws4_request");
    cached_day_ = std::string(yyyymmdd);
  }
  return cached_key_;
}

std::string Signer::signature(std::string_view amz_date, std::string_view canonical_request) const {
  const std::string_view day = amz_date.substr(0, 8);
  return crypto::hex_encode(crypto::hmac_sha256(
      signing_key(day), string_to_sign(amz_date, scope(day), canonical_request)));
}

std::string Signer::sign(Request& request, std::string_view payload_hash, std::int64_t now) const {
  for (const std::string_view name : {"x-amz-date", "x-amz-content-sha256", "authorization"}) {
    erase_param(request.headers, name);
  }
  const std::string date = amz_date(now);
  request.headers.emplace_back("x-amz-date", date);
  request.headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  const Canonical canonical = canonical_request(request, payload_hash);
  std::string authorization(kAlgorithm);
  authorization += " Credential=";
  authorization += credentials_.access_key_id;
  authorization += '/';
  authorization += scope(std::string_view(date).substr(0, 8));
  authorization += ", SignedHeaders=";
  authorization += canonical.signed_headers;
  authorization += ", Signature=";
  authorization += signature(date, canonical.request);
  request.headers.emplace_back("Authorization", authorization);
  return authorization;
}

void Signer::presign(Request& request, std::int64_t now, std::int64_t expires_seconds) const {
  if (expires_seconds < 1 || expires_seconds > kMaxPresignSeconds) {
    throw std::invalid_argument("a presigned URL must last from 1 second to 7 days");
  }
  for (const std::string_view name : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                      "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}) {
    erase_param(request.query, name);
  }
  const std::string date = amz_date(now);
  request.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  request.query.emplace_back("X-Amz-Credential", credentials_.access_key_id + "/" +
                                                     scope(std::string_view(date).substr(0, 8)));
  request.query.emplace_back("X-Amz-Date", date);
  request.query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  request.query.emplace_back("X-Amz-SignedHeaders",
                             signed_header_names(canonical_header_map(request.headers)));
  const Canonical canonical = canonical_request(request, kUnsignedPayload);
  request.query.emplace_back("X-Amz-Signature", signature(date, canonical.request));
}

}  // namespace volkrin::sigv4
