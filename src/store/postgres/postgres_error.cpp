// Builds PostgresError from a failed result or connection, keeping values and passwords out.
#include "store/postgres/postgres_error.hpp"

#include <libpq-fe.h>

#include <utility>

#include "support/postgres_url.hpp"

namespace volkrin {
namespace {

std::string field(const PGresult* result, int code) {
  const char* value = result != nullptr ? PQresultErrorField(result, code) : nullptr;
  return value != nullptr ? value : "";
}

// Data exceptions (class 22) quote the offending input after a last ": ", as in
// `invalid input syntax for type bigint: "x"`: that part goes.
std::string without_quoted_input(std::string message, std::string_view sqlstate) {
  if (!sqlstate.starts_with("22")) return message;
  const auto colon = message.rfind(": ");
  if (colon != std::string::npos) message.erase(colon);
  return message;
}

bool lost_by_sqlstate(std::string_view sqlstate) {
  // Class 08: connection exceptions. 57P01..57P03: the server is shutting down, crashed
  // or is not accepting connections yet.
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

}  // namespace

PostgresError::PostgresError(std::string_view operation, const std::string& reason,
                             std::string sqlstate, std::string constraint, bool connection_lost)
    : BackendFailure(Backend::database, "postgres " + std::string(operation) + ": " + reason),
      reason_(reason),
      sqlstate_(std::move(sqlstate)),
      constraint_(std::move(constraint)),
      connection_lost_(connection_lost) {}

void throw_postgres_error(std::string_view operation, const pg_conn* connection,
                          const pg_result* result, const std::vector<std::string>& secrets) {
  const bool broken = connection == nullptr || PQstatus(connection) != CONNECTION_OK;
  std::string sqlstate = field(result, PG_DIAG_SQLSTATE);
  std::string reason = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (reason.empty() && connection != nullptr) reason = PQerrorMessage(connection);
  if (reason.empty()) reason = "unknown error";
  reason = hide_secrets(one_line(without_quoted_input(std::move(reason), sqlstate)), secrets);
  if (!sqlstate.empty()) reason += " (SQLSTATE " + sqlstate + ")";
  const bool lost = broken || lost_by_sqlstate(sqlstate);
  throw PostgresError(operation, reason, std::move(sqlstate),
                      field(result, PG_DIAG_CONSTRAINT_NAME), lost);
}

}  // namespace volkrin
