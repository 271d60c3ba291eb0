// Unit tests for Argon2id password hashing and bcrypt verification of imported hashes.
#include "service/password_hasher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace volkrin {
namespace {

// Made with Python's crypt module (libxcrypt): crypt.crypt("correct horse",
// crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
constexpr std::string_view kBcrypt2b =
    "$2b$04$0jcg2uB0aIOGcChfPpStY.5ZTP2AC1GWTUTm8XI30zqjVdxef9YSa";
// Another such hash with "$2b$" changed to "$2a$", as bcryptjs writes them; for ASCII
// passwords under 72 bytes both variants compute the same value (checked with crypt_r).
constexpr std::string_view kBcrypt2a =
    "$2a$04$6T963QO880NJi5A7xHWuKuDzH9E/twr0mdxGtodFrUKYXkiDJ471a";
constexpr std::string_view kBcrypt2y =
    "$2y$04$6T963QO880NJi5A7xHWuKuDzH9E/twr0mdxGtodFrUKYXkiDJ471a";
// crypt.crypt("battery staple", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)): cost 10,
// the bcryptjs default.
constexpr std::string_view kBcryptCost10 =
    "$2b$10$14/jraz.JD1aVTII0qlHU.MCif/jc37qK129Btx4bT9v06fMBCfOK";
// Published jBCrypt test vector for "abc".
constexpr std::string_view kJbcryptAbc =
    "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i";

const PasswordHasher& min_hasher() {
  static const PasswordHasher hasher(HashCost::min);
  return hasher;
}

TEST(PasswordHasher, hash_then_verify_succeeds_with_min_cost) {
  const std::string hash = min_hasher().hash("correct horse battery staple");
  const auto v = min_hasher().verify("correct horse battery staple", hash);
  EXPECT_TRUE(v.ok);
  EXPECT_FALSE(v.needs_rehash);
}

TEST(PasswordHasher, wrong_password_does_not_verify) {
  const std::string hash = min_hasher().hash("correct horse battery staple");
  EXPECT_FALSE(min_hasher().verify("correct horse battery stapl", hash).ok);
  EXPECT_FALSE(min_hasher().verify("", hash).ok);
  EXPECT_FALSE(min_hasher().verify("Correct horse battery staple", hash).ok);
}

TEST(PasswordHasher, hash_is_argon2id_string) {
  const std::string hash = min_hasher().hash("pw");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$", 0), 0u) << hash;
}

TEST(PasswordHasher, hashes_of_same_password_differ_by_salt) {
  EXPECT_NE(min_hasher().hash("pw"), min_hasher().hash("pw"));
}

TEST(PasswordHasher, empty_password_and_nul_bytes_are_hashed_as_bytes) {
  const std::string empty = min_hasher().hash("");
  EXPECT_TRUE(min_hasher().verify("", empty).ok);
  const std::string with_nul("ab\0cd", 5);
  const std::string hash = min_hasher().hash(with_nul);
  EXPECT_TRUE(min_hasher().verify(with_nul, hash).ok);
  EXPECT_FALSE(min_hasher().verify("ab", hash).ok);
}

TEST(PasswordHasher, min_cost_hash_needs_rehash_under_interactive) {
  const std::string hash = min_hasher().hash("pw");
  const PasswordHasher interactive(HashCost::interactive);
  const auto v = interactive.verify("pw", hash);
  EXPECT_TRUE(v.ok);
  EXPECT_TRUE(v.needs_rehash);
}

TEST(PasswordHasher, bcrypt_2b_verifies_and_needs_rehash) {
  const auto v = min_hasher().verify("correct horse", kBcrypt2b);
  EXPECT_TRUE(v.ok);
  EXPECT_TRUE(v.needs_rehash);
}

TEST(PasswordHasher, bcrypt_2a_verifies_and_needs_rehash) {
  const auto v = min_hasher().verify("correct horse", kBcrypt2a);
  EXPECT_TRUE(v.ok);
  EXPECT_TRUE(v.needs_rehash);
  EXPECT_TRUE(min_hasher().verify("abc", kJbcryptAbc).ok);
}

TEST(PasswordHasher, bcrypt_2y_and_cost_10_verify) {
  EXPECT_TRUE(min_hasher().verify("correct horse", kBcrypt2y).ok);
  EXPECT_TRUE(min_hasher().verify("battery staple", kBcryptCost10).ok);
}

TEST(PasswordHasher, bcrypt_wrong_password_does_not_verify) {
  for (const auto hash : {kBcrypt2a, kBcrypt2b, kBcrypt2y, kBcryptCost10, kJbcryptAbc}) {
    const auto v = min_hasher().verify("wrong horse", hash);
    EXPECT_FALSE(v.ok) << hash;
    EXPECT_FALSE(v.needs_rehash) << hash;
  }
  EXPECT_FALSE(min_hasher().verify("", kBcrypt2b).ok);
  EXPECT_FALSE(min_hasher().verify("correct horse ", kBcrypt2b).ok);
}

TEST(PasswordHasher, bcrypt_never_matches_password_with_nul_byte) {
  EXPECT_FALSE(min_hasher().verify(std::string("correct horse\0extra", 19), kBcrypt2b).ok);
  EXPECT_FALSE(min_hasher().verify(std::string("\0", 1), kBcrypt2b).ok);
}

TEST(PasswordHasher, malformed_hashes_never_verify) {
  const std::string argon = min_hasher().hash("pw");
  const std::string bcrypt(kBcrypt2b);
  for (const std::string& hash :
       {std::string(""), std::string("$2b$"), std::string("garbage"), std::string("$argon2id$bad"),
        std::string("$argon2id$"), std::string("$2a$04$"), std::string("$2b$99$abc"),
        std::string("$2x$04$0jcg2uB0aIOGcChfPpStY.5ZTP2AC1GWTUTm8XI30zqjVdxef9YSa"),
        bcrypt.substr(0, bcrypt.size() - 1), bcrypt + "x", argon.substr(0, argon.size() - 2),
        argon + std::string(200, 'a'), std::string("$argon2i$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"),
        std::string("pw"), std::string("$1$salt$hash"), std::string("*0"), std::string("\0$2b$", 5),
        bcrypt + std::string("\0", 1), argon + std::string("\0", 1)}) {
    const auto v = min_hasher().verify("pw", hash);
    EXPECT_FALSE(v.ok) << hash;
    EXPECT_FALSE(v.needs_rehash) << hash;
  }
}

// "$argon2id$v=19$m=65536,t=2,p=1$": what sets the work of checking a hash, before the salt.
std::string argon2_parameters(std::string_view hash) {
  std::size_t end = 0;
  for (int field = 0; field < 3 && end != std::string_view::npos; ++field) {
    end = hash.find('$', end + 1);
  }
  return end == std::string_view::npos ? std::string("<not Argon2id>")
                                       : std::string(hash.substr(0, end + 1));
}

TEST(PasswordHasher, verify_dummy_costs_what_a_wrong_password_for_a_current_hash_costs) {
  // Argon2id's work is set by the memory, passes and lanes written in the hash it checks, so
  // checking the dummy hash costs what checking a user's current hash does, per call.
  for (const HashCost cost : {HashCost::min, HashCost::interactive}) {
    const PasswordHasher hasher(cost);
    const std::string user_hash = hasher.hash("the user's password");
    ASSERT_TRUE(user_hash.starts_with("$argon2id$v=19$m=")) << user_hash;
    EXPECT_EQ(argon2_parameters(hasher.dummy_hash()), argon2_parameters(user_hash));
    EXPECT_EQ(&hasher.dummy_hash(), &hasher.dummy_hash()) << "made once";
    EXPECT_FALSE(hasher.verify("the user's password", hasher.dummy_hash()).ok);
    EXPECT_FALSE(hasher.verify("", hasher.dummy_hash()).ok);
    EXPECT_NO_THROW(hasher.verify_dummy("anything"));
    EXPECT_NO_THROW(hasher.verify_dummy(""));
  }
  EXPECT_NE(argon2_parameters(PasswordHasher(HashCost::min).dummy_hash()),
            argon2_parameters(PasswordHasher(HashCost::interactive).dummy_hash()))
      << "the dummy follows the hasher's cost";
}

}  // namespace
}  // namespace volkrin
