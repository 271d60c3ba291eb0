// JSON Web Tokens, HS256 only: issue and verify the API's bearer tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin::jwt {

// The payload the original backend signed: {"id", "role", "iat", "exp"}.
struct Claims {
  std::string id;    // user _id, 24 lower-case hex characters
  std::string role;  // "user" or "admin"
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};

enum class VerifyError {
  none,
  malformed,        // not three base64url parts, bad JSON, wrong types
  unsupported_alg,  // alg other than HS256, including "none"
  bad_signature,
  expired,         // exp <= now, or nbf in the future
  invalid_claims,  // missing/ill-typed id, role or exp
};

struct VerifyResult {
  std::optional<Claims> claims;
  VerifyError error = VerifyError::none;
};

// header {"alg":"HS256","typ":"JWT"}, payload {"id","role","iat","exp"} in that order.
std::string sign(const Claims& claims, std::string_view secret);

// Checks structure, alg, signature (constant time), exp/nbf against now, claim types.
VerifyResult verify(std::string_view token, std::string_view secret, std::int64_t now_seconds);

// Lower level, for test vectors: signs exact header and payload bytes.
std::string sign_compact(std::string_view header_json, std::string_view payload_json,
                         std::string_view secret);
// Returns the decoded payload bytes when the header says HS256 and the signature holds.
std::optional<std::string> verified_payload(std::string_view token, std::string_view secret);

}  // namespace volkrin::jwt
