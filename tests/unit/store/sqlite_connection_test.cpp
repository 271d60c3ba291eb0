// SqliteConnection and SqliteStatement: opening, the statement cache, binding and errors.
#include "store/sqlite/sqlite_connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>

#include "store/sqlite/sqlite_error.hpp"
#include "store/sqlite/sqlite_transaction.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr int kFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.emplace();
    connection_.emplace(dir_->path() / "connection.db", kFlags);
    connection_->exec(
        "CREATE TABLE t (n INTEGER, s TEXT); INSERT INTO t VALUES (1, 'one');"
        "INSERT INTO t VALUES (2, NULL);");
  }
  void TearDown() override {
    connection_.reset();
    dir_.reset();
  }

  SqliteConnection& connection() { return *connection_; }
  const std::filesystem::path& dir() const { return dir_->path(); }

 private:
  std::optional<test::TempDir> dir_;
  std::optional<SqliteConnection> connection_;
};

TEST_F(SqliteConnectionTest, opening_a_missing_file_without_create_throws_naming_the_file) {
  const auto missing = dir() / "missing.db";
  EXPECT_THAT([&] { SqliteConnection(missing, SQLITE_OPEN_READWRITE); },
              ThrowsMessage<SqliteError>(HasSubstr(missing.string())));
}

TEST_F(SqliteConnectionTest, preparing_the_same_sql_twice_reuses_the_cached_statement) {
  const auto first = connection().prepare("SELECT n FROM t").handle();
  const auto second = connection().prepare("SELECT n FROM t").handle();
  EXPECT_EQ(first, second);
  EXPECT_NE(connection().prepare("SELECT s FROM t").handle(), first);
}

TEST_F(SqliteConnectionTest, statement_starts_again_for_its_next_user) {
  {
    auto statement = connection().prepare("SELECT n FROM t ORDER BY n");
    ASSERT_TRUE(statement.step());
    EXPECT_EQ(statement.column_int64(0), 1);
  }
  auto statement = connection().prepare("SELECT n FROM t ORDER BY n");
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_int64(0), 1);
}

TEST_F(SqliteConnectionTest, bindings_are_cleared_for_the_next_user) {
  connection().prepare("SELECT ?1").bind_text(1, "left over").run();
  auto statement = connection().prepare("SELECT ?1");
  ASSERT_TRUE(statement.step());
  EXPECT_TRUE(statement.column_is_null(0));
}

TEST_F(SqliteConnectionTest, columns_read_text_integers_and_nulls) {
  auto statement = connection().prepare("SELECT n, s FROM t ORDER BY n");
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_optional_int64(0), 1);
  EXPECT_EQ(statement.column_text(1), "one");
  ASSERT_TRUE(statement.step());
  EXPECT_TRUE(statement.column_is_null(1));
  EXPECT_EQ(statement.column_text(1), "");
  EXPECT_FALSE(statement.step());
}

TEST_F(SqliteConnectionTest, text_with_embedded_nul_round_trips) {
  const std::string text("a\0b", 3);
  auto statement = connection().prepare("SELECT ?1");
  statement.bind_text(1, text);
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_text(0), text);
}

TEST_F(SqliteConnectionTest, optional_integer_binds_null_when_empty) {
  auto statement = connection().prepare("SELECT ?1, ?2");
  statement.bind_optional_int64(1, std::nullopt).bind_optional_int64(2, 7);
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_optional_int64(0), std::nullopt);
  EXPECT_EQ(statement.column_optional_int64(1), 7);
}

TEST_F(SqliteConnectionTest, prepare_refuses_more_than_one_statement) {
  EXPECT_THROW(connection().prepare("SELECT 1; SELECT 2"), SqliteError);
  EXPECT_NO_THROW(connection().prepare("SELECT 1;  "));
}

TEST_F(SqliteConnectionTest, syntax_error_throws_with_sqlite_message_and_code) {
  try {
    connection().prepare("SELEKT 1");
    FAIL() << "prepare did not throw";
  } catch (const SqliteError& error) {
    EXPECT_EQ(error.code(), SQLITE_ERROR);
    EXPECT_THAT(error.what(), HasSubstr("syntax error"));
  }
}

TEST_F(SqliteConnectionTest, constraint_error_carries_extended_code) {
  connection().exec("CREATE TABLE u (k TEXT UNIQUE)");
  connection().prepare("INSERT INTO u VALUES (?1)").bind_text(1, "secret value").run();
  try {
    connection().prepare("INSERT INTO u VALUES (?1)").bind_text(1, "secret value").run();
    FAIL() << "insert did not throw";
  } catch (const SqliteError& error) {
    EXPECT_EQ(error.code(), SQLITE_CONSTRAINT_UNIQUE);
    EXPECT_THAT(error.what(), HasSubstr("u.k"));
    EXPECT_THAT(error.what(), ::testing::Not(HasSubstr("secret value")));
  }
}

TEST_F(SqliteConnectionTest, transaction_commit_keeps_changes) {
  {
    SqliteTransaction transaction(connection());
    EXPECT_TRUE(connection().in_transaction());
    connection().exec("INSERT INTO t VALUES (3, 'three')");
    transaction.commit();
  }
  EXPECT_FALSE(connection().in_transaction());
  auto count = connection().prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 3);
}

TEST_F(SqliteConnectionTest, transaction_without_commit_rolls_back) {
  {
    SqliteTransaction transaction(connection());
    connection().exec("INSERT INTO t VALUES (3, 'three')");
  }
  EXPECT_FALSE(connection().in_transaction());
  auto count = connection().prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 2);
}

}  // namespace
}  // namespace volkrin
