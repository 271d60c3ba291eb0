// The exception thrown for every failed PostgreSQL call, with SQLSTATE and constraint name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/backend_failure.hpp"

struct pg_conn;
struct pg_result;

namespace volkrin {

// SQLSTATE codes the adapter acts on.
inline constexpr std::string_view kPgUniqueViolation = "23505";

// what() is "postgres <operation>: <reason>". The reason is the server's primary message
// (never its DETAIL, which quotes row values) or libpq's, on one line, with every form of
// the password hidden. It never contains bound values.
class PostgresError : public BackendFailure {
 public:
  PostgresError(std::string_view operation, const std::string& reason, std::string sqlstate = {},
                std::string constraint = {}, bool connection_lost = false);

  // Without the "postgres <operation>: " prefix.
  const std::string& reason() const noexcept { return reason_; }
  // Five characters, e.g. "23505"; empty when the failure did not come from the server.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  // The violated constraint's name, when the server names one.
  const std::string& constraint() const noexcept { return constraint_; }
  // true when the connection could not be made or is unusable (server down, restarted,
  // network gone): the same call may succeed on a new connection.
  bool connection_lost() const noexcept { return connection_lost_; }

 private:
  std::string reason_;
  std::string sqlstate_;
  std::string constraint_;
  bool connection_lost_;
};

// The error for a failed command: from `result` when there is one, else from the
// connection. `secrets` are hidden from the message.
[[noreturn]] void throw_postgres_error(std::string_view operation, const pg_conn* connection,
                                       const pg_result* result,
                                       const std::vector<std::string>& secrets);

}  // namespace volkrin
