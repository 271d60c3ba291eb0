// One PostgreSQL connection: (re)connects on demand, runs parameterized prepared statements.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/postgres_result.hpp"

struct pg_conn;

namespace volkrin {

// What every connection of a store shares.
struct PostgresSettings {
  std::string url;                   // postgres://... or postgresql://...
  std::vector<std::string> secrets;  // forms of the password to hide from messages
};

// A statement with a stable name, prepared once per connection on first use.
// Parameters are $1, $2, ...; their types are inferred by the server.
struct PostgresStatement {
  std::string_view name;
  std::string_view sql;
};

// A parameter in text form; nullopt is SQL NULL.
using PostgresParam = std::optional<std::string>;

inline PostgresParam pg_text(std::string_view value) {
  return std::string(value);
}
inline PostgresParam pg_int(std::int64_t value) {
  return std::to_string(value);
}
inline PostgresParam pg_optional_int(std::optional<std::int64_t> value) {
  return value ? pg_int(*value) : std::nullopt;
}

// Not thread-safe: one thread at a time (the pool lends it to one). Failures throw
// PostgresError; connection_lost() on such an error means the connection has been
// dropped and the next call opens a new one.
class PostgresConnection {
 public:
  // Does not connect: the first call does.
  explicit PostgresConnection(std::shared_ptr<const PostgresSettings> settings);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Connects when there is no connection, and replaces one that is no longer
  // CONNECTION_OK. Statements are prepared again on a new connection.
  void open();
  // Closes the connection; the next call opens a new one.
  void drop() noexcept;

  // Runs the statement with these parameters. With a timeout, gives up when the server
  // has not answered in time: the connection is dropped (the server cancels the query
  // when it notices) and PostgresError is thrown.
  PostgresResult run(const PostgresStatement& statement, std::span<const PostgresParam> params = {},
                     std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Runs SQL without parameters, possibly several statements (simple query protocol).
  void exec(const std::string& sql);

  // Rolls back a transaction left open or failed; drops a connection whose state is
  // unknown. Never throws.
  void end_transaction_quietly() noexcept;

 private:
  void prepare(const PostgresStatement& statement);
  PostgresResult wait_for_result(std::string_view operation, std::chrono::milliseconds timeout);
  // Takes the result; throws unless it reports success.
  PostgresResult checked(std::string_view operation, pg_result* result);
  // Throws the error of `result` (or of the connection), dropping the connection first
  // when it is lost.
  [[noreturn]] void fail(std::string_view operation, const pg_result* result);

  std::shared_ptr<const PostgresSettings> settings_;
  pg_conn* connection_ = nullptr;
  std::set<std::string, std::less<>> prepared_;
};

}  // namespace volkrin
