// Connecting, preparing and running statements on one PostgreSQL connection with libpq.
#include "store/postgres/postgres_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <array>
#include <cerrno>
#include <utility>

#include "store/postgres/postgres_error.hpp"
#include "support/postgres_url.hpp"

namespace volkrin {
namespace {

// Server notices ("relation already exists, skipping") are not errors; libpq would print
// them to stderr.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

PostgresConnection::PostgresConnection(std::shared_ptr<const PostgresSettings> settings)
    : settings_(std::move(settings)) {}

PostgresConnection::~PostgresConnection() {
  drop();
}

void PostgresConnection::open() {
  if (connection_ != nullptr && PQstatus(connection_) == CONNECTION_OK) return;
  drop();
  // Defaults come before dbname, whose URL is expanded in place: the URL's own settings
  // (e.g. ?connect_timeout=10) win. Keepalives notice a server that vanished without
  // closing the connection.
  static constexpr std::array<const char*, 9> kKeywords = {
      "connect_timeout",     "keepalives",       "keepalives_idle",
      "keepalives_interval", "keepalives_count", "application_name",
      "client_encoding",     "dbname",           nullptr};
  const std::array<const char*, 9> values = {
      "3", "1", "30", "10", "3", "volkrin", "UTF8", settings_->url.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(kKeywords.data(), values.data(), 1);
  if (connection == nullptr) throw PostgresError("connect", "out of memory", {}, {}, true);
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string reason =
        hide_secrets(one_line(PQerrorMessage(connection)), settings_->secrets);
    PQfinish(connection);
    throw PostgresError("connect", reason.empty() ? "failed" : reason, {}, {}, true);
  }
  PQsetNoticeProcessor(connection, ignore_notice, nullptr);
  connection_ = connection;
  prepared_.clear();
}

void PostgresConnection::drop() noexcept {
  if (connection_ != nullptr) PQfinish(connection_);
  connection_ = nullptr;
  prepared_.clear();
}

void PostgresConnection::prepare(const PostgresStatement& statement) {
  if (prepared_.contains(statement.name)) return;
  const std::string name(statement.name);
  const std::string sql(statement.sql);
  checked(statement.name, PQprepare(connection_, name.c_str(), sql.c_str(), 0, nullptr));
  prepared_.insert(name);
}

PostgresResult PostgresConnection::run(const PostgresStatement& statement,
                                       std::span<const PostgresParam> params,
                                       std::optional<std::chrono::milliseconds> timeout) {
  open();
  prepare(statement);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  const std::string name(statement.name);
  const int count = static_cast<int>(values.size());
  if (!timeout) {
    return checked(statement.name, PQexecPrepared(connection_, name.c_str(), count, values.data(),
                                                  nullptr, nullptr, 0));
  }
  if (PQsendQueryPrepared(connection_, name.c_str(), count, values.data(), nullptr, nullptr, 0) ==
      0) {
    fail(statement.name, nullptr);
  }
  return wait_for_result(statement.name, *timeout);
}

PostgresResult PostgresConnection::wait_for_result(std::string_view operation,
                                                   std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  std::optional<PostgresResult> first;
  for (;;) {
    while (PQisBusy(connection_) != 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        drop();
        throw PostgresError(operation,
                            "no answer within " + std::to_string(timeout.count()) + " ms");
      }
      pollfd ready{.fd = PQsocket(connection_), .events = POLLIN, .revents = 0};
      const int polled = ::poll(&ready, 1, static_cast<int>(left.count()) + 1);
      if (polled < 0 && errno != EINTR) fail(operation, nullptr);
      if (polled > 0 && PQconsumeInput(connection_) == 0) fail(operation, nullptr);
    }
    PGresult* result = PQgetResult(connection_);
    if (result == nullptr) break;
    if (first) {
      PQclear(result);
    } else {
      first.emplace(result);
    }
  }
  if (!first) fail(operation, nullptr);
  return checked(operation, first->release());
}

PostgresResult PostgresConnection::checked(std::string_view operation, PGresult* result) {
  PostgresResult owned(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(operation, result);
  return owned;
}

void PostgresConnection::fail(std::string_view operation, const PGresult* result) {
  try {
    throw_postgres_error(operation, connection_, result, settings_->secrets);
  } catch (const PostgresError& error) {
    if (error.connection_lost()) drop();
    throw;
  }
}

void PostgresConnection::exec(const std::string& sql) {
  open();
  checked("exec", PQexec(connection_, sql.c_str()));
}

void PostgresConnection::end_transaction_quietly() noexcept {
  if (connection_ == nullptr) return;
  switch (PQtransactionStatus(connection_)) {
    case PQTRANS_IDLE:
      return;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR: {
      PGresult* result = PQexec(connection_, "ROLLBACK");
      const bool rolled_back = result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
      if (!rolled_back) drop();
      return;
    }
    default:  // a query still running, or a broken connection
      drop();
  }
}

}  // namespace volkrin
