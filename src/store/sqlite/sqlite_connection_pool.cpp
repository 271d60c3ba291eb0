// Lending and returning pooled SQLite connections.
#include "store/sqlite/sqlite_connection_pool.hpp"

#include <stdexcept>
#include <utility>

#include "store/sqlite/sqlite_transaction.hpp"

namespace volkrin {

SqliteConnectionPool::Lease::~Lease() {
  if (connection_ == nullptr) return;  // moved from
  rollback_quietly(*connection_);
  pool_->release(std::move(connection_));
}

SqliteConnectionPool::SqliteConnectionPool(
    std::vector<std::unique_ptr<SqliteConnection>> connections)
    : idle_(std::move(connections)) {
  if (idle_.empty()) throw std::invalid_argument("sqlite connection pool needs a connection");
}

SqliteConnectionPool::Lease SqliteConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !idle_.empty(); });
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return {*this, std::move(connection)};
}

void SqliteConnectionPool::release(std::unique_ptr<SqliteConnection> connection) noexcept {
  {
    const std::lock_guard lock(mutex_);
    // Cannot throw: capacity for every connection was reserved when the pool was built.
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace volkrin
