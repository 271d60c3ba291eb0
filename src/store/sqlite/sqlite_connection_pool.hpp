// The SQLite store's connections, lent to one thread at a time; a returned connection's
// open transaction is rolled back.
#pragma once

#include "store/connection_pool.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_transaction.hpp"

namespace volkrin {

using SqliteConnectionPool = ConnectionPool<SqliteConnection, &rollback_quietly>;

}  // namespace volkrin
