// A fixed set of database connections, each lent to one thread at a time. `Reset` puts a
// returned connection back in a clean state (ends a transaction left open); it must not throw.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace volkrin {

template <class Connection, void (*Reset)(Connection&) noexcept>
class ConnectionPool {
 public:
  // Returned to the pool, reset, on destruction.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection) noexcept
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease() {
      if (connection_ == nullptr) return;  // moved from
      Reset(*connection_);
      pool_->release(std::move(connection_));
    }
    Lease(Lease&& other) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

    Connection& operator*() const noexcept { return *connection_; }
    Connection* operator->() const noexcept { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // At least one connection.
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections)
      : idle_(std::move(connections)) {
    if (idle_.empty()) throw std::invalid_argument("a connection pool needs a connection");
  }

  // Waits until a connection is free.
  Lease acquire() {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [this] { return !idle_.empty(); });
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return {*this, std::move(connection)};
  }

 private:
  void release(std::unique_ptr<Connection> connection) noexcept {
    {
      const std::lock_guard lock(mutex_);
      // Cannot throw: the vector held every connection once, so its capacity suffices.
      idle_.push_back(std::move(connection));
    }
    returned_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace volkrin
