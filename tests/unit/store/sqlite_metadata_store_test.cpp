// SqliteMetadataStore: the shared MetadataStore conformance suite plus SQLite-only behaviour.
#include "store/sqlite/sqlite_metadata_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/library_store_conformance.hpp"
#include "store/metadata_store_conformance.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_migrations.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StrEq;
using ::testing::ThrowsMessage;

struct SqliteBackend {
  std::unique_ptr<MetadataStore> open() {
    dir_.emplace();
    return std::make_unique<SqliteMetadataStore>(dir_->path() / "volkrin.db");
  }
  // A second store on the same database, as another process would open it.
  std::unique_ptr<MetadataStore> open_again() {
    return std::make_unique<SqliteMetadataStore>(dir_->path() / "volkrin.db");
  }
  void close() { dir_.reset(); }

 private:
  std::optional<test::TempDir> dir_;
};

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, MetadataStoreConformance,
                               ::testing::Types<volkrin::SqliteBackend>);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, LibraryStoreConformance,
                               ::testing::Types<volkrin::SqliteBackend>);

namespace volkrin {
namespace {

constexpr int kRawFlags = SQLITE_OPEN_READWRITE;

std::int64_t query_int(SqliteConnection& connection, std::string_view sql) {
  auto statement = connection.prepare(sql);
  if (!statement.step()) throw std::runtime_error("query returned no row");
  return statement.column_int64(0);
}

void insert_track(SqliteConnection& connection, std::string_view id,
                  std::optional<std::string_view> uploaded_by) {
  auto statement = connection.prepare(
      "INSERT INTO tracks (id, title, file_key, thumbnail_key, uploaded_by, created_at, "
      "updated_at) VALUES (?1, 'Song', 'audio/key', 'thumbs/key', ?2, 1, 1)");
  statement.bind_text(1, id);
  if (uploaded_by) {
    statement.bind_text(2, *uploaded_by);
  } else {
    statement.bind_null(2);
  }
  statement.run();
}

// nullopt when the track has no uploader.
std::optional<std::string> uploader_of(SqliteConnection& connection, std::string_view track_id) {
  auto statement = connection.prepare("SELECT uploaded_by FROM tracks WHERE id = ?1");
  statement.bind_text(1, track_id);
  if (!statement.step()) throw std::runtime_error("no such track");
  if (statement.column_is_null(0)) return std::nullopt;
  return statement.column_text(0);
}

class SqliteMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_.emplace(); }
  void TearDown() override { dir_.reset(); }

  // In a directory that does not exist yet.
  std::filesystem::path db_file() const { return dir_->path() / "data" / "volkrin.db"; }

 private:
  std::optional<test::TempDir> dir_;
};

TEST_F(SqliteMetadataStoreTest, constructor_creates_missing_directory_and_database) {
  SqliteMetadataStore store(db_file());
  EXPECT_TRUE(std::filesystem::is_regular_file(db_file()));
}

TEST_F(SqliteMetadataStoreTest, new_database_is_at_latest_schema_version_in_wal_mode) {
  { SqliteMetadataStore store(db_file()); }
  SqliteConnection raw(db_file(), kRawFlags);
  EXPECT_EQ(query_int(raw, "PRAGMA user_version"), sqlite_schema_version());
  auto mode = raw.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
  EXPECT_EQ(query_int(raw,
                      "SELECT count(*) FROM sqlite_master WHERE name IN "
                      "('users', 'tracks', 'tracks_newest', 'tracks_uploaded_by')"),
            4);
}

TEST_F(SqliteMetadataStoreTest, reopening_the_same_file_keeps_data_and_schema_version) {
  const auto user = test::test_user(1);
  {
    SqliteMetadataStore store(db_file());
    ASSERT_TRUE(store.insert_user(user));
  }
  for (int reopen = 0; reopen < 2; ++reopen) {
    SqliteMetadataStore store(db_file());
    EXPECT_EQ(store.find_user_by_id(user.id), user);
  }
  SqliteConnection raw(db_file(), kRawFlags);
  EXPECT_EQ(query_int(raw, "PRAGMA user_version"), sqlite_schema_version());
}

TEST_F(SqliteMetadataStoreTest, database_with_newer_schema_version_is_refused_with_clear_error) {
  { SqliteMetadataStore store(db_file()); }
  const int newer = sqlite_schema_version() + 1;
  {
    SqliteConnection raw(db_file(), kRawFlags);
    raw.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  EXPECT_THAT([&] { SqliteMetadataStore store(db_file()); },
              ThrowsMessage<std::runtime_error>(HasSubstr("database schema version " +
                                                          std::to_string(newer) +
                                                          " is newer than this build supports")));
  SqliteConnection raw(db_file(), kRawFlags);
  EXPECT_EQ(query_int(raw, "PRAGMA user_version"), newer);
}

TEST_F(SqliteMetadataStoreTest, zero_connections_is_rejected) {
  EXPECT_THROW(SqliteMetadataStore(db_file(), 0), std::invalid_argument);
}

TEST_F(SqliteMetadataStoreTest, role_other_than_user_or_admin_is_rejected) {
  SqliteMetadataStore store(db_file());
  auto user = test::test_user(1);
  user.role = "root";
  EXPECT_THROW(store.insert_user(user), std::runtime_error);
  EXPECT_EQ(store.find_user_by_id(user.id), std::nullopt);
}

TEST_F(SqliteMetadataStoreTest, errors_name_the_failed_constraint_but_no_values) {
  SqliteMetadataStore store(db_file());
  auto user = test::test_user(1);
  user.role = "root";
  EXPECT_THAT([&] { store.insert_user(user); },
              ThrowsMessage<std::runtime_error>(
                  testing::AllOf(HasSubstr("CHECK constraint failed"), Not(HasSubstr(user.email)),
                                 Not(HasSubstr(user.password_hash)), Not(HasSubstr(user.id)))));
}

TEST_F(SqliteMetadataStoreTest, concurrent_inserts_from_eight_threads_all_land) {
  SqliteMetadataStore store(db_file());
  test::expect_concurrent_inserts_all_land(store, 8, 50);
}

TEST_F(SqliteMetadataStoreTest, single_connection_serves_concurrent_callers_in_turn) {
  SqliteMetadataStore store(db_file(), 1);
  std::atomic<unsigned> failures{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (unsigned i = 0; i < 25; ++i) {
        try {
          if (!store.insert_user(test::test_user(t * 25 + i))) ++failures;
          store.ping();
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_EQ(store.list_users().size(), 100u);
}

TEST_F(SqliteMetadataStoreTest,
       deleting_a_user_clears_the_uploader_of_their_tracks_and_keeps_them) {
  SqliteMetadataStore store(db_file());
  const auto leaving = test::test_user(1);
  const auto staying = test::test_user(2);
  ASSERT_TRUE(store.insert_user(leaving));
  ASSERT_TRUE(store.insert_user(staying));
  store.with_write_transaction([&](SqliteConnection& connection) {
    insert_track(connection, "track-a", leaving.id);
    insert_track(connection, "track-b", staying.id);
  });

  ASSERT_TRUE(store.delete_user(leaving.id));

  store.with_write_transaction([&](SqliteConnection& connection) {
    EXPECT_EQ(query_int(connection, "SELECT count(*) FROM tracks"), 2);
    EXPECT_EQ(uploader_of(connection, "track-a"), std::nullopt);
    EXPECT_EQ(uploader_of(connection, "track-b"), staying.id);
  });
}

TEST_F(SqliteMetadataStoreTest, track_with_unknown_uploader_violates_foreign_key) {
  SqliteMetadataStore store(db_file());
  EXPECT_THAT(
      [&] {
        store.with_write_transaction([](SqliteConnection& connection) {
          insert_track(connection, "track-a", test::test_user_id(7));
        });
      },
      ThrowsMessage<std::runtime_error>(HasSubstr("FOREIGN KEY constraint failed")));
}

TEST_F(SqliteMetadataStoreTest, write_transaction_commits_and_returns_the_callable_result) {
  SqliteMetadataStore store(db_file());
  const auto count = store.with_write_transaction([](SqliteConnection& connection) {
    insert_track(connection, "track-a", std::nullopt);
    return query_int(connection, "SELECT count(*) FROM tracks");
  });
  EXPECT_EQ(count, 1);
  SqliteConnection raw(db_file(), kRawFlags);
  EXPECT_EQ(query_int(raw, "SELECT count(*) FROM tracks"), 1);
}

TEST_F(SqliteMetadataStoreTest, write_transaction_rolls_back_when_the_callable_throws) {
  SqliteMetadataStore store(db_file());
  EXPECT_THROW(store.with_write_transaction([](SqliteConnection& connection) {
    insert_track(connection, "track-a", std::nullopt);
    throw std::logic_error("changed my mind");
  }),
               std::logic_error);
  const auto count = store.with_write_transaction([](SqliteConnection& connection) {
    return query_int(connection, "SELECT count(*) FROM tracks");
  });
  EXPECT_EQ(count, 0);
  EXPECT_TRUE(store.insert_user(test::test_user(1)));
}

TEST_F(SqliteMetadataStoreTest,
       ping_throws_while_the_file_is_renamed_away_and_recovers_when_it_is_back) {
  SqliteMetadataStore store(db_file());
  ASSERT_NO_THROW(store.ping());
  auto moved = db_file();
  moved += ".moved";
  std::filesystem::rename(db_file(), moved);
  EXPECT_THAT([&] { store.ping(); },
              ThrowsMessage<std::runtime_error>(
                  StrEq("database file " + db_file().string() + " is missing or was replaced")));
  std::filesystem::rename(moved, db_file());
  EXPECT_NO_THROW(store.ping());
}

TEST_F(SqliteMetadataStoreTest, ping_throws_when_the_file_is_replaced_by_another) {
  SqliteMetadataStore store(db_file());
  auto copy = db_file();
  copy += ".copy";
  std::filesystem::copy_file(db_file(), copy);
  std::filesystem::rename(copy, db_file());
  EXPECT_THAT([&] { store.ping(); },
              ThrowsMessage<std::runtime_error>(
                  StrEq("database file " + db_file().string() + " is missing or was replaced")));
}

TEST_F(SqliteMetadataStoreTest, upgrade_indexes_tracks_stored_before_the_search_index_existed) {
  const auto first_version = sqlite_schema_scripts().first(1);
  {
    std::filesystem::create_directories(db_file().parent_path());
    SqliteConnection raw(db_file(), kRawFlags | SQLITE_OPEN_CREATE);
    apply_migrations(raw, first_version);
    insert_track(raw, test::test_track_id(1), std::nullopt);
  }
  SqliteMetadataStore store(db_file());
  const auto found = store.list_tracks({.limit = std::nullopt, .offset = 0, .text = "SONG"});
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].id, test::test_track_id(1));
}

}  // namespace
}  // namespace volkrin
