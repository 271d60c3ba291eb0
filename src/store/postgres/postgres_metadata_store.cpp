// PostgresMetadataStore: settings, the first connection with its migration, and ping.
#include "store/postgres/postgres_metadata_store.hpp"

#include <chrono>
#include <utility>

#include "store/postgres/postgres_migrations.hpp"
#include "support/postgres_url.hpp"

namespace volkrin {
namespace {

constexpr PostgresStatement kPing{"ping", "SELECT 1"};
constexpr std::chrono::milliseconds kPingTimeout{3000};

std::shared_ptr<const PostgresSettings> make_settings(std::string url) {
  auto settings = std::make_shared<PostgresSettings>();
  settings->secrets = postgres_password_forms(url);
  settings->url = std::move(url);
  return settings;
}

}  // namespace

PostgresMetadataStore::PostgresMetadataStore(std::string url, unsigned connections)
    : settings_(make_settings(std::move(url))),
      pool_(postgres_connections(settings_, connections)) {
  auto connection = pool_.acquire();
  connection->open();
  migrate_postgres_schema(*connection);
}

void PostgresMetadataStore::ping() {
  with_connection([](PostgresConnection& connection) {
    const auto result = connection.run(kPing, {}, kPingTimeout);
    if (result.rows() != 1 || result.text(0, 0) != "1") {
      throw PostgresError("ping", "SELECT 1 did not answer 1");
    }
  });
}

}  // namespace volkrin
