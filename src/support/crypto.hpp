// Small cryptographic building blocks: hashes, HMAC, encodings, randomness, comparison.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin::crypto {

// Raw 32-byte digests.
std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);

// SHA-256 over bytes fed in pieces, for content too large to hold (an upload as it streams).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::string_view bytes);
  // The raw 32-byte digest of everything fed so far; the hash then starts over.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Lower-case hex. Decoding also accepts upper case; odd lengths and other characters fail.
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

// RFC 4648 section 5 alphabet, without padding. Decoding accepts unpadded input only and
// rejects any character outside the alphabet, impossible lengths and non-zero unused bits
// in the last character (so each byte string has exactly one accepted encoding).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view bytes);

// Bytes from the operating system's CSPRNG.
std::string random_bytes(std::size_t count);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace volkrin::crypto
