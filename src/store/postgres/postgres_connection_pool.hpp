// A fixed set of PostgreSQL connections lent to one thread at a time.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/postgres/postgres_connection.hpp"

namespace volkrin {

// Connections connect on first use, so a pool can be built while the server is down.
class PostgresConnectionPool {
 public:
  // Returned to the pool on destruction, after rolling back any transaction left open.
  class Lease {
   public:
    Lease(PostgresConnectionPool& pool, std::unique_ptr<PostgresConnection> connection) noexcept
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    PostgresConnection& operator*() const noexcept { return *connection_; }
    PostgresConnection* operator->() const noexcept { return connection_.get(); }

   private:
    PostgresConnectionPool* pool_;
    std::unique_ptr<PostgresConnection> connection_;
  };

  // `size` connections (at least one) sharing these settings.
  PostgresConnectionPool(const std::shared_ptr<const PostgresSettings>& settings, unsigned size);

  // Waits until a connection is free.
  Lease acquire();

 private:
  void release(std::unique_ptr<PostgresConnection> connection) noexcept;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
};

}  // namespace volkrin
