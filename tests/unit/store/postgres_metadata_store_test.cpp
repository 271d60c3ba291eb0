// PostgresMetadataStore: the shared MetadataStore conformance suite plus PostgreSQL-only behaviour.
#include "store/postgres/postgres_metadata_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "app/backends.hpp"
#include "store/library_store_conformance.hpp"
#include "store/metadata_store_conformance.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres_test_server.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::ThrowsMessage;

struct PostgresBackend {
  std::unique_ptr<MetadataStore> open() {
    const auto server = test::postgres_test_url();
    if (!server) return nullptr;
    database_.emplace(*server);
    return std::make_unique<PostgresMetadataStore>(database_->url());
  }
  std::unique_ptr<MetadataStore> open_again() {
    return std::make_unique<PostgresMetadataStore>(database_->url());
  }
  void close() { database_.reset(); }

 private:
  std::optional<test::ScratchDatabase> database_;
};

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, MetadataStoreConformance,
                               ::testing::Types<volkrin::PostgresBackend>);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, LibraryStoreConformance,
                               ::testing::Types<volkrin::PostgresBackend>);

namespace volkrin {
namespace {

constexpr std::string_view kPassword = "Pw-7f3e9c1d-never-shown";

// A fresh database on the test server for each test.
class PostgresMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto server = test::postgres_test_url();
    if (!server) GTEST_SKIP() << test::kNoPostgres;
    database_.emplace(*server);
  }

  const std::string& url() const { return database_->url(); }
  std::vector<std::vector<std::string>> query(const std::string& sql) const {
    return test::query_sql(url(), sql);
  }

 private:
  std::optional<test::ScratchDatabase> database_;
};

TEST_F(PostgresMetadataStoreTest, new_database_gets_the_schema_and_one_row_per_migration) {
  { PostgresMetadataStore store(url()); }
  EXPECT_EQ(query("SELECT version FROM schema_migrations ORDER BY version"),
            (std::vector<std::vector<std::string>>{{"1"}, {"2"}, {"3"}}));
  EXPECT_EQ(query("SELECT count(*) FROM pg_indexes WHERE indexname IN "
                  "('tracks_newest', 'tracks_uploaded_by', 'tracks_title_trigrams', "
                  "'tracks_artist_trigrams', 'tracks_of_album', 'tracks_of_artist', "
                  "'tracks_by_content')"),
            (std::vector<std::vector<std::string>>{{"7"}}));
  EXPECT_EQ(query("SELECT count(*) FROM pg_tables WHERE tablename IN ('albums', 'artists')"),
            (std::vector<std::vector<std::string>>{{"2"}}));
  { PostgresMetadataStore again(url()); }
  EXPECT_EQ(query("SELECT count(*) FROM schema_migrations"),
            (std::vector<std::vector<std::string>>{{"3"}}));
}

TEST_F(PostgresMetadataStoreTest, reopening_keeps_the_data) {
  const auto user = test::test_user(1);
  { ASSERT_TRUE(PostgresMetadataStore(url()).insert_user(user)); }
  PostgresMetadataStore store(url());
  EXPECT_EQ(store.find_user_by_id(user.id), user);
}

TEST_F(PostgresMetadataStoreTest, stores_starting_together_apply_each_migration_once) {
  constexpr int kStarters = 4;
  std::barrier start(kStarters);
  std::vector<std::unique_ptr<PostgresMetadataStore>> stores(kStarters);
  std::vector<std::string> errors(kStarters);
  std::vector<std::thread> threads;
  threads.reserve(kStarters);
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        stores[static_cast<std::size_t>(i)] = std::make_unique<PostgresMetadataStore>(url(), 2);
      } catch (const std::exception& error) {
        errors[static_cast<std::size_t>(i)] = error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_THAT(errors, ::testing::Each(""));
  std::vector<std::vector<std::string>> expected;
  for (int v = 1; v <= postgres_schema_version(); ++v) expected.push_back({std::to_string(v)});
  EXPECT_EQ(query("SELECT version FROM schema_migrations ORDER BY version"), expected);
  for (unsigned i = 0; i < kStarters; ++i) {
    ASSERT_NE(stores[i], nullptr);
    EXPECT_TRUE(stores[i]->insert_user(test::test_user(i)));
    EXPECT_EQ(stores[(i + 1) % kStarters]->find_user_by_id(test::test_user_id(i)),
              test::test_user(i));
  }
}

TEST_F(PostgresMetadataStoreTest, database_with_newer_schema_version_is_refused_with_clear_error) {
  { PostgresMetadataStore store(url()); }
  const int newer = postgres_schema_version() + 1;
  query("INSERT INTO schema_migrations (version) VALUES (" + std::to_string(newer) + ")");
  EXPECT_THAT([&] { PostgresMetadataStore store(url()); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr("database schema version " + std::to_string(newer) +
                            " is newer than this build supports (" +
                            std::to_string(postgres_schema_version()) + ")")));
  EXPECT_EQ(query("SELECT max(version) FROM schema_migrations"),
            (std::vector<std::vector<std::string>>{{std::to_string(newer)}}));
}

TEST_F(PostgresMetadataStoreTest, failed_queries_name_the_constraint_but_no_password_or_values) {
  PostgresMetadataStore store(test::with_password(url(), kPassword));
  auto user = test::test_user(1);
  user.role = "root";
  EXPECT_THAT([&] { store.insert_user(user); },
              ThrowsMessage<PostgresError>(
                  AllOf(HasSubstr("users_role_check"), HasSubstr("SQLSTATE 23514"),
                        Not(HasSubstr(kPassword)), Not(HasSubstr(user.email)),
                        Not(HasSubstr(user.password_hash)), Not(HasSubstr(user.id)))));
  const auto first = test::test_user(2);
  auto same_id = test::test_user(3);
  same_id.id = first.id;
  ASSERT_TRUE(store.insert_user(first));
  EXPECT_THAT([&] { store.insert_user(same_id); },
              ThrowsMessage<PostgresError>(AllOf(HasSubstr("users_pkey"), Not(HasSubstr(kPassword)),
                                                 Not(HasSubstr(first.id)))));
  TrackRecord orphan;
  orphan.id = "track-a";
  orphan.title = "Song";
  orphan.uploaded_by = test::test_user_id(42);
  EXPECT_THAT([&] { store.insert_track(orphan); },
              ThrowsMessage<BackendFailure>(
                  AllOf(HasSubstr("foreign key"), Not(HasSubstr(*orphan.uploaded_by)))));
}

TEST_F(PostgresMetadataStoreTest, concurrent_inserts_from_eight_threads_all_land) {
  PostgresMetadataStore store(url(), 4);
  test::expect_concurrent_inserts_all_land(store, 8, 40);
  // At most the pool's four connections were opened.
  EXPECT_LE(std::stoi(query("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND application_name = 'volkrin'")[0][0]),
            4);
}

TEST_F(PostgresMetadataStoreTest, a_connection_killed_by_the_server_is_replaced_on_the_next_call) {
  PostgresMetadataStore store(url(), 1);
  const auto user = test::test_user(1);
  ASSERT_TRUE(store.insert_user(user));
  const auto killed = query(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
      "current_database() AND application_name = 'volkrin'");
  ASSERT_EQ(killed, (std::vector<std::vector<std::string>>{{"1"}}));
  EXPECT_EQ(store.find_user_by_id(user.id), user);
  EXPECT_NO_THROW(store.ping());
}

TEST_F(PostgresMetadataStoreTest,
       ping_gives_up_when_the_server_stops_answering_and_recovers_after) {
  PostgresMetadataStore store(url(), 1);
  ASSERT_NO_THROW(store.ping());
  const auto pid =
      std::stoi(query("SELECT pid FROM pg_stat_activity WHERE datname = "
                      "current_database() AND application_name = 'volkrin'")[0][0]);
  if (::kill(pid, SIGSTOP) != 0) GTEST_SKIP() << "cannot stop the server process " << pid;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THAT([&] { store.ping(); },
              ThrowsMessage<PostgresError>(HasSubstr("no answer within 3000 ms")));
  const auto waited = std::chrono::steady_clock::now() - started;
  ::kill(pid, SIGCONT);
  EXPECT_GE(waited, std::chrono::milliseconds(2900));
  EXPECT_LT(waited, std::chrono::seconds(6));
  EXPECT_NO_THROW(store.ping());
}

// No server needed: nothing listens on port 1.
TEST(PostgresMetadataStoreOffline, connect_failure_is_a_lost_connection_and_hides_the_password) {
  const std::string url = "postgresql://volkrin:" + std::string(kPassword) + "@127.0.0.1:1/db";
  try {
    PostgresMetadataStore store(url);
    FAIL() << "connected to port 1";
  } catch (const PostgresError& error) {
    EXPECT_TRUE(error.connection_lost());
    EXPECT_THAT(error.what(), AllOf(StartsWith("postgres connect: "), Not(HasSubstr(kPassword))));
  }
}

TEST(PostgresMetadataStoreOffline,
     start_up_gives_up_after_the_connect_timeout_without_the_password) {
  Config config;
  config.postgres_url = "postgres://volkrin:" + std::string(kPassword) + "@127.0.0.1:1/volkrin";
  config.database_connect_timeout = std::chrono::seconds(1);
  config.worker_threads = 2;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THAT([&] { open_metadata_store(config); },
              ThrowsMessage<ConfigError>(AllOf(
                  StartsWith("DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1:1/volkrin: "),
                  Not(HasSubstr(kPassword)))));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  EXPECT_LT(waited, std::chrono::seconds(10));
}

// scripts/services/postgres of the checkout the test binary was built in (build/ sits in
// the checkout, or below it).
std::filesystem::path find_service_script() {
  std::error_code error;
  auto dir = std::filesystem::read_symlink("/proc/self/exe", error).parent_path();
  for (; !error && !dir.empty(); dir = dir.parent_path()) {
    auto candidate = dir / "scripts" / "services" / "postgres";
    std::error_code missing;
    if (std::filesystem::is_regular_file(candidate, missing)) return candidate;
    if (dir == dir.root_path()) break;
  }
  return {};
}

// A server of its own in a temporary directory, started with scripts/services/postgres,
// so that restarting it disturbs no test running at the same time.
class PrivateServer {
 public:
  PrivateServer() {
    script_ = find_service_script();
    if (script_.empty()) throw std::runtime_error("scripts/services/postgres not found");
    const std::string command = script_.string() + " start " + dir_.path().string();
    std::unique_ptr<FILE, int (*)(FILE*)> output(::popen(command.c_str(), "r"), ::pclose);
    if (output == nullptr) throw std::runtime_error("popen failed");
    char line[512];
    const std::string_view prefix = "export VOLKRIN_TEST_POSTGRES_URL=";
    while (std::fgets(line, sizeof line, output.get()) != nullptr) {
      std::string_view text(line);
      if (text.starts_with(prefix)) {
        text.remove_prefix(prefix.size());
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
        url_ = text;
      }
    }
    if (url_.empty()) throw std::runtime_error(command + " printed no URL");
  }
  ~PrivateServer() { run("stop"); }
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const std::string& url() const noexcept { return url_; }
  // pg_ctl restart -m fast -w, as the postgres user.
  void restart() {
    if (run("restart") != 0) throw std::runtime_error("restarting the server failed");
  }

 private:
  int run(const std::string& action) {
    return std::system((script_.string() + " " + action + " " + dir_.path().string()).c_str());
  }

  test::TempDir dir_;
  std::filesystem::path script_;
  std::string url_;
};

TEST(PostgresMetadataStoreRestart,
     calls_after_a_server_restart_succeed_without_reopening_the_store) {
  if (!test::postgres_test_url()) GTEST_SKIP() << test::kNoPostgres;
  PrivateServer server;
  PostgresMetadataStore store(server.url(), 2);
  const auto user = test::test_user(1);
  ASSERT_TRUE(store.insert_user(user));
  ASSERT_NO_THROW(store.ping());

  server.restart();

  EXPECT_EQ(store.find_user_by_id(user.id), user);
  EXPECT_NO_THROW(store.ping());
  EXPECT_TRUE(store.insert_user(test::test_user(2)));
  EXPECT_EQ(store.list_users().size(), 2u);
}

}  // namespace
}  // namespace volkrin
