// Builds SqliteError from a connection's last error.
#include "store/sqlite/sqlite_error.hpp"

#include <sqlite3.h>

#include <string>

namespace volkrin {

SqliteError::SqliteError(int extended_code, const std::string& message)
    : BackendFailure(Backend::database, message), code_(extended_code) {}

void throw_sqlite_error(sqlite3* db, std::string_view operation) {
  std::string message = "sqlite ";
  message += operation;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  throw SqliteError(db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_NOMEM, message);
}

}  // namespace volkrin
