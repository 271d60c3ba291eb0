// BEGIN IMMEDIATE / COMMIT / ROLLBACK for SqliteTransaction.
#include "store/sqlite/sqlite_transaction.hpp"

#include <sqlite3.h>

#include "store/sqlite/sqlite_connection.hpp"

namespace volkrin {

SqliteTransaction::SqliteTransaction(SqliteConnection& connection) : connection_(connection) {
  connection_.prepare("BEGIN IMMEDIATE").run();
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) rollback_quietly(connection_);
}

void SqliteTransaction::commit() {
  connection_.prepare("COMMIT").run();
  done_ = true;
}

void rollback_quietly(SqliteConnection& connection) noexcept {
  // SQLite may already have rolled back by itself after some errors.
  if (connection.in_transaction()) {
    sqlite3_exec(connection.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace volkrin
