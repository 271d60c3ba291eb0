// The exception thrown for every failed SQLite call, carrying SQLite's extended result code.
#pragma once

#include "support/backend_failure.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;

namespace volkrin {

// what() is "sqlite <operation>: <sqlite3_errmsg>". It never contains bound values.
class SqliteError : public BackendFailure {
 public:
  SqliteError(int extended_code, const std::string& message);

  // SQLite's extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
  int code() const noexcept { return code_; }

 private:
  int code_;
};

// Throws SqliteError built from the connection's last error.
[[noreturn]] void throw_sqlite_error(sqlite3* db, std::string_view operation);

}  // namespace volkrin
