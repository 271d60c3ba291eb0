// SqliteMetadataStore: connection set-up, start-up migration and the user queries.
#include "store/sqlite/sqlite_metadata_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>

#include "store/sqlite/sqlite_error.hpp"
#include "store/sqlite/sqlite_migrations.hpp"

namespace volkrin {
namespace {

constexpr int kOpenFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

constexpr std::string_view kUserColumns =
    "id, name, email, password_hash, role, created_at, updated_at";

std::unique_ptr<SqliteConnection> open_configured(const std::filesystem::path& db_file) {
  auto connection = std::make_unique<SqliteConnection>(db_file, kOpenFlags);
  // Writers wait for each other instead of failing with SQLITE_BUSY; WAL lets readers go
  // on during a write; NORMAL sync is durable in WAL mode except for the last commits
  // before a power loss.
  connection->exec("PRAGMA busy_timeout = 5000");
  {
    auto mode = connection->prepare("PRAGMA journal_mode = WAL");
    if (!mode.step() || mode.column_text(0) != "wal") {
      throw std::runtime_error("sqlite: cannot switch " + db_file.string() +
                               " to WAL journal mode");
    }
  }
  connection->exec("PRAGMA synchronous = NORMAL");
  connection->exec("PRAGMA foreign_keys = ON");
  return connection;
}

UserRecord read_user(const SqliteStatement& row) {
  return UserRecord{
      .id = row.column_text(0),
      .name = row.column_text(1),
      .email = row.column_text(2),
      .password_hash = row.column_text(3),
      .role = row.column_text(4),
      .created_at_ms = row.column_int64(5),
      .updated_at_ms = row.column_int64(6),
  };
}

std::string select_users(std::string_view rest) {
  std::string sql = "SELECT ";
  sql += kUserColumns;
  sql += " FROM users ";
  sql += rest;
  return sql;
}

}  // namespace

SqliteMetadataStore::SqliteMetadataStore(std::filesystem::path db_file, unsigned connections)
    : db_file_(std::filesystem::absolute(db_file)),
      pool_(open_connections(db_file_, connections, opened_file_)) {}

std::optional<SqliteMetadataStore::FileIdentity> SqliteMetadataStore::identify(
    const std::filesystem::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return std::nullopt;
  return FileIdentity{.device = static_cast<std::uint64_t>(info.st_dev),
                      .inode = static_cast<std::uint64_t>(info.st_ino)};
}

std::vector<std::unique_ptr<SqliteConnection>> SqliteMetadataStore::open_connections(
    const std::filesystem::path& db_file, unsigned count, FileIdentity& opened) {
  if (count == 0) throw std::invalid_argument("SqliteMetadataStore needs at least 1 connection");
  if (sqlite3_threadsafe() == 0) {
    throw std::runtime_error("sqlite: the linked SQLite library was built without threads");
  }
  if (db_file.has_parent_path()) std::filesystem::create_directories(db_file.parent_path());

  std::vector<std::unique_ptr<SqliteConnection>> pool;
  pool.reserve(count);
  pool.push_back(open_configured(db_file));
  // Only one connection exists while the schema changes.
  migrate_sqlite_schema(*pool.front());
  const auto identity = identify(db_file);
  if (!identity) throw std::runtime_error("database file is missing");
  opened = *identity;
  while (pool.size() < count) pool.push_back(open_configured(db_file));
  return pool;
}

void SqliteMetadataStore::ping() {
  if (identify(db_file_) != opened_file_) {
    throw std::runtime_error("database file " + db_file_.string() + " is missing or was replaced");
  }
  auto connection = pool_.acquire();
  auto statement = connection->prepare("SELECT 1");
  if (!statement.step() || statement.column_int64(0) != 1) {
    throw std::runtime_error("sqlite: SELECT 1 returned no row");
  }
}

std::optional<UserRecord> SqliteMetadataStore::find_user(std::string_view sql,
                                                         std::string_view key) {
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  statement.bind_text(1, key);
  if (!statement.step()) return std::nullopt;
  return read_user(statement);
}

std::optional<UserRecord> SqliteMetadataStore::find_user_by_id(std::string_view id) {
  static const std::string sql = select_users("WHERE id = ?1");
  return find_user(sql, id);
}

std::optional<UserRecord> SqliteMetadataStore::find_user_by_email(std::string_view email) {
  static const std::string sql = select_users("WHERE email = ?1");
  return find_user(sql, email);
}

bool SqliteMetadataStore::insert_user(const UserRecord& user) {
  auto connection = pool_.acquire();
  auto statement = connection->prepare(
      "INSERT INTO users (id, name, email, password_hash, role, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  statement.bind_text(1, user.id)
      .bind_text(2, user.name)
      .bind_text(3, user.email)
      .bind_text(4, user.password_hash)
      .bind_text(5, user.role)
      .bind_int64(6, user.created_at_ms)
      .bind_int64(7, user.updated_at_ms);
  try {
    statement.run();
  } catch (const SqliteError& error) {
    // A taken id is reported as SQLITE_CONSTRAINT_PRIMARYKEY and stays an error.
    if (error.code() == SQLITE_CONSTRAINT_UNIQUE &&
        std::string_view(error.what()).find("users.email") != std::string_view::npos) {
      return false;
    }
    throw;
  }
  return true;
}

std::vector<UserRecord> SqliteMetadataStore::list_users() {
  static const std::string sql = select_users("ORDER BY created_at ASC, id ASC");
  auto connection = pool_.acquire();
  auto statement = connection->prepare(sql);
  std::vector<UserRecord> users;
  while (statement.step()) users.push_back(read_user(statement));
  return users;
}

bool SqliteMetadataStore::delete_user(std::string_view id) {
  auto connection = pool_.acquire();
  // Foreign keys are on: the user's tracks keep their rows with uploaded_by set to NULL.
  connection->prepare("DELETE FROM users WHERE id = ?1").bind_text(1, id).run();
  return connection->changes() > 0;
}

void SqliteMetadataStore::update_password_hash(std::string_view id, std::string_view hash,
                                               std::int64_t updated_at_ms) {
  auto connection = pool_.acquire();
  connection->prepare("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1")
      .bind_text(1, id)
      .bind_text(2, hash)
      .bind_int64(3, updated_at_ms)
      .run();
}

}  // namespace volkrin
