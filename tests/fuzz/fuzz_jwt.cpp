// libFuzzer target: JWT verification must never crash, leak or accept what it should not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/crypto.hpp"
#include "support/jwt.hpp"

namespace {

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::int64_t kNow = 1700000000;

void check(bool condition) {
  if (!condition) std::abort();
}

void verify_token(std::string_view token) {
  const volkrin::jwt::VerifyResult r = volkrin::jwt::verify(token, kSecret, kNow);
  const auto payload = volkrin::jwt::verified_payload(token, kSecret);
  // Accepted claims imply an intact signature, and the two agree on errors.
  check(r.claims.has_value() == (r.error == volkrin::jwt::VerifyError::none));
  if (r.claims) {
    check(payload.has_value());
    check(r.claims->exp > kNow);
    check(r.claims->id.size() == 24);
    check(r.claims->role == "user" || r.claims->role == "admin");
  }
  if (payload) check(r.error != volkrin::jwt::VerifyError::bad_signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The input as a token: almost always stops at structure, header or signature.
  verify_token(input);

  // The input as header or payload JSON of a correctly signed token, so that the JSON and
  // claim checks behind the signature are reached too.
  verify_token(volkrin::jwt::sign_compact(
      input, R"({"id":"64f1a2b3c4d5e6f708091a2b","role":"user","exp":1700604800})", kSecret));
  verify_token(volkrin::jwt::sign_compact(R"({"alg":"HS256","typ":"JWT"})", input, kSecret));

  // base64url decoding accepts exactly the canonical encodings.
  if (const auto bytes = volkrin::crypto::base64url_decode(input)) {
    check(volkrin::crypto::base64url_encode(*bytes) == input);
  }
  return 0;
}
