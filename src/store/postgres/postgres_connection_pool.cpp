// Lending and returning pooled PostgreSQL connections.
#include "store/postgres/postgres_connection_pool.hpp"

#include <stdexcept>
#include <utility>

namespace volkrin {

PostgresConnectionPool::Lease::~Lease() {
  if (connection_ == nullptr) return;  // moved from
  connection_->end_transaction_quietly();
  pool_->release(std::move(connection_));
}

PostgresConnectionPool::PostgresConnectionPool(
    const std::shared_ptr<const PostgresSettings>& settings, unsigned size) {
  if (size == 0) throw std::invalid_argument("postgres connection pool needs a connection");
  idle_.reserve(size);
  for (unsigned i = 0; i < size; ++i)
    idle_.push_back(std::make_unique<PostgresConnection>(settings));
}

PostgresConnectionPool::Lease PostgresConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !idle_.empty(); });
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return {*this, std::move(connection)};
}

void PostgresConnectionPool::release(std::unique_ptr<PostgresConnection> connection) noexcept {
  {
    const std::lock_guard lock(mutex_);
    // Cannot throw: capacity for every connection was reserved when the pool was built.
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace volkrin
