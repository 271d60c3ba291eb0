// Password hashing: Argon2id (libsodium) for new hashes, bcrypt verification for imports.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "support/hash_cost.hpp"

namespace volkrin {

// Blocking and CPU-heavy: call only from the worker pool.
class PasswordHasher {
 public:
  explicit PasswordHasher(HashCost cost);

  // "$argon2id$v=19$m=...,t=...,p=1$..." (libsodium crypto_pwhash_str).
  std::string hash(std::string_view password) const;

  struct Verification {
    bool ok = false;
    bool needs_rehash = false;  // a bcrypt hash, or Argon2id with other parameters
  };
  // Accepts Argon2id hashes and bcrypt "$2a$", "$2b$", "$2y$" (as bcryptjs writes them).
  // An unknown or malformed hash never verifies.
  Verification verify(std::string_view password, std::string_view stored_hash) const;

  // Spends what verify() spends on a wrong password for a current hash (it verifies against
  // dummy_hash()), so that a login for an unknown email costs the same as one for a known
  // email.
  void verify_dummy(std::string_view password) const;

  // The hash verify_dummy() checks: Argon2id with this hasher's parameters, which set the
  // work, of a random password that is not kept. Made on first use rather than at start-up,
  // where it would cost a whole hash before the server can listen.
  const std::string& dummy_hash() const;

 private:
  unsigned long long opslimit_;
  std::size_t memlimit_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

}  // namespace volkrin
