// One SQLite connection: opens the file, runs plain SQL and caches prepared statements.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite/sqlite_statement.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace volkrin {

// Not thread-safe: one thread at a time (connections are opened with SQLITE_OPEN_NOMUTEX).
// Failures throw SqliteError.
class SqliteConnection {
 public:
  // open_flags as for sqlite3_open_v2, e.g. SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE.
  SqliteConnection(const std::filesystem::path& file, int open_flags);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements without parameters, discarding any rows.
  void exec(const std::string& sql);

  // The statement for exactly this SQL text (one statement), prepared once with
  // SQLITE_PREPARE_PERSISTENT and reused afterwards. Only one handle per SQL text may be
  // alive at a time.
  SqliteStatement prepare(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE (not counting foreign key actions).
  std::int64_t changes() const;
  // true between BEGIN and COMMIT/ROLLBACK.
  bool in_transaction() const;

  sqlite3* handle() const noexcept { return db_; }

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
};

}  // namespace volkrin
