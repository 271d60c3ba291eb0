// How the SQLite store turns a search text (`q`) into a filter: the text alone decides, so
// that the translation can be tested and fuzzed without a store.
#pragma once

#include <string>
#include <string_view>

namespace volkrin {

enum class SqliteTextFilter {
  all,      // no text: every track
  trigram,  // three characters or more: a phrase of the FTS5 trigram index tracks_search
  like,     // one or two characters, which the trigram index cannot answer: LIKE, a scan
};

struct SqliteTextSearch {
  SqliteTextFilter filter = SqliteTextFilter::all;
  std::string argument;  // bound to ?1 of sqlite_filter_clause(filter, ...); "" for all
};

// The filter that finds the tracks whose title or artist holds `text`, ignoring case. The
// text must be single-line text (valid UTF-8 without control characters, see
// support/text_validation.hpp), as the API admits it: FTS5 ends a query at a NUL byte.
// Every character of such a text, quotes and FTS5 syntax (AND, NEAR(, *, ^, -) included,
// is matched as itself.
SqliteTextSearch sqlite_text_search(std::string_view text);

// "WHERE <filter on ?1> " with the tracks table's columns under `table` ("t." or ""), or ""
// for SqliteTextFilter::all.
std::string sqlite_filter_clause(SqliteTextFilter filter, std::string_view table);

}  // namespace volkrin
