// An owned PostgreSQL result in text format: row count and typed column reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct pg_result;

namespace volkrin {

// Row and column indices start at 0. Reads of a column that is not an integer throw
// PostgresError.
class PostgresResult {
 public:
  explicit PostgresResult(pg_result* result) noexcept : result_(result) {}
  ~PostgresResult();
  PostgresResult(PostgresResult&& other) noexcept;
  PostgresResult& operator=(PostgresResult&& other) noexcept;
  PostgresResult(const PostgresResult&) = delete;
  PostgresResult& operator=(const PostgresResult&) = delete;

  int rows() const;
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected_rows() const;

  bool is_null(int row, int column) const;
  // NULL reads as "".
  std::string text(int row, int column) const;
  // NULL reads as 0.
  std::int64_t int64(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;

  // Gives up ownership.
  pg_result* release() noexcept;

 private:
  pg_result* result_;
};

}  // namespace volkrin
