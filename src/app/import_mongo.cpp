// `volkrin import-mongo`: reads the dump, checks it against the database, imports it whole.
#include "app/import_mongo.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "app/backends.hpp"
#include "app/mongo_dump.hpp"

namespace volkrin {
namespace {

constexpr std::size_t kShownProblems = 50;

constexpr const char* kUsage =
    "usage: volkrin import-mongo [--users USERS.json] [--tracks TRACKS.json] [--dry-run]\n";

std::optional<DumpFile> read_dump_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return DumpFile{path, text.str()};
}

void print_problems(const std::vector<std::string>& problems) {
  for (std::size_t i = 0; i < problems.size() && i < kShownProblems; ++i) {
    std::cerr << problems[i] << "\n";
  }
  if (problems.size() > kShownProblems) {
    std::cerr << "... and " << problems.size() - kShownProblems << " more\n";
  }
  std::cerr << "import-mongo: nothing imported: " << problems.size() << " problem"
            << (problems.size() == 1 ? "" : "s") << " in the dump\n";
}

// What the database already holds decides what is skipped, what would clash and which
// uploaders exist. Problems and warnings are added to the dump's.
void check_against_store(MongoDump& dump, MetadataStore& store, ImportCounts& expected) {
  std::set<std::string> dump_users;
  for (const auto& user : dump.users) {
    dump_users.insert(user.record.id);
    if (store.find_user_by_id(user.record.id)) {
      ++expected.users_skipped;
      continue;
    }
    ++expected.users_added;
    if (const auto other = store.find_user_by_email(user.record.email)) {
      dump.problems.push_back(user.where + ": email \"" + user.record.email +
                              "\" already belongs to user " + other->id + " in the database");
    }
  }
  for (auto& track : dump.tracks) {
    ++(store.find_track(track.record.id) ? expected.tracks_skipped : expected.tracks_added);
    const auto& uploader = track.record.uploaded_by;
    if (uploader && !dump_users.contains(*uploader) && !store.find_user_by_id(*uploader)) {
      // The original kept a deleted uploader's id; its list showed such tracks with
      // uploadedBy null, and so will this server.
      dump.warnings.push_back(track.where + ": uploadedBy " + *uploader +
                              " is not a known user; imported with no uploader");
      track.record.uploaded_by.reset();
    }
  }
}

void print_counts(std::string_view verb, const ImportCounts& c) {
  std::cout << "import-mongo: " << verb << " " << c.users_added << " user"
            << (c.users_added == 1 ? "" : "s") << " (" << c.users_skipped << " already present), "
            << c.tracks_added << " track" << (c.tracks_added == 1 ? "" : "s") << " ("
            << c.tracks_skipped << " already present)\n";
}

}  // namespace

int import_mongo(const Config& config, const std::vector<std::string>& args) {
  std::optional<std::string> users_path, tracks_path;
  bool dry_run = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--dry-run") {
      dry_run = true;
    } else if ((a == "--users" || a == "--tracks") && i + 1 < args.size()) {
      (a == "--users" ? users_path : tracks_path) = args[++i];
    } else {
      std::cerr << "volkrin: unknown argument \"" << a << "\"\n" << kUsage;
      return 2;
    }
  }
  if (!users_path && !tracks_path) {
    std::cerr << "volkrin: import-mongo needs --users, --tracks or both\n" << kUsage;
    return 2;
  }

  std::optional<DumpFile> users, tracks;
  for (const auto& [path, file] :
       {std::pair{&users_path, &users}, std::pair{&tracks_path, &tracks}}) {
    if (!*path) continue;
    *file = read_dump_file(**path);
    if (!*file) {
      std::cerr << "volkrin: cannot read " << **path << "\n";
      return 1;
    }
  }

  MongoDump dump = read_mongo_dump(users, tracks);
  if (!dump.problems.empty()) {
    print_problems(dump.problems);
    return 1;
  }
  auto store = open_metadata_store(config);
  ImportCounts expected;
  check_against_store(dump, *store, expected);
  if (!dump.problems.empty()) {
    print_problems(dump.problems);
    return 1;
  }
  for (const auto& warning : dump.warnings) std::cerr << "warning: " << warning << "\n";
  if (dry_run) {
    print_counts("would import", expected);
    return 0;
  }

  std::vector<UserRecord> user_records;
  std::vector<TrackRecord> track_records;
  user_records.reserve(dump.users.size());
  track_records.reserve(dump.tracks.size());
  for (auto& u : dump.users) user_records.push_back(std::move(u.record));
  for (auto& t : dump.tracks) track_records.push_back(std::move(t.record));
  try {
    print_counts("imported", store->import_batch(user_records, track_records));
  } catch (const std::exception& e) {
    std::cerr << "import-mongo: nothing imported: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace volkrin
