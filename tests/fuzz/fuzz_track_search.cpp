// libFuzzer target for the SQLite store's search text translation: every text the API
// admits as `q` becomes a query that SQLite runs without an error, on the store's own schema,
// and that finds exactly the tracks whose title or artist holds the text.
#include <fuzzer/FuzzedDataProvider.h>
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/like_pattern.hpp"
#include "store/sqlite/sqlite_migrations.hpp"
#include "store/sqlite/sqlite_text_search.hpp"
#include "support/text_validation.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Row {
  std::string title, artist;
};

// One in-memory database with the store's schema (tracks, the trigram index, its triggers).
sqlite3* database() {
  static sqlite3* db = [] {
    sqlite3* opened = nullptr;
    check(sqlite3_open(":memory:", &opened) == SQLITE_OK);
    for (const std::string_view script : volkrin::sqlite_schema_scripts()) {
      check(sqlite3_exec(opened, std::string(script).c_str(), nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    }
    return opened;
  }();
  return db;
}

void exec(const char* sql) {
  check(sqlite3_exec(database(), sql, nullptr, nullptr, nullptr) == SQLITE_OK);
}

void insert(std::size_t index, const Row& row) {
  sqlite3_stmt* statement = nullptr;
  check(sqlite3_prepare_v2(database(),
                           "INSERT INTO tracks (id, title, artist, file_key, thumbnail_key, "
                           "created_at, updated_at) VALUES (?1, ?2, ?3, 'a', 't', 0, 0)",
                           -1, &statement, nullptr) == SQLITE_OK);
  sqlite3_bind_int64(statement, 1, static_cast<sqlite3_int64>(index));
  sqlite3_bind_text64(statement, 2, row.title.data(), row.title.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  sqlite3_bind_text64(statement, 3, row.artist.data(), row.artist.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  check(sqlite3_step(statement) == SQLITE_DONE);
  sqlite3_finalize(statement);
}

// The ids the store's filter finds; traps on any SQL error.
std::set<std::string> matching(volkrin::SqliteTextFilter filter, const std::string& argument) {
  const std::string sql =
      "SELECT t.id FROM tracks t " + volkrin::sqlite_filter_clause(filter, "t.");
  sqlite3_stmt* statement = nullptr;
  check(sqlite3_prepare_v2(database(), sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  if (filter != volkrin::SqliteTextFilter::all) {
    sqlite3_bind_text64(statement, 1, argument.data(), argument.size(), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
  }
  std::set<std::string> ids;
  int rc = 0;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    ids.emplace(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  }
  check(rc == SQLITE_DONE);
  sqlite3_finalize(statement);
  return ids;
}

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool holds(std::string_view haystack, std::string_view needle) {
  return ascii_lower(haystack).find(ascii_lower(needle)) != std::string::npos;
}

// Single-line text as the API admits it: the input as it is when it is, else cleaned.
std::string admitted(std::string raw) {
  if (volkrin::single_line_fault(raw) == volkrin::TextFault::none) return raw;
  return volkrin::clean_single_line(raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string text = admitted(input.ConsumeRandomLengthString(400));
  std::vector<Row> rows;
  while (rows.size() < 4 && input.remaining_bytes() > 0) {
    Row row;
    row.title = admitted(input.ConsumeRandomLengthString(120));
    row.artist = admitted(input.ConsumeRandomLengthString(60));
    rows.push_back(std::move(row));
  }

  exec("BEGIN");
  for (std::size_t i = 0; i < rows.size(); ++i) insert(i, rows[i]);
  const volkrin::SqliteTextSearch search = volkrin::sqlite_text_search(text);
  check((search.filter == volkrin::SqliteTextFilter::all) == text.empty());
  const std::set<std::string> found = matching(search.filter, search.argument);
  // LIKE is what the store uses for short texts; for any text it must agree on ASCII.
  const std::set<std::string> found_by_like =
      text.empty() ? found : matching(volkrin::SqliteTextFilter::like, volkrin::like_pattern(text));
  exec("ROLLBACK");

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string id = std::to_string(i);
    const bool expected = holds(rows[i].title, text) || holds(rows[i].artist, text);
    // A substring (ASCII letters in any case) is always found...
    if (expected) check(found.contains(id) && found_by_like.contains(id));
    // ... and, where case folding beyond ASCII plays no part, nothing else is.
    if (is_ascii(text) && is_ascii(rows[i].title) && is_ascii(rows[i].artist)) {
      check(found.contains(id) == expected);
      check(found_by_like.contains(id) == expected);
    }
  }
  return 0;
}
