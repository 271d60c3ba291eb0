// A borrowed prepared statement: bind parameters, step through rows, read columns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace volkrin {

// Does not own the statement (its connection caches it); on destruction the statement
// is reset and its bindings cleared so that the next user starts afresh.
// Parameter indices start at 1, column indices at 0.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;

  SqliteStatement& bind_text(int index, std::string_view value);
  SqliteStatement& bind_int64(int index, std::int64_t value);
  SqliteStatement& bind_null(int index);
  SqliteStatement& bind_optional_int64(int index, std::optional<std::int64_t> value);
  SqliteStatement& bind_optional_text(int index, const std::optional<std::string>& value);

  // true when a row is available, false when the statement has finished.
  bool step();
  // Steps until the statement finishes, ignoring any rows.
  void run();

  bool column_is_null(int column) const;
  // NULL reads as "".
  std::string column_text(int column) const;
  // NULL reads as 0.
  std::int64_t column_int64(int column) const;
  std::optional<std::int64_t> column_optional_int64(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

  sqlite3_stmt* handle() const noexcept { return stmt_; }

 private:
  void check_bind(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace volkrin
