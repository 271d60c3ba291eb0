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

TEST_F(SqliteConnectionTest, OpeningAMissingFileWithoutCreateThrowsNamingTheFile) {
  const auto missing = dir() / "missing.db";
  EXPECT_THAT([&] { SqliteConnection(missing, SQLITE_OPEN_READWRITE); },
              ThrowsMessage<SqliteError>(HasSubstr(missing.string())));
}

TEST_F(SqliteConnectionTest, PreparingTheSameSqlTwiceReusesTheCachedStatement) {
  const auto first = connection().prepare("SELECT n FROM t").handle();
  const auto second = connection().prepare("SELECT n FROM t").handle();
  EXPECT_EQ(first, second);
  EXPECT_NE(connection().prepare("SELECT s FROM t").handle(), first);
}

TEST_F(SqliteConnectionTest, StatementStartsAgainForItsNextUser) {
  {
    auto statement = connection().prepare("SELECT n FROM t ORDER BY n");
    ASSERT_TRUE(statement.step());
    EXPECT_EQ(statement.column_int64(0), 1);
  }
  auto statement = connection().prepare("SELECT n FROM t ORDER BY n");
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_int64(0), 1);
}

TEST_F(SqliteConnectionTest, BindingsAreClearedForTheNextUser) {
  connection().prepare("SELECT ?1").bind_text(1, "left over").run();
  auto statement = connection().prepare("SELECT ?1");
  ASSERT_TRUE(statement.step());
  EXPECT_TRUE(statement.column_is_null(0));
}

TEST_F(SqliteConnectionTest, ColumnsReadTextIntegersAndNulls) {
  auto statement = connection().prepare("SELECT n, s FROM t ORDER BY n");
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_optional_int64(0), 1);
  EXPECT_EQ(statement.column_text(1), "one");
  ASSERT_TRUE(statement.step());
  EXPECT_TRUE(statement.column_is_null(1));
  EXPECT_EQ(statement.column_text(1), "");
  EXPECT_FALSE(statement.step());
}

TEST_F(SqliteConnectionTest, TextWithEmbeddedNulRoundTrips) {
  const std::string text("a\0b", 3);
  auto statement = connection().prepare("SELECT ?1");
  statement.bind_text(1, text);
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_text(0), text);
}

TEST_F(SqliteConnectionTest, OptionalIntegerBindsNullWhenEmpty) {
  auto statement = connection().prepare("SELECT ?1, ?2");
  statement.bind_optional_int64(1, std::nullopt).bind_optional_int64(2, 7);
  ASSERT_TRUE(statement.step());
  EXPECT_EQ(statement.column_optional_int64(0), std::nullopt);
  EXPECT_EQ(statement.column_optional_int64(1), 7);
}

TEST_F(SqliteConnectionTest, PrepareRefusesMoreThanOneStatement) {
  EXPECT_THROW(connection().prepare("SELECT 1; SELECT 2"), SqliteError);
  EXPECT_NO_THROW(connection().prepare("SELECT 1;  "));
}

TEST_F(SqliteConnectionTest, SyntaxErrorThrowsWithSqliteMessageAndCode) {
  try {
    connection().prepare("SELEKT 1");
    FAIL() << "prepare did not throw";
  } catch (const SqliteError& error) {
    EXPECT_EQ(error.code(), SQLITE_ERROR);
    EXPECT_THAT(error.what(), HasSubstr("syntax error"));
  }
}

TEST_F(SqliteConnectionTest, ConstraintErrorCarriesExtendedCode) {
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

TEST_F(SqliteConnectionTest, TransactionCommitKeepsChanges) {
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

TEST_F(SqliteConnectionTest, TransactionWithoutCommitRollsBack) {
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
