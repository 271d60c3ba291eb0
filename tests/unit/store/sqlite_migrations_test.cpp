// The migration runner: version bookkeeping, one transaction per script, refusal of newer files.
#include "store/sqlite/sqlite_migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "store/sqlite/sqlite_connection.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr int kFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

std::int64_t query_int(SqliteConnection& connection, std::string_view sql) {
  auto statement = connection.prepare(sql);
  if (!statement.step()) throw std::runtime_error("query returned no row");
  return statement.column_int64(0);
}

bool has_table(SqliteConnection& connection, std::string_view name) {
  auto statement =
      connection.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  statement.bind_text(1, name);
  return statement.step();
}

class SqliteMigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.emplace();
    connection_.emplace(dir_->path() / "migrations.db", kFlags);
  }
  void TearDown() override {
    connection_.reset();
    dir_.reset();
  }

  SqliteConnection& connection() { return *connection_; }
  std::int64_t version() { return query_int(*connection_, "PRAGMA user_version"); }

 private:
  std::optional<test::TempDir> dir_;
  std::optional<SqliteConnection> connection_;
};

TEST_F(SqliteMigrationsTest, schema_version_is_the_number_of_scripts) {
  EXPECT_EQ(sqlite_schema_version(), static_cast<int>(sqlite_schema_scripts().size()));
  EXPECT_GE(sqlite_schema_version(), 1);
}

TEST_F(SqliteMigrationsTest, empty_database_gets_every_script_and_the_latest_version) {
  constexpr std::array<std::string_view, 2> scripts = {"CREATE TABLE a (x INTEGER);",
                                                       "CREATE TABLE b (y INTEGER);"};
  apply_migrations(connection(), scripts);
  EXPECT_EQ(version(), 2);
  EXPECT_TRUE(has_table(connection(), "a"));
  EXPECT_TRUE(has_table(connection(), "b"));
}

TEST_F(SqliteMigrationsTest, running_again_changes_nothing) {
  constexpr std::array<std::string_view, 1> scripts = {"CREATE TABLE a (x INTEGER);"};
  apply_migrations(connection(), scripts);
  // The script would fail if it ran twice: the table exists.
  EXPECT_NO_THROW(apply_migrations(connection(), scripts));
  EXPECT_EQ(version(), 1);
}

TEST_F(SqliteMigrationsTest, appended_script_is_the_only_one_applied) {
  constexpr std::array<std::string_view, 2> scripts = {"CREATE TABLE a (x INTEGER);",
                                                       "INSERT INTO a VALUES (42);"};
  apply_migrations(connection(), std::span(scripts).first(1));
  apply_migrations(connection(), scripts);
  EXPECT_EQ(version(), 2);
  EXPECT_EQ(query_int(connection(), "SELECT count(*) FROM a"), 1);
}

TEST_F(SqliteMigrationsTest, failing_script_is_rolled_back_and_version_stays) {
  constexpr std::array<std::string_view, 2> scripts = {
      "CREATE TABLE a (x INTEGER);", "CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);"};
  EXPECT_THROW(apply_migrations(connection(), scripts), std::runtime_error);
  EXPECT_EQ(version(), 1);
  EXPECT_TRUE(has_table(connection(), "a"));
  EXPECT_FALSE(has_table(connection(), "b"));
  EXPECT_FALSE(connection().in_transaction());
}

TEST_F(SqliteMigrationsTest, newer_database_is_refused_and_left_alone) {
  connection().exec("PRAGMA user_version = 5");
  constexpr std::array<std::string_view, 1> scripts = {"CREATE TABLE a (x INTEGER);"};
  EXPECT_THAT([&] { apply_migrations(connection(), scripts); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr("database schema version 5 is newer than this build supports (1)")));
  EXPECT_EQ(version(), 5);
  EXPECT_FALSE(has_table(connection(), "a"));
  EXPECT_FALSE(connection().in_transaction());
}

TEST_F(SqliteMigrationsTest, store_scripts_create_users_and_tracks) {
  migrate_sqlite_schema(connection());
  EXPECT_EQ(version(), sqlite_schema_version());
  EXPECT_TRUE(has_table(connection(), "users"));
  EXPECT_TRUE(has_table(connection(), "tracks"));
  EXPECT_EQ(query_int(connection(),
                      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                      "('tracks_newest', 'tracks_uploaded_by')"),
            2);
}

}  // namespace
}  // namespace volkrin
