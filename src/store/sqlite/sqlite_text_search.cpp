// The SQLite store's search text translation; see sqlite_text_search.hpp.
#include "store/sqlite/sqlite_text_search.hpp"

#include "store/like_pattern.hpp"

namespace volkrin {
namespace {

// An FTS5 string: the whole text as one phrase, its double quotes doubled. Within the
// quotes nothing else is syntax.
std::string trigram_phrase(std::string_view text) {
  std::string phrase = "\"";
  for (char c : text) {
    if (c == '"') phrase += '"';
    phrase += c;
  }
  phrase += '"';
  return phrase;
}

// The trigram index answers substrings of three characters or more.
bool trigram_searchable(std::string_view text) {
  std::size_t characters = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  }
  return characters >= 3;
}

}  // namespace

SqliteTextSearch sqlite_text_search(std::string_view text) {
  if (text.empty()) return {};
  if (trigram_searchable(text)) return {SqliteTextFilter::trigram, trigram_phrase(text)};
  return {SqliteTextFilter::like, like_pattern(text)};
}

std::string sqlite_filter_clause(SqliteTextFilter filter, std::string_view table) {
  const std::string t(table);
  switch (filter) {
    case SqliteTextFilter::all:
      return "";
    case SqliteTextFilter::trigram:
      return "WHERE " + t +
             "rowid IN (SELECT rowid FROM tracks_search WHERE tracks_search MATCH ?1) ";
    case SqliteTextFilter::like:
      return "WHERE " + t + "title LIKE ?1 ESCAPE '\\' OR " + t + "artist LIKE ?1 ESCAPE '\\' ";
  }
  return "";
}

}  // namespace volkrin
