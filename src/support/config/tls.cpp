// The TLS variables: TLS_CERT_FILE and TLS_KEY_FILE, the PEM files of a directly served
// HTTPS, and the check that both can be read.
#include <cerrno>
#include <fstream>
#include <string>
#include <utility>

#include "support/config/sections.hpp"
#include "support/config/values.hpp"

namespace volkrin::config_detail {

void read_tls(const EnvLookup& env, Config& cfg) {
  const auto cert = get(env, "TLS_CERT_FILE");
  const auto key = get(env, "TLS_KEY_FILE");
  if (cert.has_value() != key.has_value()) {
    fail(cert ? "TLS_KEY_FILE" : "TLS_CERT_FILE", "TLS_CERT_FILE and TLS_KEY_FILE go together");
  }
  if (!cert) return;
  cfg.tls_cert_file = *cert;
  cfg.tls_key_file = *key;
}

}  // namespace volkrin::config_detail

namespace volkrin {

void check_config_files(const Config& cfg) {
  if (cfg.tls_cert_file.empty()) return;
  for (const auto& [name, path] : {std::pair{"TLS_CERT_FILE", cfg.tls_cert_file},
                                   std::pair{"TLS_KEY_FILE", cfg.tls_key_file}}) {
    if (std::ifstream probe(path); !probe) {
      config_detail::fail(name, "cannot read " + config_detail::quote_for_message(path) + ": " +
                                    config_detail::errno_text(errno));
    }
  }
}

}  // namespace volkrin
