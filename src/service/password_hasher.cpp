// Argon2id password hashing (libsodium) and verification of imported bcrypt hashes (libcrypt).
#include "service/password_hasher.hpp"

#include <mutex>

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "support/crypto.hpp"

namespace volkrin {

namespace {

struct Limits {
  unsigned long long opslimit;
  std::size_t memlimit;
};

Limits limits_for(HashCost cost) {
  switch (cost) {
    case HashCost::min:
      return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
    case HashCost::interactive:
      return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
              crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
    case HashCost::moderate:
      return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
    case HashCost::sensitive:
      return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
  }
  throw std::invalid_argument("unknown password hash cost");
}

// An empty view may carry a null pointer; hand the C API a valid empty string instead.
const char* non_null(std::string_view s) {
  return s.empty() ? "" : s.data();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_bcrypt(std::string_view hash) {
  return starts_with(hash, "$2a$") || starts_with(hash, "$2b$") || starts_with(hash, "$2y$");
}

// libsodium reads the hash as a NUL-terminated string inside a buffer of this size.
using Argon2String = std::array<char, crypto_pwhash_STRBYTES>;

std::optional<Argon2String> to_argon2_string(std::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  Argon2String out{};
  hash.copy(out.data(), hash.size());
  return out;
}

// bcrypt via crypt_r: it recomputes the hash with the stored salt and cost.
bool bcrypt_matches(std::string_view password, std::string_view hash) {
  // crypt() takes C strings: a NUL would cut the password (or hash) short and let a prefix
  // of the real password match, so such input never matches.
  if (password.find('\0') != std::string_view::npos || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string pw(password);
  const std::string setting(hash);
  auto data = std::make_unique<crypt_data>();  // value-initialised: zeroed as crypt_r needs
  const char* out = crypt_r(pw.c_str(), setting.c_str(), data.get());
  // Failures come back as nullptr or a string starting with '*', never equal to a real hash.
  if (out == nullptr || out[0] == '*') return false;
  return crypto::constant_time_equal(out, hash);
}

}  // namespace

PasswordHasher::PasswordHasher(HashCost cost) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  const Limits l = limits_for(cost);
  opslimit_ = l.opslimit;
  memlimit_ = l.memlimit;
}

std::string PasswordHasher::hash(std::string_view password) const {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), non_null(password), password.size(), opslimit_, memlimit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed (out of memory?)");
  }
  return std::string(out.data());
}

PasswordHasher::Verification PasswordHasher::verify(std::string_view password,
                                                    std::string_view stored_hash) const {
  Verification v;
  if (starts_with(stored_hash, "$argon2id$")) {
    const auto str = to_argon2_string(stored_hash);
    if (!str) return v;
    if (crypto_pwhash_str_verify(str->data(), non_null(password), password.size()) != 0) return v;
    v.ok = true;
    // 1: other parameters, -1: unparsable; either way a new hash is due.
    v.needs_rehash = crypto_pwhash_str_needs_rehash(str->data(), opslimit_, memlimit_) != 0;
    return v;
  }
  if (is_bcrypt(stored_hash)) {
    v.ok = bcrypt_matches(password, stored_hash);
    v.needs_rehash = v.ok;
    return v;
  }
  return v;
}

const std::string& PasswordHasher::dummy_hash() const {
  std::call_once(dummy_once_,
                 [this] { dummy_hash_ = hash(crypto::hex_encode(crypto::random_bytes(16))); });
  return dummy_hash_;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // Its password is never known, so this verification always fails.
  static_cast<void>(verify(password, dummy_hash()));
}

}  // namespace volkrin
