// Reading rows and columns of a PostgresResult.
#include "store/postgres/postgres_result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "store/postgres/postgres_error.hpp"

namespace volkrin {

PostgresResult::~PostgresResult() {
  PQclear(result_);
}

PostgresResult::PostgresResult(PostgresResult&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

PostgresResult& PostgresResult::operator=(PostgresResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int PostgresResult::rows() const {
  return PQntuples(result_);
}

std::int64_t PostgresResult::affected_rows() const {
  const char* count = PQcmdTuples(result_);
  std::int64_t value = 0;
  std::from_chars(count, count + std::strlen(count), value);
  return value;
}

bool PostgresResult::is_null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string PostgresResult::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t PostgresResult::int64(int row, int column) const {
  if (is_null(row, column)) return 0;
  const char* begin = PQgetvalue(result_, row, column);
  const char* end = begin + PQgetlength(result_, row, column);
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || ptr != end) {
    throw PostgresError("read", "column " + std::to_string(column) + " is not a 64-bit integer");
  }
  return value;
}

std::optional<std::int64_t> PostgresResult::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

std::optional<std::string> PostgresResult::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

pg_result* PostgresResult::release() noexcept {
  return std::exchange(result_, nullptr);
}

}  // namespace volkrin
