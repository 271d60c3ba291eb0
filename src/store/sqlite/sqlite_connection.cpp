// Opening and closing a SQLite connection, plain execution and the statement cache.
#include "store/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "store/sqlite/sqlite_error.hpp"

namespace volkrin {

SqliteConnection::SqliteConnection(const std::filesystem::path& file, int open_flags) {
  const int rc = sqlite3_open_v2(file.c_str(), &db_, open_flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "sqlite open " + file.string() + ": ";
    message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    const int code = db_ != nullptr ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(code, message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
  for (auto& entry : statements_) sqlite3_finalize(entry.second);
  sqlite3_close_v2(db_);
}

void SqliteConnection::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_sqlite_error(db_, "exec");
  }
}

SqliteStatement SqliteConnection::prepare(std::string_view sql) {
  if (const auto found = statements_.find(sql); found != statements_.end()) {
    return {db_, found->second};
  }
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw SqliteError(SQLITE_TOOBIG, "sqlite prepare: statement too long");
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, &tail) != SQLITE_OK) {
    throw_sqlite_error(db_, "prepare");
  }
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  const bool only_space = std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0 || c == ';';
  });
  if (stmt == nullptr || !only_space) {
    sqlite3_finalize(stmt);
    throw SqliteError(SQLITE_MISUSE, "sqlite prepare: expected exactly one statement");
  }
  statements_.emplace(std::string(sql), stmt);
  return {db_, stmt};
}

std::int64_t SqliteConnection::changes() const {
  return sqlite3_changes64(db_);
}

bool SqliteConnection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace volkrin
