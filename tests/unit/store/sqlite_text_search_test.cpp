// The SQLite store's search text translation, without a store.
#include "store/sqlite/sqlite_text_search.hpp"

#include <gtest/gtest.h>

namespace volkrin {
namespace {

TEST(SqliteTextSearch, no_text_filters_nothing) {
  const auto search = sqlite_text_search("");
  EXPECT_EQ(search.filter, SqliteTextFilter::all);
  EXPECT_EQ(sqlite_filter_clause(search.filter, "t."), "");
}

TEST(SqliteTextSearch, three_characters_or_more_are_one_quoted_trigram_phrase) {
  EXPECT_EQ(sqlite_text_search("abc").filter, SqliteTextFilter::trigram);
  EXPECT_EQ(sqlite_text_search("abc").argument, "\"abc\"");
  EXPECT_EQ(sqlite_text_search("a OR b").argument, "\"a OR b\"");
  EXPECT_EQ(sqlite_text_search("NEAR(a b)").argument, "\"NEAR(a b)\"");
  EXPECT_EQ(sqlite_text_search("title:x*").argument, "\"title:x*\"");
  EXPECT_EQ(sqlite_text_search("say \"hi\"").argument, "\"say \"\"hi\"\"\"");
  EXPECT_EQ(sqlite_text_search("\"\"\"").argument, "\"\"\"\"\"\"\"\"");
}

TEST(SqliteTextSearch, characters_are_counted_as_code_points_not_bytes) {
  EXPECT_EQ(sqlite_text_search("\u00e9t").filter, SqliteTextFilter::like);  // 4 bytes
  EXPECT_EQ(sqlite_text_search("\U0001F3B5\U0001F3B6").filter, SqliteTextFilter::like);
  EXPECT_EQ(sqlite_text_search("\u00e9t\u00e9").filter, SqliteTextFilter::trigram);
}

TEST(SqliteTextSearch, shorter_texts_are_an_escaped_like_pattern) {
  EXPECT_EQ(sqlite_text_search("ab").filter, SqliteTextFilter::like);
  EXPECT_EQ(sqlite_text_search("ab").argument, "%ab%");
  EXPECT_EQ(sqlite_text_search("%").argument, "%\\%%");
  EXPECT_EQ(sqlite_text_search("_\\").argument, "%\\_\\\\%");
  EXPECT_EQ(sqlite_text_search("\"").argument, "%\"%");
}

TEST(SqliteTextSearch, clauses_bind_the_argument_as_parameter_one) {
  EXPECT_EQ(sqlite_filter_clause(SqliteTextFilter::trigram, "t."),
            "WHERE t.rowid IN (SELECT rowid FROM tracks_search WHERE tracks_search MATCH ?1) ");
  EXPECT_EQ(sqlite_filter_clause(SqliteTextFilter::like, ""),
            "WHERE title LIKE ?1 ESCAPE '\\' OR artist LIKE ?1 ESCAPE '\\' ");
}

}  // namespace
}  // namespace volkrin
