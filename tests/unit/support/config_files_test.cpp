// Unit tests for the split between reading the variables and opening the files they name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "support/config.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;

Config load(std::map<std::string, std::string> vars) {
  return load_config([vars = std::move(vars)](const std::string& name) {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

std::string files_error(const Config& cfg) {
  try {
    check_config_files(cfg);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "check_config_files accepted the configuration";
  return {};
}

TEST(ConfigFiles, load_config_opens_no_files) {
  const Config cfg =
      load({{"TLS_CERT_FILE", "/nonexistent/cert.pem"}, {"TLS_KEY_FILE", "/nonexistent/key.pem"}});
  EXPECT_EQ(cfg.tls_cert_file, "/nonexistent/cert.pem");
  EXPECT_EQ(cfg.tls_key_file, "/nonexistent/key.pem");
}

TEST(ConfigFiles, unreadable_tls_files_are_named_with_the_reason) {
  test::TempDir dir;
  const fs::path cert = dir.path() / "cert.pem";
  std::ofstream(cert) << "pem";
  Config cfg;
  cfg.tls_cert_file = "/nonexistent/cert.pem";
  cfg.tls_key_file = cert.string();
  EXPECT_EQ(files_error(cfg),
            "TLS_CERT_FILE: cannot read \"/nonexistent/cert.pem\": No such file or directory");
  cfg.tls_cert_file = cert.string();
  cfg.tls_key_file = (dir.path() / "missing.pem").string();
  EXPECT_EQ(files_error(cfg),
            "TLS_KEY_FILE: cannot read \"" + cfg.tls_key_file + "\": No such file or directory");
}

TEST(ConfigFiles, readable_tls_files_and_plain_http_pass) {
  test::TempDir dir;
  const fs::path cert = dir.path() / "cert.pem";
  const fs::path key = dir.path() / "key.pem";
  std::ofstream(cert) << "pem";
  std::ofstream(key) << "pem";
  Config cfg;
  EXPECT_NO_THROW(check_config_files(cfg));
  cfg.tls_cert_file = cert.string();
  cfg.tls_key_file = key.string();
  EXPECT_NO_THROW(check_config_files(cfg));
}

}  // namespace
}  // namespace volkrin
