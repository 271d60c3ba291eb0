// A fixed set of SQLite connections lent to one thread at a time.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"

namespace volkrin {

class SqliteConnectionPool {
 public:
  // Returned to the pool on destruction, after rolling back any transaction left open.
  class Lease {
   public:
    Lease(SqliteConnectionPool& pool, std::unique_ptr<SqliteConnection> connection) noexcept
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    SqliteConnection& operator*() const noexcept { return *connection_; }
    SqliteConnection* operator->() const noexcept { return connection_.get(); }

   private:
    SqliteConnectionPool* pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  // At least one connection.
  explicit SqliteConnectionPool(std::vector<std::unique_ptr<SqliteConnection>> connections);

  // Waits until a connection is free.
  Lease acquire();

 private:
  void release(std::unique_ptr<SqliteConnection> connection) noexcept;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace volkrin
