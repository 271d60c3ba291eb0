// The server's configuration: read from the environment (and an optional .env) once,
// validated, and handed to everything else as plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/cidr.hpp"
#include "support/hash_cost.hpp"

namespace volkrin {

enum class AppEnv { development, production };
enum class LogFormat { dev, combined, json };

// Thrown for any invalid or unsupported value. what() is one line that starts with the
// variable's name, e.g. "PORT: must be an integer between 0 and 65535 (got \"abc\")",
// and never contains a secret's value.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Media in an S3 bucket (S3_BUCKET set) instead of files under DATA_DIR/media.
struct S3Settings {
  std::string bucket;                // S3_BUCKET
  std::string region = "us-east-1";  // AWS_REGION
  std::string access_key_id;         // AWS_ACCESS_KEY_ID
  std::string secret_access_key;     // AWS_SECRET_ACCESS_KEY: never printed
  // S3_ENDPOINT: "http(s)://host[:port]" of an S3-compatible service, addressed path-style
  // ("<endpoint>/<bucket>/<key>"). Empty: AWS, "https://<bucket>.s3.<region>.amazonaws.com".
  std::string endpoint;
  bool force_path_style =
      false;  // S3_FORCE_PATH_STYLE: AWS too as s3.<region>.amazonaws.com/<bucket>
};

// Where the shared cache lives: REDIS_URL, UPSTASH_REDIS_URL or REDIS_HOST/REDIS_PORT.
struct RedisSettings {
  std::string source;  // the variable it came from, for messages: "REDIS_URL", ...
  std::string host;    // name or address; IPv6 without brackets
  std::uint16_t port = 6379;
  bool tls = false;                     // rediss://
  std::string username;                 // "" = the default user
  std::string password;                 // "" = no AUTH; never logged
  unsigned db = 0;                      // SELECT after connecting, from the URL's path
  std::filesystem::path ca_file;        // REDIS_CA_FILE: trusted besides the system's CAs
  std::string key_prefix = "volkrin:";  // REDIS_KEY_PREFIX: put before every key
};

// "At most `limit` requests per `window`" (fixed windows).
struct RateRule {
  unsigned limit = 0;
  std::chrono::seconds window{0};
};

struct Config {
  AppEnv app_env = AppEnv::development;

  // Listening socket. PORT=0 picks a free port (tests); the log says which.
  std::string host = "0.0.0.0";             // HOST
  std::uint16_t port = 8000;                // PORT
  std::filesystem::path data_dir = "data";  // DATA_DIR

  // DATABASE_URL: sqlite:///absolute/path or sqlite://relative/path (default:
  // DATA_DIR/volkrin.db), or postgres[ql]://user:password@host:5432/db, which sets
  // postgres_url instead and leaves sqlite_path empty.
  std::filesystem::path sqlite_path;
  std::string postgres_url;
  std::chrono::seconds database_connect_timeout{30};  // DATABASE_CONNECT_TIMEOUT (0..3600)

  // JWT_SECRET. Empty means "generate once and keep in DATA_DIR" (development only).
  std::string jwt_secret;
  std::chrono::seconds jwt_lifetime =
      std::chrono::hours(24 * 7);           // JWT_EXPIRES_IN: 3600, 60s, 15m, 12h, 7d
  std::optional<std::string> admin_secret;  // ADMIN_SECRET (empty = unset)
  HashCost password_cost =
      HashCost::interactive;  // PASSWORD_HASH_COST: min|interactive|moderate|sensitive

  // CORS_ORIGINS: comma list of origins ("https://a.example,http://localhost:5173") or "*".
  // Empty (unset) means no cross-origin access.
  std::vector<std::string> cors_origins;
  std::string public_base_url;  // PUBLIC_BASE_URL: absolute http(s) URL without trailing '/'

  LogFormat log_format = LogFormat::dev;  // LOG_FORMAT: dev|combined|json
  std::string log_level = "info";         // LOG_LEVEL: trace|debug|info|warn|error|off

  unsigned io_threads = 0;      // IO_THREADS: 0 = one per core
  unsigned worker_threads = 0;  // WORKER_THREADS: 0 = max(2, cores)

  std::chrono::seconds keepalive_timeout{5};  // KEEPALIVE_TIMEOUT (seconds, 1..3600)
  std::chrono::seconds header_timeout{10};    // HEADER_TIMEOUT (seconds, 1..300)
  std::chrono::seconds shutdown_timeout{10};  // SHUTDOWN_TIMEOUT (seconds, 0..3600)

  // /metrics access: open unless one of these is set; then a client needs an address in
  // METRICS_ALLOW (comma list of CIDRs), or METRICS_TOKEN as a bearer token, or an admin JWT.
  std::string metrics_token;        // METRICS_TOKEN
  std::vector<Cidr> metrics_allow;  // METRICS_ALLOW

  // TRUST_PROXY: comma list of addresses/CIDR ranges of load balancers. A request from one of
  // them gets its client address from X-Forwarded-For and its scheme from X-Forwarded-Proto.
  std::vector<Cidr> trusted_proxies;

  // TLS_CERT_FILE + TLS_KEY_FILE (PEM): serve HTTPS directly instead of plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;

  // Upload limits; accept plain bytes or a K/M/G suffix (KiB/MiB/GiB), e.g. "200M".
  std::uint64_t max_audio_bytes = 200ull << 20;    // MAX_AUDIO_SIZE
  std::uint64_t max_thumbnail_bytes = 5ull << 20;  // MAX_THUMBNAIL_SIZE

  std::optional<S3Settings> s3;  // S3_BUCKET and friends; nullopt: local media files

  // Shared cache (and shared rate-limit counters); unset = in-process ones. Precedence:
  // REDIS_URL (redis://[user:password@]host[:port][/db] or rediss:// for TLS), then
  // UPSTASH_REDIS_URL, then REDIS_HOST with REDIS_PORT (plain).
  std::optional<RedisSettings> redis;

  // Login and sign-up limits, "N/WINDOW" such as "20/5m" (s, m or h), or "off" (nullopt).
  // Per address: every login attempt. Per account and address, and per account from all
  // addresses together: failed attempts only, so that strangers cannot lock an owner out.
  std::optional<RateRule> login_per_address = RateRule{20, std::chrono::minutes(5)};
  std::optional<RateRule> login_per_account_address = RateRule{10, std::chrono::minutes(15)};
  std::optional<RateRule> login_per_account = RateRule{100, std::chrono::hours(1)};
  std::optional<RateRule> signup_per_address = RateRule{20, std::chrono::hours(1)};

  std::vector<std::string> warnings;  // Accepted but doubtful settings, logged at start-up.
};

// Looks a variable up; nullopt when unset. Empty values count as unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Validates every variable. Reads nothing but the variables, through `env` (which may read
// NAME_FILE files: see make_env_lookup); the files the values name are opened later, by
// check_config_files. Throws ConfigError.
// Rules beyond the per-variable ones:
// - APP_ENV=production requires JWT_SECRET.
// - MONGO_URI set: error explaining there is no MongoDB store, pointing to DATABASE_URL
//   and to importing a mongoexport dump of the original's users and tracks.
// - A malformed Redis URL is an error; an unreachable Redis is not (the cache is optional).
// - S3_BUCKET requires AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; S3_ENDPOINT and
//   S3_FORCE_PATH_STYLE require S3_BUCKET.
Config load_config(const EnvLookup& env);

// Opens the files the configuration names, to refuse an unreadable one before anything is
// started or written: TLS_CERT_FILE and TLS_KEY_FILE. Throws ConfigError naming the
// variable, e.g. "TLS_CERT_FILE: cannot read \"/etc/tls/cert.pem\": Permission denied".
void check_config_files(const Config& cfg);

// Parses a .env file: KEY=VALUE lines, blank lines, '#' comments, optional "export ",
// single-quoted (literal) and double-quoted (\n, \", \\ escapes) values, inline " #"
// comments after unquoted values. Throws ConfigError(".env line N: ...") on a bad line.
std::map<std::string, std::string> parse_env_file(std::string_view text);

// The process environment first, then the .env values (the environment wins). A variable
// NAME that is unset in both may be given as NAME_FILE, the path of a file that holds the
// value (Docker and Kubernetes secrets); its trailing line breaks are dropped. NAME and
// NAME_FILE both set, or an unreadable file, throw ConfigError naming NAME_FILE.
EnvLookup make_env_lookup(std::map<std::string, std::string> dotenv);

// When cfg.jwt_secret is empty: reads DATA_DIR/jwt_secret, or creates it (64 random bytes,
// hex, mode 0600, written atomically). Creates DATA_DIR if needed. Throws ConfigError
// naming DATA_DIR when the directory or file cannot be used.
void ensure_jwt_secret(Config& cfg);

}  // namespace volkrin
