// The PostgreSQL connection pool's reset and its connections.
#include "store/postgres/postgres_connection_pool.hpp"

namespace volkrin {

void end_transaction_quietly(PostgresConnection& connection) noexcept {
  connection.end_transaction_quietly();
}

std::vector<std::unique_ptr<PostgresConnection>> postgres_connections(
    const std::shared_ptr<const PostgresSettings>& settings, unsigned size) {
  std::vector<std::unique_ptr<PostgresConnection>> connections;
  connections.reserve(size);
  for (unsigned i = 0; i < size; ++i) {
    connections.push_back(std::make_unique<PostgresConnection>(settings));
  }
  return connections;
}

}  // namespace volkrin
