// The rules of accounts: sign-up, login, tokens, the user list and user deletion.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/metadata_store.hpp"
#include "service/password_hasher.hpp"

namespace volkrin {

struct SignupInput {
  std::string name;
  std::string email;
  std::string password;
  std::string role;          // "" or "user" or "admin" as requested
  std::string admin_secret;  // "" when not given
};

struct Session {
  UserRecord user;
  std::string token;
};

struct AuthSettings {
  std::string jwt_secret;
  std::chrono::seconds token_lifetime{std::chrono::hours(24 * 7)};
  std::optional<std::string> admin_secret;
};

// Every method blocks (hashing, database): call through offload().
// Failures the client should see are thrown as ApiError with the contract's messages.
class AuthService {
 public:
  AuthService(MetadataStore& store, const PasswordHasher& hasher, AuthSettings settings);

  Session signup(const SignupInput& input);
  Session login(std::string_view email, std::string_view password);
  // The user a bearer token belongs to; nullopt when it does not verify or the user is gone.
  std::optional<UserRecord> authenticate(std::string_view token);
  std::vector<UserRecord> list_users();
  void delete_user(std::string_view caller_id, std::string_view user_id);

  // For operators (command line): creates a user with the given role, no secret needed.
  UserRecord create_user(std::string_view name, std::string_view email, std::string_view password,
                         std::string_view role);

  std::string issue_token(const UserRecord& user) const;

 private:
  UserRecord make_user(std::string_view name, std::string_view email, std::string_view password,
                       std::string_view role) const;

  MetadataStore& store_;
  const PasswordHasher& hasher_;
  AuthSettings settings_;
};

// Validation shared by sign-up and the command line; each throws ApiError(400, ...).
std::string normalize_email(std::string_view email);  // trimmed, lower-cased, validated
std::string validate_name(std::string_view name);     // trimmed, 1..100 characters
void validate_password(std::string_view password);    // 8+ characters, at most 1024 bytes

}  // namespace volkrin
