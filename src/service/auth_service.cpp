// Account rules; see auth_service.hpp.
#include "service/auth_service.hpp"

#include <algorithm>

#include "support/api_error.hpp"
#include "support/ascii.hpp"
#include "support/crypto.hpp"
#include "support/jwt.hpp"
#include "support/metrics.hpp"
#include "support/object_id.hpp"
#include "support/text_validation.hpp"
#include "support/time_format.hpp"

namespace volkrin {

std::string normalize_email(std::string_view raw) {
  const std::string_view email = trim(raw);
  const auto length = utf8_length(email);
  // A zero-width space, a soft hyphen or a bidi control would make another account of an
  // address that looks the same.
  if (length && has_invisible_character(email)) {
    throw ApiError(400, "Email must not contain invisible or control characters");
  }
  const auto at = email.find('@');
  const bool ok = length && *length > 0 && email.size() <= 254 && at != std::string_view::npos &&
                  at > 0 && at + 1 < email.size() &&
                  email.find('@', at + 1) == std::string_view::npos &&
                  email.find(' ') == std::string_view::npos;
  if (!ok) throw ApiError(400, "Please provide a valid email address");
  return ascii_lower(email);
}

std::string validate_name(std::string_view raw) {
  const std::string_view name = require_single_line(trim(raw), "name");
  const std::size_t length = utf8_length(name).value_or(0);
  if (length < 1 || length > 100) throw ApiError(400, "Name must be between 1 and 100 characters");
  return std::string(name);
}

void validate_password(std::string_view password) {
  if (password.size() > 1024) throw ApiError(400, "Password must be at most 1024 bytes");
  const std::size_t length = utf8_length(password).value_or(password.size());
  if (length < 8) {
    throw ApiError(400, "Password must be at least 8 characters");
  }
}

AuthService::AuthService(MetadataStore& store, const PasswordHasher& hasher, AuthSettings settings)
    : store_(store), hasher_(hasher), settings_(std::move(settings)) {}

std::string AuthService::issue_token(const UserRecord& user) const {
  jwt::Claims claims;
  claims.id = user.id;
  claims.role = user.role;
  claims.iat = now_seconds();
  claims.exp = claims.iat + settings_.token_lifetime.count();
  return jwt::sign(claims, settings_.jwt_secret);
}

UserRecord AuthService::make_user(std::string_view name, std::string_view email,
                                  std::string_view password, std::string_view role) const {
  UserRecord user;
  user.name = validate_name(name);
  user.email = normalize_email(email);
  validate_password(password);
  user.id = new_object_id();
  user.role = std::string(role);
  user.password_hash = hasher_.hash(password);
  user.created_at_ms = user.updated_at_ms = now_ms();
  return user;
}

Session AuthService::signup(const SignupInput& input) {
  // The original grants admin only with the right secret and otherwise quietly creates a
  // user; with no ADMIN_SECRET configured nobody becomes admin this way.
  bool admin = false;
  if (input.role == "admin" && settings_.admin_secret && !input.admin_secret.empty()) {
    admin = crypto::constant_time_equal(input.admin_secret, *settings_.admin_secret);
  }
  const std::string email = normalize_email(input.email);
  if (store_.find_user_by_email(email)) throw ApiError(400, "User already exists");
  UserRecord user = make_user(input.name, email, input.password, admin ? "admin" : "user");
  if (!store_.insert_user(user)) throw ApiError(400, "User already exists");
  metrics().signups.inc();
  return Session{user, issue_token(user)};
}

Session AuthService::login(std::string_view email_raw, std::string_view password) {
  std::string email;
  try {
    email = normalize_email(email_raw);
  } catch (const ApiError&) {
    email.clear();
  }
  std::optional<UserRecord> user;
  if (!email.empty()) user = store_.find_user_by_email(email);
  if (!user || password.size() > 1024) {
    hasher_.verify_dummy(password.substr(0, 1024));
    metrics().failed_logins.inc();
    throw ApiError(401, "Invalid email or password");
  }
  const auto check = hasher_.verify(password, user->password_hash);
  if (!check.ok) {
    metrics().failed_logins.inc();
    throw ApiError(401, "Invalid email or password");
  }
  if (check.needs_rehash) {
    // Imported bcrypt hashes (and Argon2id hashes of another cost) move to the current
    // Argon2id parameters now that the plain password is at hand.
    user->password_hash = hasher_.hash(password);
    user->updated_at_ms = now_ms();
    store_.update_password_hash(user->id, user->password_hash, user->updated_at_ms);
  }
  metrics().logins.inc();
  return Session{*user, issue_token(*user)};
}

std::optional<UserRecord> AuthService::authenticate(std::string_view token) {
  const auto result = jwt::verify(token, settings_.jwt_secret, now_seconds());
  if (!result.claims) return std::nullopt;
  return store_.find_user_by_id(result.claims->id);
}

std::vector<UserRecord> AuthService::list_users() {
  return store_.list_users();
}

void AuthService::delete_user(std::string_view caller_id, std::string_view user_id) {
  if (!is_object_id(user_id)) throw ApiError(404, "User not found");
  if (user_id == caller_id) throw ApiError(400, "Admins cannot delete themselves");
  if (!store_.delete_user(user_id)) throw ApiError(404, "User not found");
  metrics().user_deletions.inc();
}

UserRecord AuthService::create_user(std::string_view name, std::string_view email,
                                    std::string_view password, std::string_view role) {
  UserRecord user = make_user(name, email, password, role);
  if (!store_.insert_user(user)) throw ApiError(400, "User already exists");
  metrics().signups.inc();
  return user;
}

}  // namespace volkrin
