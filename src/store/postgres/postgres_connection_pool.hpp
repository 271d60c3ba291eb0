// The PostgreSQL store's connections, lent to one thread at a time; a returned connection's
// open transaction is ended. Connections connect on first use, so a pool can be built while
// the server is down.
#pragma once

#include <memory>
#include <vector>

#include "store/connection_pool.hpp"
#include "store/postgres/postgres_connection.hpp"

namespace volkrin {

void end_transaction_quietly(PostgresConnection& connection) noexcept;

using PostgresConnectionPool = ConnectionPool<PostgresConnection, &end_transaction_quietly>;

// `size` connections (at least one) sharing these settings, not yet connected.
std::vector<std::unique_ptr<PostgresConnection>> postgres_connections(
    const std::shared_ptr<const PostgresSettings>& settings, unsigned size);

}  // namespace volkrin
