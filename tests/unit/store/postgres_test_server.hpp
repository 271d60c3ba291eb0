// The PostgreSQL server the tests use (VOLKRIN_TEST_POSTGRES_URL) and scratch databases on it.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin::test {

inline constexpr std::string_view kNoPostgres =
    "VOLKRIN_TEST_POSTGRES_URL is not set; start a server with "
    "eval \"$(scripts/services/postgres start DIR)\"";

inline bool services_required() {
  const char* value = std::getenv("VOLKRIN_REQUIRE_SERVICES");
  return value != nullptr && std::string_view(value) == "1";
}

// The server's URL, or nullopt to skip. With VOLKRIN_REQUIRE_SERVICES=1 a missing server
// is recorded as a failure of the calling test instead.
inline std::optional<std::string> postgres_test_url() {
  const char* url = std::getenv("VOLKRIN_TEST_POSTGRES_URL");
  if (url != nullptr && *url != '\0') return std::string(url);
  if (services_required()) ADD_FAILURE() << kNoPostgres << " (VOLKRIN_REQUIRE_SERVICES=1)";
  return std::nullopt;
}

// url (postgresql://user@host:port/db) naming another database.
inline std::string with_database(const std::string& url, std::string_view database) {
  const auto authority = url.find("://") + 3;
  const auto path = url.find('/', authority);
  const auto query = url.find('?', authority);
  std::string out = url.substr(0, std::min(path, query));
  out += '/';
  out += database;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

// url with user:password instead of user (the servers the tests start trust everyone, so
// any password is accepted).
inline std::string with_password(const std::string& url, std::string_view password) {
  const auto at = url.find('@');
  if (at == std::string::npos) throw std::invalid_argument("url has no user");
  return url.substr(0, at) + ":" + std::string(password) + url.substr(at);
}

struct PgConnDeleter {
  void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};

// Rows of one SQL statement run on a connection of its own, as text ("" for NULL).
// Throws std::runtime_error with libpq's message.
inline std::vector<std::vector<std::string>> query_sql(const std::string& url,
                                                       const std::string& sql) {
  const std::unique_ptr<PGconn, PgConnDeleter> connection(PQconnectdb(url.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("connect: ") + PQerrorMessage(connection.get()));
  }
  const std::unique_ptr<PGresult, PgResultDeleter> result(PQexec(connection.get(), sql.c_str()));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
  }
  std::vector<std::vector<std::string>> rows;
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    auto& columns = rows.emplace_back();
    for (int column = 0; column < PQnfields(result.get()); ++column) {
      columns.emplace_back(PQgetvalue(result.get(), row, column));
    }
  }
  return rows;
}

// A database of its own on the server, t_<random hex>, dropped (with any connections
// still open to it) on destruction.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(std::string server_url) : server_url_(std::move(server_url)) {
    std::random_device random;
    std::uniform_int_distribution<unsigned long long> digits;
    char name[32];
    std::snprintf(name, sizeof name, "t_%016llx", digits(random));
    name_ = name;
    query_sql(server_url_, "CREATE DATABASE " + name_);
    url_ = with_database(server_url_, name_);
  }
  ~ScratchDatabase() {
    try {
      query_sql(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& error) {
      ADD_FAILURE() << "dropping " << name_ << ": " << error.what();
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& url() const noexcept { return url_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

}  // namespace volkrin::test
