// Port: where users and tracks are kept. Adapters: SQLite (embedded); PostgreSQL to follow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin {

struct UserRecord {
  std::string id;  // 24-hex ObjectId
  std::string name;
  std::string email;  // stored lower-case, trimmed
  std::string password_hash;
  std::string role;  // "user" | "admin"
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// Every call blocks: run them on the worker pool, never on an I/O thread.
// Adapters are thread-safe. Failures of the backend itself throw std::runtime_error
// (the HTTP layer answers 500 and logs it); expected outcomes are return values.
class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Cheap round trip for readiness checks. Throws when the store cannot be used.
  virtual void ping() = 0;

  virtual std::optional<UserRecord> find_user_by_id(std::string_view id) = 0;
  virtual std::optional<UserRecord> find_user_by_email(std::string_view email) = 0;
  // false when the email is already taken (compared exactly; callers lower-case it).
  virtual bool insert_user(const UserRecord& user) = 0;
  // All users, oldest first.
  virtual std::vector<UserRecord> list_users() = 0;
  // false when no such user. Tracks the user uploaded stay, with no uploader.
  virtual bool delete_user(std::string_view id) = 0;
  virtual void update_password_hash(std::string_view id, std::string_view hash,
                                    std::int64_t updated_at_ms) = 0;
};

}  // namespace volkrin
