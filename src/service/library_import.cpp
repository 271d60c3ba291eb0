// Importing folders of audio files; see library_import.hpp.
#include "service/library_import.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <string_view>
#include <system_error>
#include <thread>

#include "format/content_sniff.hpp"
#include "support/api_error.hpp"
#include "support/ascii.hpp"
#include "support/crypto.hpp"
#include "support/unique_fd.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadChunk = 256 * 1024;

// Why a read failed, as a refusal reason.
std::string unreadable(int error) {
  return "unreadable (" + std::string(std::strerror(error)) + ")";
}

// Reads up to `max` bytes at the file's current offset into `out` (replacing it). Returns
// false with errno set on a read error.
bool read_some(int fd, std::string& out, std::size_t max) {
  out.resize(max);
  std::size_t got = 0;
  while (got < max) {
    const ssize_t n = ::read(fd, out.data() + got, max - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return true;
}

// Calls `chunk` with every byte of the file from its start; false with errno on a read error.
template <typename Fn>
bool read_all(int fd, Fn&& chunk) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return false;
  std::string buffer;
  for (;;) {
    if (!read_some(fd, buffer, kReadChunk)) return false;
    if (buffer.empty()) return true;
    chunk(std::string_view(buffer));
  }
}

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

// Every regular file below `roots` (a root may be a file itself), in directory order, until
// `stop` returns true. Unreadable folders are passed over.
template <typename Stop, typename Fn>
void walk(const std::vector<fs::path>& roots, Stop&& stop, Fn&& visit) {
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      if (stop()) return;
      visit(root, fs::file_size(root, ec));
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    const fs::recursive_directory_iterator end;
    while (!ec && it != end) {
      if (stop()) return;
      std::error_code entry_ec;
      if (is_hidden(it->path())) {
        if (it->is_directory(entry_ec)) it.disable_recursion_pending();
      } else if (it->is_regular_file(entry_ec)) {
        const auto size = it->file_size(entry_ec);
        visit(it->path(), entry_ec ? 0 : size);
      }
      it.increment(ec);
      // A folder that fails while it is read (removed meanwhile, an I/O error) is left for
      // the next one rather than ending the walk.
      if (ec && it != end && it.depth() > 0) {
        ec.clear();
        it.pop(ec);
      }
    }
  }
}

// Paths waiting for a worker: the walk blocks while it is full.
class PathQueue {
 public:
  explicit PathQueue(std::size_t capacity) : capacity_(capacity) {}

  void push(fs::path path) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_ || closed_; });
    if (closed_) return;
    queue_.push_back(std::move(path));
    not_empty_.notify_one();
  }

  // nullopt once closed and drained.
  std::optional<fs::path> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    fs::path path = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return path;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  // Forgets what is waiting (a stop): those files are not looked at.
  void clear() {
    std::lock_guard lock(mutex_);
    queue_.clear();
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<fs::path> queue_;
  bool closed_ = false;
};

std::string refusal_of(const ApiError& e) {
  switch (e.status()) {
    case 400:
      return "no title";  // neither tags nor a file name give one
    case 413:
      return "over MAX_AUDIO_SIZE";
    case 415:
      return "unreadable";
    default:
      return e.what();
  }
}

}  // namespace

bool has_audio_extension(const fs::path& file) {
  static constexpr std::array<std::string_view, 10> kExtensions = {
      ".mp3", ".m4a", ".m4b", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".flac", ".wav"};
  const std::string extension = ascii_lower(file.extension().string());
  for (const auto known : kExtensions) {
    if (extension == known) return true;
  }
  return false;
}

LibraryImport::LibraryImport(MediaStore& media, MetadataStore& store, UploadLimits limits,
                             Uploader uploader)
    : media_(media), store_(store), limits_(limits), uploader_(std::move(uploader)) {}

ImportPlan LibraryImport::plan(const std::vector<fs::path>& roots, const std::atomic<bool>& stop) {
  ImportPlan plan;
  walk(
      roots, [&] { return stop.load(); },
      [&](const fs::path&, std::uint64_t size) {
        ++plan.files;
        plan.bytes += size;
      });
  return plan;
}

ImportedFile LibraryImport::import_file(const fs::path& file) {
  ImportedFile result;
  result.path = file;
  const auto refuse = [&](std::string reason) {
    result.outcome = ImportOutcome::refused;
    result.reason = std::move(reason);
    return result;
  };
  const auto ignore_or_refuse = [&](std::string reason) {
    if (has_audio_extension(file)) return refuse(std::move(reason));
    result.outcome = ImportOutcome::ignored;
    return result;
  };

  // O_NONBLOCK: a FIFO put where a file was must not hang the worker in open().
  const UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return ignore_or_refuse(unreadable(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return ignore_or_refuse(unreadable(errno));
  if (!S_ISREG(info.st_mode)) return ignore_or_refuse("not a regular file");
  result.bytes = static_cast<std::uint64_t>(info.st_size);

  std::string head;
  if (!read_some(fd.get(), head, kSniffBytes)) return ignore_or_refuse(unreadable(errno));
  if (!sniff_audio(head)) return ignore_or_refuse("not audio");
  if (result.bytes > limits_.max_audio_bytes) return refuse("over MAX_AUDIO_SIZE");

  crypto::Sha256 hash;
  if (!read_all(fd.get(), [&](std::string_view bytes) { hash.update(bytes); })) {
    return refuse(unreadable(errno));
  }
  if (store_.has_content_hash(crypto::hex_encode(hash.finish()))) {
    result.outcome = ImportOutcome::already_present;
    return result;
  }

  TrackUpload upload(media_, store_, limits_, uploader_);
  upload.allow_missing_thumbnail();
  if (auto cover = covers_.cover_for(file, limits_.max_thumbnail_bytes)) {
    upload.set_fallback_cover(std::move(*cover));
  }
  try {
    upload.begin_file(UploadFile::audio, file.filename().string());
    if (!read_all(fd.get(),
                  [&](std::string_view bytes) { upload.write(UploadFile::audio, bytes); })) {
      return refuse(unreadable(errno));
    }
    upload.end_file(UploadFile::audio);
    result.track = upload.finish_if_new();
  } catch (const ApiError& e) {
    return refuse(refusal_of(e));
  }
  result.outcome = result.track ? ImportOutcome::imported : ImportOutcome::already_present;
  return result;
}

void LibraryImport::count(const ImportedFile& file) {
  std::lock_guard lock(counts_mutex_);
  ++counts_.files;
  counts_.bytes += file.bytes;
  switch (file.outcome) {
    case ImportOutcome::imported:
      ++counts_.imported;
      counts_.imported_bytes += file.bytes;
      break;
    case ImportOutcome::already_present:
      ++counts_.already_present;
      break;
    case ImportOutcome::refused:
      ++counts_.refused;
      break;
    case ImportOutcome::ignored:
      ++counts_.ignored;
      break;
  }
}

ImportCountsSoFar LibraryImport::counts() const {
  std::lock_guard lock(counts_mutex_);
  return counts_;
}

void LibraryImport::run(const std::vector<fs::path>& roots, unsigned workers, const Report& report,
                        const std::atomic<bool>& stop) {
  workers = std::max(workers, 1u);
  PathQueue queue(std::size_t{workers} * 4);
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex report_mutex;
  const auto stopping = [&] { return stop.load() || failed.load(); };

  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    threads.emplace_back([&] {
      while (auto path = queue.pop()) {
        if (stopping()) {
          queue.clear();
          continue;
        }
        try {
          const ImportedFile file = import_file(*path);
          count(file);
          std::lock_guard lock(report_mutex);
          report(file);
        } catch (...) {
          std::lock_guard lock(report_mutex);
          if (!failure) failure = std::current_exception();
          failed = true;
          queue.clear();
        }
      }
    });
  }
  walk(roots, stopping, [&](const fs::path& path, std::uint64_t) { queue.push(path); });
  queue.close();
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace volkrin
