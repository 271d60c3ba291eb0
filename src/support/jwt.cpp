// HS256 JSON Web Tokens: signing and strict verification of the API's bearer tokens.
#include "support/jwt.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <limits>

#include "support/crypto.hpp"

namespace volkrin::jwt {

namespace {

namespace json = boost::json;

constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

// The three base64url-decoded parts plus the exact text the signature covers.
struct Decoded {
  std::string header;
  std::string payload;
  std::string signature;
  std::string_view signing_input;
};

// Splits into exactly three non-empty parts and decodes each one.
std::optional<Decoded> decode_parts(std::string_view token) {
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;

  const std::string_view header = token.substr(0, first);
  const std::string_view payload = token.substr(first + 1, second - first - 1);
  const std::string_view signature = token.substr(second + 1);
  if (header.empty() || payload.empty() || signature.empty()) return std::nullopt;

  auto h = crypto::base64url_decode(header);
  auto p = crypto::base64url_decode(payload);
  auto s = crypto::base64url_decode(signature);
  if (!h || !p || !s) return std::nullopt;
  return Decoded{std::move(*h), std::move(*p), std::move(*s), token.substr(0, second)};
}

std::optional<json::value> parse_json(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

enum class HeaderCheck { ok, malformed, unsupported_alg };

HeaderCheck check_header(std::string_view header_json) {
  const auto header = parse_json(header_json);
  if (!header || !header->is_object()) return HeaderCheck::malformed;
  const json::value* alg = header->as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") {
    return HeaderCheck::unsupported_alg;
  }
  return HeaderCheck::ok;
}

bool signature_holds(const Decoded& parts, std::string_view secret) {
  return crypto::constant_time_equal(crypto::hmac_sha256(secret, parts.signing_input),
                                     parts.signature);
}

// An integral JSON number that fits in int64: int64, uint64 up to INT64_MAX, or a finite
// double without a fractional part.
std::optional<std::int64_t> as_integer(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return v.get_int64();
    case json::kind::uint64:
      if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(v.get_uint64());
    case json::kind::double_: {
      const double d = v.get_double();
      // 2^63 is exactly representable; every double below it in magnitude fits in int64.
      constexpr double kLimit = 9223372036854775808.0;
      if (!std::isfinite(d) || d != std::trunc(d) || d >= kLimit || d < -kLimit) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

bool is_lower_hex_id(std::string_view s) {
  if (s.size() != 24) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

VerifyResult fail(VerifyError e) {
  return VerifyResult{std::nullopt, e};
}

}  // namespace

std::string sign_compact(std::string_view header_json, std::string_view payload_json,
                         std::string_view secret) {
  std::string token = crypto::base64url_encode(header_json);
  token.push_back('.');
  token += crypto::base64url_encode(payload_json);
  const std::string mac = crypto::hmac_sha256(secret, token);
  token.push_back('.');
  token += crypto::base64url_encode(mac);
  return token;
}

std::string sign(const Claims& claims, std::string_view secret) {
  // boost::json::object keeps insertion order, which fixes the key order on the wire.
  json::object payload;
  payload.emplace("id", claims.id);
  payload.emplace("role", claims.role);
  payload.emplace("iat", claims.iat);
  payload.emplace("exp", claims.exp);
  return sign_compact(kHeaderJson, json::serialize(payload), secret);
}

std::optional<std::string> verified_payload(std::string_view token, std::string_view secret) {
  auto parts = decode_parts(token);
  if (!parts) return std::nullopt;
  if (check_header(parts->header) != HeaderCheck::ok) return std::nullopt;
  if (!signature_holds(*parts, secret)) return std::nullopt;
  return std::move(parts->payload);
}

VerifyResult verify(std::string_view token, std::string_view secret, std::int64_t now_seconds) {
  const auto parts = decode_parts(token);
  if (!parts) return fail(VerifyError::malformed);

  switch (check_header(parts->header)) {
    case HeaderCheck::ok:
      break;
    case HeaderCheck::malformed:
      return fail(VerifyError::malformed);
    case HeaderCheck::unsupported_alg:
      return fail(VerifyError::unsupported_alg);
  }

  // Nothing in the payload is looked at before the signature holds.
  if (!signature_holds(*parts, secret)) return fail(VerifyError::bad_signature);

  const auto payload = parse_json(parts->payload);
  if (!payload || !payload->is_object()) return fail(VerifyError::malformed);
  const json::object& obj = payload->as_object();

  Claims claims;
  const json::value* id = obj.if_contains("id");
  if (id == nullptr || !id->is_string() || !is_lower_hex_id(id->get_string())) {
    return fail(VerifyError::invalid_claims);
  }
  claims.id = std::string(id->get_string());

  const json::value* role = obj.if_contains("role");
  if (role == nullptr || !role->is_string() ||
      (role->get_string() != "user" && role->get_string() != "admin")) {
    return fail(VerifyError::invalid_claims);
  }
  claims.role = std::string(role->get_string());

  const json::value* exp = obj.if_contains("exp");
  const auto exp_value = exp != nullptr ? as_integer(*exp) : std::nullopt;
  if (!exp_value) return fail(VerifyError::invalid_claims);
  claims.exp = *exp_value;

  if (const json::value* iat = obj.if_contains("iat")) {
    const auto iat_value = as_integer(*iat);
    if (!iat_value) return fail(VerifyError::invalid_claims);
    claims.iat = *iat_value;
  }

  std::optional<std::int64_t> nbf_value;
  if (const json::value* nbf = obj.if_contains("nbf")) {
    nbf_value = as_integer(*nbf);
    if (!nbf_value) return fail(VerifyError::invalid_claims);
  }

  if (claims.exp <= now_seconds) return fail(VerifyError::expired);
  if (nbf_value && *nbf_value > now_seconds) return fail(VerifyError::expired);

  return VerifyResult{std::move(claims), VerifyError::none};
}

}  // namespace volkrin::jwt
