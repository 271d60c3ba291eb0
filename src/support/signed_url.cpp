// Local media URLs signed with HMAC-SHA256 over the key and the expiry time, and their check.
#include "support/signed_url.hpp"

#include <limits>
#include <optional>

#include "support/crypto.hpp"

namespace volkrin {

namespace {

constexpr std::size_t kMaxExpiresDigits = 19;
constexpr std::size_t kSignatureHexChars = 64;

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding of everything but unreserved characters and '/'.
std::string percent_encode_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (const char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0Fu];
    }
  }
  return out;
}

// 1 to 19 decimal digits, no sign, within int64.
std::optional<std::int64_t> parse_expires(std::string_view text) {
  if (text.empty() || text.size() > kMaxExpiresDigits) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::int64_t digit = c - '0';
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool is_lower_hex_signature(std::string_view s) {
  if (s.size() != kSignatureHexChars) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string media_signature(std::string_view secret, std::string_view key, std::int64_t expires) {
  std::string message(key);
  message += '\n';
  message += std::to_string(expires);
  return crypto::hex_encode(crypto::hmac_sha256(secret, message));
}

std::string signed_media_path(std::string_view secret, std::string_view key, std::int64_t expires) {
  return "/media/" + percent_encode_key(key) + "?expires=" + std::to_string(expires) +
         "&sig=" + media_signature(secret, key, expires);
}

MediaUrlCheck check_media_signature(std::string_view secret, std::string_view key,
                                    std::string_view expires_text, std::string_view signature,
                                    std::int64_t now_seconds) {
  const auto expires = parse_expires(expires_text);
  if (!expires || !is_lower_hex_signature(signature)) return MediaUrlCheck::bad_signature;
  // Only the exact text that was signed passes: "0123" is not the URL made for 123.
  if (std::to_string(*expires) != expires_text) return MediaUrlCheck::bad_signature;
  // The signature is checked first, so a forged URL never learns whether it is expired.
  if (!crypto::constant_time_equal(media_signature(secret, key, *expires), signature)) {
    return MediaUrlCheck::bad_signature;
  }
  return *expires < now_seconds ? MediaUrlCheck::expired : MediaUrlCheck::ok;
}

}  // namespace volkrin
