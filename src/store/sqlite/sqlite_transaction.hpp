// A write transaction on one connection: BEGIN IMMEDIATE, then COMMIT or ROLLBACK.
#pragma once

namespace volkrin {

class SqliteConnection;

// Takes the write lock at once (waiting up to the connection's busy timeout), so that a
// transaction never fails half-way for want of it. Rolls back on destruction unless
// commit() succeeded.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteConnection& connection);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void commit();

 private:
  SqliteConnection& connection_;
  bool done_ = false;
};

// Rolls back whatever transaction is open on the connection; never throws.
void rollback_quietly(SqliteConnection& connection) noexcept;

}  // namespace volkrin
