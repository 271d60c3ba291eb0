// Command-line entry: loads the configuration once and runs the chosen command.
#include "app/cli.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "app/backends.hpp"
#include "app/demo.hpp"
#include "app/healthcheck.hpp"
#include "app/import_library.hpp"
#include "app/import_mongo.hpp"
#include "app/route_list.hpp"
#include "app/server_app.hpp"
#include "service/auth_service.hpp"
#include "support/api_error.hpp"
#include "support/config.hpp"
#include "support/log.hpp"

namespace volkrin {
namespace {

constexpr const char* kUsage = R"(Volkrin Stream — media streaming server

usage:
  volkrin [serve]                 run the HTTP server (configuration from the environment
                                  and an optional .env file in the working directory)
  volkrin user create --email EMAIL [--name NAME] [--admin]
                                  create a user; the password is read from standard input
  volkrin demo                    add a few generated demo tracks to an empty instance (same
                                  configuration as serve); makes an admin if there is none
  volkrin healthcheck             exit 0 when the server on this machine (HOST, PORT) is
                                  ready, 1 otherwise; for container health checks
  volkrin import DIR... [--as EMAIL] [--progress SECONDS]
                                  add every audio file below the folders (found by content)
                                  as a track, with its tags and cover (embedded, else
                                  cover.jpg/folder.jpg/front.png beside it); files already in
                                  the library are skipped, so it can be run again. Works
                                  while a server runs on the same configuration. Ctrl-C
                                  stops after the files in progress. Exit 0 done, 3 some
                                  files refused, 130 interrupted, 1 failed
  volkrin import-mongo [--users USERS.json] [--tracks TRACKS.json] [--dry-run]
                                  import a mongoexport dump of the original's users and
                                  tracks collections; existing ids are skipped
  volkrin routes                  print the route table: METHOD PATTERN ACCESS
  volkrin --version               print the version
  volkrin --help                  print this help
)";

// The validated configuration, without writing anything.
Config read_configuration() {
  std::map<std::string, std::string> dotenv;
  std::ifstream file(".env");
  if (file) {
    std::ostringstream text;
    text << file.rdbuf();
    dotenv = parse_env_file(text.str());
  }
  Config config = load_config(make_env_lookup(std::move(dotenv)));
  check_config_files(config);
  return config;
}

Config load_configuration() {
  Config config = read_configuration();
  ensure_jwt_secret(config);
  return config;
}

int user_create(const Config& config, const std::vector<std::string>& args) {
  std::string email, name, role = "user";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--admin") {
      role = "admin";
    } else if ((a == "--email" || a == "--name") && i + 1 < args.size()) {
      (a == "--email" ? email : name) = args[++i];
    } else {
      std::cerr << "volkrin: unknown argument \"" << a << "\"\n" << kUsage;
      return 2;
    }
  }
  if (email.empty()) {
    std::cerr << "volkrin: user create needs --email\n";
    return 2;
  }
  if (name.empty()) name = email.substr(0, email.find('@'));
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();

  auto store = open_metadata_store(config);
  const PasswordHasher hasher(config.password_cost);
  AuthService auth(*store, hasher, AuthSettings{config.jwt_secret, config.jwt_lifetime, {}});
  try {
    const UserRecord user = auth.create_user(name, email, password, role);
    std::cout << "created " << user.role << " " << user.email << " (" << user.id << ")\n";
    return 0;
  } catch (const ApiError& e) {
    std::cerr << "volkrin: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.empty() && (args[0] == "--version" || args[0] == "version")) {
    std::cout << "volkrin " << VOLKRIN_VERSION << " (" << VOLKRIN_COMMIT << ")\n";
    return 0;
  }
  const bool serve = args.empty() || args[0] == "serve";
  const bool create_user = args.size() >= 2 && args[0] == "user" && args[1] == "create";
  const bool demo = args.size() == 1 && args[0] == "demo";
  const std::string command = args.empty() ? "serve" : args[0];
  if (!serve && !create_user && !demo && command != "healthcheck" && command != "import-mongo" &&
      command != "import" && command != "routes") {
    std::cerr << "volkrin: unknown command \"" << args[0] << "\"\n" << kUsage;
    return 2;
  }
  if (command == "healthcheck") {
    // Exit codes other than 0 and 1 mean something else to container health checks.
    try {
      return run_healthcheck(read_configuration());  // reads the configuration, writes nothing
    } catch (const std::exception& e) {
      std::cerr << "not ready: configuration error: " << e.what() << "\n";
      return 1;
    }
  }
  try {
    if (command == "routes") {
      init_logging(LogFormat::dev, "warn");
      print_routes(std::cout);
      return 0;
    }
    if (command == "import-mongo") {
      // Only the database is used: no secret file is created for the import.
      const Config config = read_configuration();
      init_logging(config.log_format, config.log_level);
      return import_mongo(config, {args.begin() + 1, args.end()});
    }
    if (command == "import") {
      // The media store derives its URL-signing key from the JWT secret, loaded as serve does.
      const Config config = load_configuration();
      init_logging(config.log_format, config.log_level);
      return import_library(config, {args.begin() + 1, args.end()});
    }
    const Config config = load_configuration();
    init_logging(config.log_format, config.log_level);
    if (create_user) return user_create(config, {args.begin() + 2, args.end()});
    if (demo) return run_demo(config);
    return run_server(config);
  } catch (const ConfigError& e) {
    std::cerr << "volkrin: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "volkrin: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace volkrin
