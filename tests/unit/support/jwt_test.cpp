// Unit tests for HS256 JSON Web Token signing and verification.
#include "support/jwt.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/crypto.hpp"

namespace volkrin::jwt {
namespace {

constexpr std::string_view kSecret = "unit-test-secret";
constexpr std::int64_t kNow = 1700000100;
constexpr std::string_view kId = "64f1a2b3c4d5e6f708091a2b";
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// A payload with the given claim texts; an empty text leaves that claim out.
std::string payload_json(std::string_view id, std::string_view role, std::string_view exp,
                         std::string_view extra = "") {
  std::string out = "{";
  auto add = [&out](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(key) + "\":" + std::string(value);
  };
  add("id", id);
  add("role", role);
  add("exp", exp);
  if (!extra.empty()) {
    if (out.size() > 1) out += ",";
    out += extra;
  }
  return out + "}";
}

std::string json_string(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string good_payload() {
  return payload_json(json_string(kId), json_string("user"), "1700604800");
}

VerifyResult verify_parts(std::string_view header, std::string_view payload,
                          std::string_view secret = kSecret) {
  return verify(sign_compact(header, payload, secret), kSecret, kNow);
}

VerifyError error_for_payload(std::string_view payload) {
  const VerifyResult r = verify_parts(kHs256Header, payload);
  EXPECT_FALSE(r.claims.has_value()) << payload;
  return r.error;
}

VerifyError error_for_token(std::string_view token) {
  const VerifyResult r = verify(token, kSecret, kNow);
  EXPECT_FALSE(r.claims.has_value()) << token;
  return r.error;
}

// --- RFC 7515 Appendix A.1 -------------------------------------------------------------

constexpr std::string_view kRfcHeader = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
constexpr std::string_view kRfcPayload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
constexpr std::string_view kRfcToken =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

std::string rfc_key() {
  return crypto::base64url_decode(
             "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-"
             "1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
      .value();
}

TEST(Jwt, sign_compact_reproduces_rfc7515_appendix_a1) {
  EXPECT_EQ(sign_compact(kRfcHeader, kRfcPayload, rfc_key()), kRfcToken);
}

TEST(Jwt, verified_payload_returns_rfc7515_appendix_a1_payload) {
  EXPECT_EQ(verified_payload(kRfcToken, rfc_key()), kRfcPayload);
}

TEST(Jwt, verified_payload_rejects_wrong_key_alg_none_and_garbage) {
  EXPECT_FALSE(verified_payload(kRfcToken, "another key").has_value());
  const std::string none =
      crypto::base64url_encode(R"({"alg":"none"})") + "." + crypto::base64url_encode("{}") + ".";
  EXPECT_FALSE(verified_payload(none, kSecret).has_value());
  EXPECT_FALSE(verified_payload("garbage", kSecret).has_value());
  EXPECT_FALSE(verified_payload("", kSecret).has_value());
}

// --- Issuing -----------------------------------------------------------------------------

TEST(Jwt, sign_then_verify_round_trips_claims) {
  const Claims in{std::string(kId), "admin", 1700000000, 1700604800};
  const VerifyResult r = verify(sign(in, kSecret), kSecret, kNow);
  ASSERT_EQ(r.error, VerifyError::none);
  ASSERT_TRUE(r.claims.has_value());
  EXPECT_EQ(r.claims->id, in.id);
  EXPECT_EQ(r.claims->role, in.role);
  EXPECT_EQ(r.claims->iat, in.iat);
  EXPECT_EQ(r.claims->exp, in.exp);
}

TEST(Jwt, sign_writes_fixed_header_and_claims_in_order) {
  const std::string token = sign(Claims{std::string(kId), "user", 1700000000, 1700604800}, kSecret);
  const auto dot1 = token.find('.');
  const auto dot2 = token.find('.', dot1 + 1);
  EXPECT_EQ(crypto::base64url_decode(token.substr(0, dot1)), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(crypto::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1)),
            R"({"id":"64f1a2b3c4d5e6f708091a2b","role":"user","iat":1700000000,"exp":1700604800})");
}

// Made with Node: header and payload JSON.stringify'd as jsonwebtoken does, signed with
// crypto.createHmac("sha256", "node-jsonwebtoken-test-secret").
constexpr std::string_view kNodeSecret = "node-jsonwebtoken-test-secret";
constexpr std::string_view kNodeUserToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpZCI6IjY0ZjFhMmIzYzRkNWU2ZjcwODA5MWEyYiIsInJvbGUiOiJ1c2VyIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOj"
    "E3"
    "MDA2MDQ4MDB9.T-32eetG8v7N5EGHr7q_901DhBAMJgoQD2u7VO4ebTo";
constexpr std::string_view kNodeAdminToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpZCI6IjY0ZjFhMmIzYzRkNWU2ZjcwODA5MWEyYiIsInJvbGUiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIj"
    "ox"
    "NzAwNjA0ODAwfQ.sB2lunXpTOyxF8ocalVpYSR5VXquegxPWkCvjFbgKPs";

TEST(Jwt, verifies_token_issued_by_node_jsonwebtoken) {
  const VerifyResult r = verify(kNodeUserToken, kNodeSecret, 1700000000);
  ASSERT_EQ(r.error, VerifyError::none);
  ASSERT_TRUE(r.claims.has_value());
  EXPECT_EQ(r.claims->id, kId);
  EXPECT_EQ(r.claims->role, "user");
  EXPECT_EQ(r.claims->iat, 1700000000);
  EXPECT_EQ(r.claims->exp, 1700604800);

  const VerifyResult admin = verify(kNodeAdminToken, kNodeSecret, 1700000000);
  ASSERT_TRUE(admin.claims.has_value());
  EXPECT_EQ(admin.claims->role, "admin");
}

TEST(Jwt, sign_produces_the_same_token_as_node_jsonwebtoken) {
  EXPECT_EQ(sign(Claims{std::string(kId), "user", 1700000000, 1700604800}, kNodeSecret),
            kNodeUserToken);
}

// --- Algorithms and headers --------------------------------------------------------------

TEST(Jwt, rejects_alg_none_with_empty_signature) {
  const std::string token = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                            crypto::base64url_encode(good_payload()) + ".";
  EXPECT_EQ(error_for_token(token), VerifyError::malformed);
}

TEST(Jwt, rejects_alg_none_even_with_a_valid_hmac) {
  EXPECT_EQ(verify_parts(R"({"alg":"none","typ":"JWT"})", good_payload()).error,
            VerifyError::unsupported_alg);
}

TEST(Jwt, rejects_alg_hs512) {
  EXPECT_EQ(verify_parts(R"({"alg":"HS512","typ":"JWT"})", good_payload()).error,
            VerifyError::unsupported_alg);
}

TEST(Jwt, rejects_alg_rs256) {
  EXPECT_EQ(verify_parts(R"({"alg":"RS256","typ":"JWT"})", good_payload()).error,
            VerifyError::unsupported_alg);
}

TEST(Jwt, rejects_alg_in_other_case_or_type) {
  EXPECT_EQ(verify_parts(R"({"alg":"hs256"})", good_payload()).error, VerifyError::unsupported_alg);
  EXPECT_EQ(verify_parts(R"({"alg":["HS256"]})", good_payload()).error,
            VerifyError::unsupported_alg);
  EXPECT_EQ(verify_parts(R"({"alg":null})", good_payload()).error, VerifyError::unsupported_alg);
}

TEST(Jwt, rejects_missing_alg) {
  EXPECT_EQ(verify_parts(R"({"typ":"JWT"})", good_payload()).error, VerifyError::unsupported_alg);
}

TEST(Jwt, rejects_header_that_is_not_an_object) {
  EXPECT_EQ(verify_parts(R"(["HS256"])", good_payload()).error, VerifyError::malformed);
  EXPECT_EQ(verify_parts(R"("HS256")", good_payload()).error, VerifyError::malformed);
  EXPECT_EQ(verify_parts(R"({"alg":"HS256")", good_payload()).error, VerifyError::malformed);
}

TEST(Jwt, accepts_header_without_typ) {
  EXPECT_EQ(verify_parts(R"({"alg":"HS256"})", good_payload()).error, VerifyError::none);
}

// --- Signatures --------------------------------------------------------------------------

TEST(Jwt, rejects_flipped_signature_character) {
  std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  const auto sig = token.rfind('.') + 1;
  token[sig] = token[sig] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_for_token(token), VerifyError::bad_signature);
}

TEST(Jwt, rejects_token_signed_with_another_secret) {
  EXPECT_EQ(verify_parts(kHs256Header, good_payload(), "another-secret").error,
            VerifyError::bad_signature);
}

TEST(Jwt, rejects_truncated_or_extended_signature) {
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  const auto dot = token.rfind('.');
  const std::string mac = crypto::base64url_decode(token.substr(dot + 1)).value();
  const std::string head = token.substr(0, dot + 1);
  EXPECT_EQ(error_for_token(head + crypto::base64url_encode(mac.substr(0, 31))),
            VerifyError::bad_signature);
  EXPECT_EQ(error_for_token(head + crypto::base64url_encode(mac + "x")),
            VerifyError::bad_signature);
}

TEST(Jwt, rejects_changed_payload_before_parsing_it) {
  // A payload that is not even JSON still fails on the signature first.
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const std::string forged =
      token.substr(0, dot1 + 1) + crypto::base64url_encode("not json") + token.substr(dot2);
  EXPECT_EQ(error_for_token(forged), VerifyError::bad_signature);
}

// --- Time --------------------------------------------------------------------------------

TEST(Jwt, rejects_token_expiring_exactly_now) {
  EXPECT_EQ(
      error_for_payload(payload_json(json_string(kId), json_string("user"), std::to_string(kNow))),
      VerifyError::expired);
}

TEST(Jwt, rejects_token_expired_in_the_past) {
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), std::to_string(kNow - 1))),
            VerifyError::expired);
}

TEST(Jwt, accepts_token_expiring_one_second_after_now) {
  EXPECT_EQ(verify_parts(kHs256Header, payload_json(json_string(kId), json_string("user"),
                                                    std::to_string(kNow + 1)))
                .error,
            VerifyError::none);
}

TEST(Jwt, rejects_token_not_yet_valid) {
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "1700604800",
                                           "\"nbf\":" + std::to_string(kNow + 1))),
            VerifyError::expired);
}

TEST(Jwt, accepts_nbf_now_or_in_the_past) {
  EXPECT_EQ(
      verify_parts(kHs256Header, payload_json(json_string(kId), json_string("user"), "1700604800",
                                              "\"nbf\":" + std::to_string(kNow)))
          .error,
      VerifyError::none);
  EXPECT_EQ(
      verify_parts(kHs256Header, payload_json(json_string(kId), json_string("user"), "1700604800",
                                              "\"nbf\":" + std::to_string(kNow - 60)))
          .error,
      VerifyError::none);
}

// --- Structure ---------------------------------------------------------------------------

TEST(Jwt, rejects_token_with_two_parts) {
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  EXPECT_EQ(error_for_token(token.substr(0, token.rfind('.'))), VerifyError::malformed);
}

TEST(Jwt, rejects_token_with_four_parts) {
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  EXPECT_EQ(error_for_token(token + ".AAAA"), VerifyError::malformed);
  EXPECT_EQ(error_for_token(token + "."), VerifyError::malformed);
}

TEST(Jwt, rejects_empty_parts) {
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  EXPECT_EQ(error_for_token(token.substr(dot1)), VerifyError::malformed);
  EXPECT_EQ(error_for_token(token.substr(0, dot1 + 1) + token.substr(dot2)),
            VerifyError::malformed);
  EXPECT_EQ(error_for_token(token.substr(0, dot2 + 1)), VerifyError::malformed);
  EXPECT_EQ(error_for_token(".."), VerifyError::malformed);
  EXPECT_EQ(error_for_token(""), VerifyError::malformed);
}

TEST(Jwt, rejects_characters_outside_base64url) {
  const std::string token = sign_compact(kHs256Header, good_payload(), kSecret);
  for (const char c : std::string("+/ *=\n")) {
    std::string bad = token;
    bad[3] = c;
    EXPECT_EQ(error_for_token(bad), VerifyError::malformed) << int{c};
  }
  EXPECT_EQ(error_for_token(" " + token), VerifyError::malformed);
  EXPECT_EQ(error_for_token(token + "\n"), VerifyError::malformed);
}

TEST(Jwt, rejects_padded_parts) {
  const std::string header = crypto::base64url_encode(kHs256Header);
  const std::string payload = crypto::base64url_encode(good_payload());
  const std::string sig = crypto::base64url_encode(
      crypto::hmac_sha256(kSecret, header + "." + payload));  // 43 characters, unpadded
  EXPECT_EQ(verify(header + "." + payload + "." + sig, kSecret, kNow).error, VerifyError::none);
  EXPECT_EQ(error_for_token(header + "." + payload + "." + sig + "="), VerifyError::malformed);
  EXPECT_EQ(error_for_token(header + "=." + payload + "." + sig), VerifyError::malformed);
}

TEST(Jwt, rejects_payload_that_is_not_json) {
  EXPECT_EQ(error_for_payload("not json"), VerifyError::malformed);
  EXPECT_EQ(error_for_payload(good_payload() + "x"), VerifyError::malformed);
  EXPECT_EQ(error_for_payload("{\"id\":1,}"), VerifyError::malformed);
  EXPECT_EQ(error_for_payload("/*c*/" + good_payload()), VerifyError::malformed);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "NaN")),
            VerifyError::malformed);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "Infinity")),
            VerifyError::malformed);
}

TEST(Jwt, rejects_payload_that_is_a_json_array) {
  EXPECT_EQ(error_for_payload("[" + good_payload() + "]"), VerifyError::malformed);
  EXPECT_EQ(error_for_payload("1700604800"), VerifyError::malformed);
}

// --- Claims ------------------------------------------------------------------------------

TEST(Jwt, rejects_id_that_is_not_hex) {
  EXPECT_EQ(error_for_payload(payload_json(json_string("64f1a2b3c4d5e6f708091a2z"),
                                           json_string("user"), "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_id_of_23_or_25_characters) {
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId.substr(1)), json_string("user"), "1700604800")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(std::string(kId) + "0"), json_string("user"),
                                           "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_upper_case_hex_id) {
  EXPECT_EQ(error_for_payload(payload_json(json_string("64F1A2B3C4D5E6F708091A2B"),
                                           json_string("user"), "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_missing_or_non_string_id) {
  EXPECT_EQ(error_for_payload(payload_json("", json_string("user"), "1700604800")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json("12345", json_string("user"), "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_role_root) {
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("root"), "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_missing_or_differently_cased_role) {
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), "", "1700604800")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("Admin"), "1700604800")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), "true", "1700604800")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_exp_as_string) {
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), json_string("1700604800"))),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_missing_exp) {
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_fractional_exp) {
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "1.5")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "1700604800.5")),
            VerifyError::invalid_claims);
}

TEST(Jwt, rejects_exp_outside_int64_or_not_finite) {
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), "18446744073709551615")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "1e300")),
            VerifyError::invalid_claims);
  EXPECT_NE(error_for_payload(payload_json(json_string(kId), json_string("user"), "1e400")),
            VerifyError::none);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "null")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(payload_json(json_string(kId), json_string("user"), "true")),
            VerifyError::invalid_claims);
}

TEST(Jwt, accepts_integral_exp_written_as_double) {
  const VerifyResult r = verify_parts(
      kHs256Header, payload_json(json_string(kId), json_string("user"), "1.7006048e9"));
  ASSERT_TRUE(r.claims.has_value());
  EXPECT_EQ(r.claims->exp, 1700604800);
  EXPECT_EQ(verify_parts(kHs256Header,
                         payload_json(json_string(kId), json_string("user"), "1700604800.0"))
                .error,
            VerifyError::none);
}

TEST(Jwt, accepts_missing_iat_as_zero) {
  const VerifyResult r = verify_parts(kHs256Header, good_payload());
  ASSERT_TRUE(r.claims.has_value());
  EXPECT_EQ(r.claims->iat, 0);
}

TEST(Jwt, rejects_non_integer_iat_or_nbf) {
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), "1700604800", R"("iat":"x")")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), "1700604800", R"("iat":1.25)")),
            VerifyError::invalid_claims);
  EXPECT_EQ(error_for_payload(
                payload_json(json_string(kId), json_string("user"), "1700604800", R"("nbf":"0")")),
            VerifyError::invalid_claims);
}

TEST(Jwt, ignores_unknown_claims) {
  EXPECT_EQ(
      verify_parts(kHs256Header, payload_json(json_string(kId), json_string("user"), "1700604800",
                                              R"("name":"x","nested":{"a":[1,2,3]})"))
          .error,
      VerifyError::none);
}

}  // namespace
}  // namespace volkrin::jwt
