// Binding, stepping and column reading for SqliteStatement.
#include "store/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite/sqlite_error.hpp"

namespace volkrin {

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) {
    // Both only repeat an earlier step's error, which has already been reported.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

void SqliteStatement::check_bind(int rc) {
  if (rc != SQLITE_OK) throw_sqlite_error(db_, "bind");
}

SqliteStatement& SqliteStatement::bind_text(int index, std::string_view value) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

SqliteStatement& SqliteStatement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

SqliteStatement& SqliteStatement::bind_optional_int64(int index,
                                                      std::optional<std::int64_t> value) {
  return value ? bind_int64(index, *value) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind_optional_text(int index,
                                                     const std::optional<std::string>& value) {
  return value ? bind_text(index, *value) : bind_null(index);
}

bool SqliteStatement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      throw_sqlite_error(db_, "step");
  }
}

void SqliteStatement::run() {
  while (step()) {
  }
}

bool SqliteStatement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> SqliteStatement::column_optional_int64(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::optional<std::string> SqliteStatement::column_optional_text(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

}  // namespace volkrin
