// PostgresMetadataStore: the user queries (find, insert, list, delete, password change).
#include <array>
#include <string>

#include "store/postgres/postgres_metadata_store.hpp"

namespace volkrin {
namespace {

// Columns 0..6 as read_user expects them.
constexpr PostgresStatement kFindById{
    "user_by_id",
    "SELECT id, name, email, password_hash, role, created_at, updated_at FROM users "
    "WHERE id = $1"};
constexpr PostgresStatement kFindByEmail{
    "user_by_email",
    "SELECT id, name, email, password_hash, role, created_at, updated_at FROM users "
    "WHERE email = $1"};
constexpr PostgresStatement kListUsers{
    "list_users",
    "SELECT id, name, email, password_hash, role, created_at, updated_at FROM users "
    "ORDER BY created_at ASC, id ASC"};
constexpr PostgresStatement kInsertUser{
    "insert_user",
    "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
constexpr PostgresStatement kDeleteUser{"delete_user", "DELETE FROM users WHERE id = $1"};
constexpr PostgresStatement kUpdatePassword{
    "update_password_hash", "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1"};

// The constraint named in the schema for UNIQUE (email).
constexpr std::string_view kEmailConstraint = "users_email_key";

UserRecord read_user(const PostgresResult& rows, int row) {
  return UserRecord{
      .id = rows.text(row, 0),
      .name = rows.text(row, 1),
      .email = rows.text(row, 2),
      .password_hash = rows.text(row, 3),
      .role = rows.text(row, 4),
      .created_at_ms = rows.int64(row, 5),
      .updated_at_ms = rows.int64(row, 6),
  };
}

}  // namespace

std::optional<UserRecord> PostgresMetadataStore::find_user(const PostgresStatement& statement,
                                                           std::string_view key) {
  const std::array params{pg_text(key)};
  return with_connection([&](PostgresConnection& connection) -> std::optional<UserRecord> {
    const auto rows = connection.run(statement, params);
    if (rows.rows() == 0) return std::nullopt;
    return read_user(rows, 0);
  });
}

std::optional<UserRecord> PostgresMetadataStore::find_user_by_id(std::string_view id) {
  return find_user(kFindById, id);
}

std::optional<UserRecord> PostgresMetadataStore::find_user_by_email(std::string_view email) {
  return find_user(kFindByEmail, email);
}

bool PostgresMetadataStore::insert_user(const UserRecord& user) {
  const std::array params{pg_text(user.id),          pg_text(user.name),
                          pg_text(user.email),       pg_text(user.password_hash),
                          pg_text(user.role),        pg_int(user.created_at_ms),
                          pg_int(user.updated_at_ms)};
  try {
    with_connection([&](PostgresConnection& connection) { connection.run(kInsertUser, params); });
  } catch (const PostgresError& error) {
    // A taken id violates users_pkey and stays an error.
    if (error.sqlstate() == kPgUniqueViolation && error.constraint() == kEmailConstraint) {
      return false;
    }
    throw;
  }
  return true;
}

std::vector<UserRecord> PostgresMetadataStore::list_users() {
  return with_connection([](PostgresConnection& connection) {
    const auto rows = connection.run(kListUsers);
    std::vector<UserRecord> users;
    users.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) users.push_back(read_user(rows, row));
    return users;
  });
}

bool PostgresMetadataStore::delete_user(std::string_view id) {
  const std::array params{pg_text(id)};
  // The foreign key keeps the user's tracks, with uploaded_by set to NULL.
  return with_connection([&](PostgresConnection& connection) {
    return connection.run(kDeleteUser, params).affected_rows() > 0;
  });
}

void PostgresMetadataStore::update_password_hash(std::string_view id, std::string_view hash,
                                                 std::int64_t updated_at_ms) {
  const std::array params{pg_text(id), pg_text(hash), pg_int(updated_at_ms)};
  with_connection([&](PostgresConnection& connection) { connection.run(kUpdatePassword, params); });
}

}  // namespace volkrin
