// Signing of local media URLs and the check of their expiry and signature.
#include "support/signed_url.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace volkrin {
namespace {

constexpr std::string_view kSecret = "media-secret";
constexpr std::string_view kKey = "audio/0f8e2c1a-9b7d-4c3e-8a21-5d6f7e8a9b0c-song.mp3";
constexpr std::int64_t kExpires = 1700000300;
constexpr std::int64_t kNow = 1700000000;
// printf '<kKey>\n1700000300' | openssl dgst -sha256 -hmac 'media-secret'
constexpr std::string_view kKnownSignature =
    "35862ca006964537fd4ca6af15917d40580e661d21db84c4a721b9a476a36e0d";

MediaUrlCheck check(std::string_view key, std::string_view expires, std::string_view sig,
                    std::int64_t now = kNow) {
  return check_media_signature(kSecret, key, expires, sig, now);
}

TEST(MediaSignature, matches_known_hmac_sha256_vector) {
  EXPECT_EQ(media_signature(kSecret, kKey, kExpires), kKnownSignature);
}

TEST(MediaSignature, is_64_lower_case_hex) {
  const std::string sig = media_signature("s", "k", 0);
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_EQ(sig.find_first_not_of("0123456789abcdef"), std::string::npos) << sig;
}

TEST(MediaSignature, depends_on_secret_key_and_expiry) {
  const std::string base = media_signature(kSecret, kKey, kExpires);
  EXPECT_NE(media_signature("other-secret", kKey, kExpires), base);
  EXPECT_NE(media_signature(kSecret, "audio/x.mp3", kExpires), base);
  EXPECT_NE(media_signature(kSecret, kKey, kExpires + 1), base);
}

TEST(SignedMediaPath, has_key_expiry_and_signature) {
  EXPECT_EQ(
      signed_media_path(kSecret, kKey, kExpires),
      "/media/" + std::string(kKey) + "?expires=1700000300&sig=" + std::string(kKnownSignature));
}

TEST(SignedMediaPath, percent_encodes_key_bytes_but_keeps_slashes) {
  const std::string path = signed_media_path(kSecret, "audio/a b?c#d%e&f+g\xc3\xa9~._-", 1);
  EXPECT_TRUE(path.starts_with("/media/audio/a%20b%3Fc%23d%25e%26f%2Bg%C3%A9~._-?expires=1&sig="))
      << path;
}

TEST(SignedMediaPath, signature_is_over_the_raw_key) {
  const std::string key = "audio/x-Caf\xc3\xa9 1.mp3";
  const std::string path = signed_media_path(kSecret, key, kExpires);
  EXPECT_TRUE(path.ends_with("&sig=" + media_signature(kSecret, key, kExpires))) << path;
}

TEST(CheckMediaSignature, accepts_url_it_signed) {
  const std::string sig = media_signature(kSecret, kKey, kExpires);
  EXPECT_EQ(check(kKey, "1700000300", sig), MediaUrlCheck::ok);
}

TEST(CheckMediaSignature, accepts_known_vector) {
  EXPECT_EQ(check(kKey, "1700000300", kKnownSignature), MediaUrlCheck::ok);
}

TEST(CheckMediaSignature, accepts_url_in_its_last_second) {
  EXPECT_EQ(check(kKey, "1700000300", kKnownSignature, kExpires), MediaUrlCheck::ok);
}

TEST(CheckMediaSignature, rejects_tampered_key) {
  EXPECT_EQ(
      check("audio/0f8e2c1a-9b7d-4c3e-8a21-5d6f7e8a9b0c-song.mp4", "1700000300", kKnownSignature),
      MediaUrlCheck::bad_signature);
  EXPECT_EQ(check("thumbnails/x.png", "1700000300", kKnownSignature), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_tampered_expiry) {
  EXPECT_EQ(check(kKey, "1700000301", kKnownSignature), MediaUrlCheck::bad_signature);
  EXPECT_EQ(check(kKey, "9999999999", kKnownSignature), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_signature_with_one_hex_digit_changed) {
  std::string sig(kKnownSignature);
  sig[10] = sig[10] == '0' ? '1' : '0';
  EXPECT_EQ(check(kKey, "1700000300", sig), MediaUrlCheck::bad_signature);
  sig = std::string(kKnownSignature);
  sig.back() = sig.back() == 'd' ? 'e' : 'd';
  EXPECT_EQ(check(kKey, "1700000300", sig), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_upper_case_signature) {
  std::string sig(kKnownSignature);
  for (char& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(check(kKey, "1700000300", sig), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_signature_of_wrong_length) {
  EXPECT_EQ(check(kKey, "1700000300", kKnownSignature.substr(0, 63)), MediaUrlCheck::bad_signature);
  EXPECT_EQ(check(kKey, "1700000300", std::string(kKnownSignature) + "0"),
            MediaUrlCheck::bad_signature);
  EXPECT_EQ(check(kKey, "1700000300", ""), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_non_numeric_expiry) {
  for (const std::string_view expires :
       {"", "abc", "17000003OO", "1700000300 ", " 1700000300", "1700000300.0", "0x6553f1cc"}) {
    EXPECT_EQ(check(kKey, expires, kKnownSignature), MediaUrlCheck::bad_signature) << expires;
  }
}

TEST(CheckMediaSignature, rejects_signed_expiry) {
  EXPECT_EQ(check(kKey, "+1700000300", kKnownSignature), MediaUrlCheck::bad_signature);
  const std::string sig = media_signature(kSecret, kKey, -1);
  EXPECT_EQ(check(kKey, "-1", sig), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_expiry_longer_than_19_digits_or_beyond_int64) {
  EXPECT_EQ(check(kKey, "00000000001700000300", kKnownSignature), MediaUrlCheck::bad_signature);
  EXPECT_EQ(check(kKey, "9223372036854775808", kKnownSignature), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, accepts_largest_int64_expiry) {
  constexpr std::int64_t kMax = 9223372036854775807;
  const std::string sig = media_signature(kSecret, kKey, kMax);
  EXPECT_EQ(check(kKey, "9223372036854775807", sig), MediaUrlCheck::ok);
}

TEST(CheckMediaSignature, rejects_expiry_with_leading_zero_as_not_the_signed_text) {
  EXPECT_EQ(check(kKey, "01700000300", kKnownSignature), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, reports_expired_url_with_valid_signature) {
  EXPECT_EQ(check(kKey, "1700000300", kKnownSignature, kExpires + 1), MediaUrlCheck::expired);
  const std::string sig = media_signature(kSecret, kKey, 0);
  EXPECT_EQ(check(kKey, "0", sig), MediaUrlCheck::expired);
}

TEST(CheckMediaSignature, reports_bad_signature_before_expiry) {
  std::string sig(kKnownSignature);
  sig[0] = sig[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(check(kKey, "1700000300", sig, kExpires + 1000), MediaUrlCheck::bad_signature);
  EXPECT_EQ(check(kKey, "1", kKnownSignature, kExpires + 1000), MediaUrlCheck::bad_signature);
}

TEST(CheckMediaSignature, rejects_signature_made_with_another_secret) {
  const std::string sig = media_signature("other-secret", kKey, kExpires);
  EXPECT_EQ(check(kKey, "1700000300", sig), MediaUrlCheck::bad_signature);
}

}  // namespace
}  // namespace volkrin
