// `volkrin import`: the command around LibraryImport (see import_library.hpp): arguments,
// progress on the terminal or the log, Ctrl-C, cache invalidation, the summary.
#include "app/import_library.hpp"

#include <unistd.h>

#include <sys/ioctl.h>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "app/backends.hpp"
#include "app/import_progress.hpp"
#include "service/library_import.hpp"
#include "service/track_service.hpp"
#include "support/text_validation.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// The first SIGINT or SIGTERM asks for a clean stop; the next one is the default (ends it).
extern "C" void on_stop_signal(int signal) {
  g_stop.store(true);
  std::signal(signal, SIG_DFL);
}

struct ImportArgs {
  std::vector<fs::path> roots;
  std::optional<std::string> as_email;
  double progress_every_s = 5;
};

std::optional<ImportArgs> parse_args(const std::vector<std::string>& args) {
  ImportArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--as" && i + 1 < args.size()) {
      parsed.as_email = args[++i];
    } else if (a == "--progress" && i + 1 < args.size()) {
      try {
        parsed.progress_every_s = std::stod(args[++i]);
      } catch (const std::exception&) {
        parsed.progress_every_s = -1;
      }
      if (!(parsed.progress_every_s >= 0)) {
        std::cerr << "volkrin import: --progress needs a number of seconds\n";
        return std::nullopt;
      }
    } else if (a.starts_with("--")) {
      std::cerr << "volkrin import: unknown option \"" << a << "\"\n";
      return std::nullopt;
    } else {
      parsed.roots.emplace_back(a);
    }
  }
  if (parsed.roots.empty()) {
    std::cerr << "usage: volkrin import DIR... [--as EMAIL] [--progress SECONDS]\n";
    return std::nullopt;
  }
  for (const auto& root : parsed.roots) {
    std::error_code ec;
    if (!fs::exists(root, ec)) {
      std::cerr << "volkrin import: " << clean_single_line(root.string()) << ": no such folder\n";
      return std::nullopt;
    }
  }
  return parsed;
}

// The admin the tracks are uploaded by: --as, else the first admin, else none.
std::optional<Uploader> pick_uploader(MetadataStore& store, const ImportArgs& args) {
  if (args.as_email) {
    const auto user = store.find_user_by_email(*args.as_email);
    if (!user || user->role != "admin") {
      std::cerr << "volkrin import: --as " << clean_single_line(*args.as_email)
                << " is not an admin of this instance\n";
      return std::nullopt;
    }
    return Uploader{user->id, user->email, user->role};
  }
  for (const auto& user : store.list_users()) {
    if (user.role == "admin") return Uploader{user.id, user.email, user.role};
  }
  return Uploader{};  // none: the tracks show uploadedBy null
}

// Drops the track list and the library from a Redis cache shared with running servers.
// Servers on an in-process cache notice the change themselves (library_version).
class SharedCacheInvalidation {
 public:
  SharedCacheInvalidation(const Config& config, MetadataStore& store, MediaStore& media)
      : redis_(open_redis(config)) {
    if (!redis_) return;
    running_ = redis_->start(ioc_.get_executor());
    cache_ = open_cache(redis_);
    tracks_.emplace(
        store, media, *cache_,
        TrackSettings{config.public_base_url,
                      UploadLimits{config.max_audio_bytes, config.max_thumbnail_bytes}});
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~SharedCacheInvalidation() {
    if (!redis_) return;
    running_ = redis::RedisClient::Running{};
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  SharedCacheInvalidation(const SharedCacheInvalidation&) = delete;
  SharedCacheInvalidation& operator=(const SharedCacheInvalidation&) = delete;

  // Blocking; a Redis that does not answer is logged by its client, not fatal.
  void invalidate() {
    if (!redis_) return;
    auto done = boost::asio::co_spawn(ioc_, tracks_->invalidate_list(), boost::asio::use_future);
    done.wait();
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      ioc_.get_executor()};
  std::shared_ptr<redis::RedisClient> redis_;
  redis::RedisClient::Running running_;
  std::unique_ptr<Cache> cache_;
  std::optional<TrackService> tracks_;
  std::thread thread_;
};

std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int import_library(const Config& config, const std::vector<std::string>& args) {
  const auto parsed = parse_args(args);
  if (!parsed) return 2;
  auto store = open_metadata_store(config);
  const auto uploader = pick_uploader(*store, *parsed);
  if (!uploader) return 2;
  auto media = open_media_store(config, SweepPartialUploads::no);
  SharedCacheInvalidation shared_cache(config, *store, *media);

  g_stop = false;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::mutex output;

  if (tty) std::cerr << "looking through the folders..." << std::flush;
  const ImportPlan plan = LibraryImport::plan(parsed->roots, g_stop);
  if (tty) std::cerr << "\r\033[K";
  std::cout << "found " << plan.files << " files (" << format_bytes(plan.bytes) << ")"
            << (uploader->id.empty() ? ", importing without an uploader (no admin yet)" : "")
            << "\n"
            << std::flush;

  LibraryImport importer(
      *media, *store, UploadLimits{config.max_audio_bytes, config.max_thumbnail_bytes}, *uploader);
  std::map<std::string, std::uint64_t> refusals;
  const auto report = [&](const ImportedFile& file) {
    if (file.outcome != ImportOutcome::refused) return;
    std::lock_guard lock(output);
    ++refusals[file.reason.starts_with("unreadable") ? "unreadable" : file.reason];
    if (tty) std::cerr << "\r\033[K" << std::flush;
    std::cout << "refused " << clean_single_line(file.path.string()) << ": " << file.reason << "\n"
              << std::flush;
  };

  const auto start = Clock::now();
  std::exception_ptr failure;
  std::atomic<bool> finished{false};
  std::thread runner([&] {
    try {
      importer.run(parsed->roots, resolve_worker_threads(config), report, g_stop);
    } catch (...) {
      failure = std::current_exception();
    }
    finished = true;
  });

  // Progress, and the shared cache dropped now and then while tracks come in.
  auto last_line = Clock::now();
  auto last_invalidation = Clock::now();
  std::uint64_t imported_at_invalidation = 0;
  while (!finished) {
    std::this_thread::sleep_for(std::chrono::milliseconds(tty ? 200 : 100));
    const ImportCountsSoFar done = importer.counts();
    if (tty) {
      std::lock_guard lock(output);
      std::cerr << "\r" << progress_bar(done, plan, seconds_since(start), terminal_width() - 1)
                << "\033[K" << std::flush;
    } else if (parsed->progress_every_s > 0 &&
               seconds_since(last_line) >= parsed->progress_every_s) {
      std::lock_guard lock(output);
      std::cerr << progress_line(done, plan, seconds_since(start)) << "\n" << std::flush;
      last_line = Clock::now();
    }
    if (done.imported != imported_at_invalidation && seconds_since(last_invalidation) >= 2) {
      shared_cache.invalidate();
      imported_at_invalidation = done.imported;
      last_invalidation = Clock::now();
    }
  }
  runner.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  const ImportCountsSoFar done = importer.counts();
  if (done.imported > 0) shared_cache.invalidate();
  if (tty) std::cerr << "\r\033[K" << std::flush;

  std::cout << import_summary(done, refusals, seconds_since(start));
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cerr << "volkrin import: stopped: " << e.what() << "\n";
    }
    return 1;
  }
  if (g_stop) {
    std::cout << "interrupted: the files in progress were finished; "
              << (plan.files > done.files ? plan.files - done.files : 0)
              << " files were not looked at. The same command goes on where this one stopped.\n";
    return 130;
  }
  return done.refused > 0 ? 3 : 0;
}

}  // namespace volkrin
