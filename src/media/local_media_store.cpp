// MediaStore adapter keeping objects as files under one directory (the media root).
#include "media/local_media_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <spdlog/spdlog.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include "format/storage_key.hpp"
#include "support/backend_failure.hpp"
#include "support/crypto.hpp"
#include "support/log_throttle.hpp"
#include "support/signed_url.hpp"
#include "support/unique_fd.hpp"

namespace volkrin {

struct LocalMediaStore::Tree {
  std::filesystem::path root;
  UniqueFd root_fd;
  BeneathResolution resolution = BeneathResolution::automatic;
};

namespace {

using Tree = LocalMediaStore::Tree;

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;
// Attempts at creating a key's directory and renaming a file into it while concurrent
// remove() calls keep pruning that directory.
constexpr int kPlacementAttempts = 64;

std::string error_text(int error) {
  return std::system_category().message(error);
}

[[noreturn]] void fail(const std::string& what, int error) {
  if (error == ELOOP || error == EXDEV) {
    throw std::runtime_error(what + ": the path crosses a symbolic link or leaves the media root");
  }
  if (is_storage_full(error)) throw StorageFull(what + ": " + error_text(error));
  throw std::runtime_error(what + ": " + error_text(error));
}

// A failed write or sync of media bytes.
[[noreturn]] void fail_write(const std::filesystem::path& root, int error) {
  if (error == EFBIG) throw std::runtime_error("file too large for the media storage");
  fail("cannot write media under " + root.string(), error);
}

// A key split into its directory segments and its file name.
struct KeyPath {
  std::vector<std::string_view> dirs;      // directory names: "audio", "x"
  std::vector<std::string_view> prefixes;  // the directories' paths: "audio", "audio/x"
  std::string leaf;
};

KeyPath checked_key(std::string_view key) {
  if (!is_safe_storage_key(key)) throw std::invalid_argument("unsafe media key");
  if (key.front() == '.') {
    throw std::invalid_argument("media keys starting with '.' are reserved for the store");
  }
  KeyPath path;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = key.find('/', start);
    const std::string_view segment =
        key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment.size() > NAME_MAX) throw std::invalid_argument("media key segment too long");
    if (end == std::string_view::npos) {
      path.leaf = std::string(segment);
      return path;
    }
    path.dirs.push_back(segment);
    path.prefixes.push_back(key.substr(0, end));
    start = end + 1;
  }
}

UniqueFd dup_fd(int fd) {
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!copy) fail("cannot duplicate a media directory descriptor", errno);
  return copy;
}

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY;

// The key's directory when it exists; invalid with errno set otherwise.
UniqueFd open_key_dir(const Tree& tree, const KeyPath& path) {
  if (path.prefixes.empty()) return dup_fd(tree.root_fd.get());
  return UniqueFd(
      open_beneath(tree.root_fd.get(), path.prefixes.back(), kDirFlags, 0, tree.resolution));
}

// One pass of make_key_dir; invalid with `error` set when a step failed.
UniqueFd try_make_key_dir(const Tree& tree, const KeyPath& path, int& error) {
  UniqueFd current = dup_fd(tree.root_fd.get());
  for (const std::string_view segment : path.dirs) {
    const std::string name(segment);
    if (::mkdirat(current.get(), name.c_str(), kDirMode) == 0) {
      // Make the new directory's entry durable along with the file about to go in.
      if (::fsync(current.get()) != 0) {
        error = errno;
        return UniqueFd();
      }
    } else if (errno != EEXIST) {
      error = errno;
      return UniqueFd();
    }
    UniqueFd next(open_beneath(current.get(), name, kDirFlags, 0, tree.resolution));
    if (!next) {
      error = errno;
      return UniqueFd();
    }
    current = std::move(next);
  }
  return current;
}

// The key's directory, created where missing. A concurrent remove() may prune a directory
// between its creation and its use (ENOENT); the walk then starts again.
UniqueFd make_key_dir(const Tree& tree, std::string_view key, const KeyPath& path) {
  for (int attempt = 1;; ++attempt) {
    int error = 0;
    UniqueFd dir = try_make_key_dir(tree, path, error);
    if (dir) return dir;
    if (error == ENOENT && attempt < kPlacementAttempts) continue;
    fail("cannot create the directory of " + std::string(key), error);
  }
}

UniqueFd open_incoming(const Tree& tree, bool create) {
  const std::string name(LocalMediaStore::kIncomingDir);
  if (create && ::mkdirat(tree.root_fd.get(), name.c_str(), kDirMode) != 0 && errno != EEXIST) {
    fail("cannot create " + (tree.root / name).string(), errno);
  }
  return UniqueFd(open_beneath(tree.root_fd.get(), name, kDirFlags, 0, tree.resolution));
}

std::string hex(std::uint64_t value) {
  char buffer[16];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value, 16).ptr;
  return std::string(buffer, end);
}

StoredObject describe(const struct stat& st) {
  const auto seconds = static_cast<std::int64_t>(st.st_mtim.tv_sec);
  const auto nanos = static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  StoredObject info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.modified_ms = seconds * 1000 + nanos / 1'000'000;
  info.etag = "\"" + hex(info.size) + "-" +
              hex(static_cast<std::uint64_t>(seconds) * 1'000'000'000u +
                  static_cast<std::uint64_t>(nanos)) +
              "\"";
  return info;
}

// Someone planted a link in the media root, or a key was made by hand: worth a look, once
// in a while, not once per request.
void warn_symlinked_key(std::string_view key) {
  static LogThrottle throttle(std::chrono::seconds(60));
  const auto held_back = throttle.allow();
  if (!held_back) return;
  if (*held_back == 0) {
    spdlog::warn("media key {} resolves through a symbolic link; answered as missing", key);
  } else {
    spdlog::warn(
        "media key {} resolves through a symbolic link; answered as missing ({} more "
        "since the last warning)",
        key, *held_back);
  }
}

struct OpenedFile {
  UniqueFd fd;
  struct stat st {};
};

// The regular file at the key, opened for reading; nullopt when there is none. A key that
// resolves through a symbolic link (its file or one of its directories, whatever the link
// points at, or nothing) names no object of this store: it is not followed, and it reads as
// absent.
std::optional<OpenedFile> open_regular(const Tree& tree, std::string_view key) {
  checked_key(key);
  // O_NONBLOCK: opening a FIFO someone left at the key must not hang a worker.
  OpenedFile file;
  file.fd.reset(
      open_beneath(tree.root_fd.get(), key, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, tree.resolution));
  if (!file.fd) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR || error == ENXIO) return std::nullopt;
    if (error == ELOOP || error == EXDEV) {
      warn_symlinked_key(key);
      return std::nullopt;
    }
    fail("cannot open media " + std::string(key), error);
  }
  if (::fstat(file.fd.get(), &file.st) != 0) fail("cannot stat media " + std::string(key), errno);
  if (!S_ISREG(file.st.st_mode)) return std::nullopt;
  return file;
}

class LocalMediaUpload final : public MediaUpload {
 public:
  LocalMediaUpload(std::shared_ptr<const Tree> tree, std::string key, UniqueFd incoming,
                   std::string temp_name, UniqueFd file)
      : tree_(std::move(tree)),
        key_(std::move(key)),
        incoming_(std::move(incoming)),
        temp_name_(std::move(temp_name)),
        file_(std::move(file)) {}
  ~LocalMediaUpload() override { abort(); }
  LocalMediaUpload(const LocalMediaUpload&) = delete;
  LocalMediaUpload& operator=(const LocalMediaUpload&) = delete;

  void write(std::string_view bytes) override {
    require_open();
    while (!bytes.empty()) {
      const ssize_t written = ::write(file_.get(), bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        fail_write(tree_->root, errno);
      }
      if (written == 0) fail_write(tree_->root, EIO);
      bytes.remove_prefix(static_cast<std::size_t>(written));
      size_ += static_cast<std::uint64_t>(written);
    }
  }

  void commit() override {
    require_open();
    if (::fsync(file_.get()) != 0) fail_write(tree_->root, errno);
    const KeyPath path = checked_key(key_);
    UniqueFd dir;
    for (int attempt = 1;; ++attempt) {
      dir = make_key_dir(*tree_, key_, path);
      const int error = place(dir.get(), path.leaf);
      if (error == 0) break;
      if (error == EEXIST) throw std::runtime_error("media object already exists: " + key_);
      if (error == EXDEV) {
        throw std::runtime_error("cannot commit media " + key_ +
                                 ": its directory is on another file system than " +
                                 std::string(LocalMediaStore::kIncomingDir));
      }
      // ENOENT with the staged file still there: a remove() of the last object in the
      // directory pruned it between make_key_dir and the rename. Make it again.
      if (error == ENOENT && attempt < kPlacementAttempts && staged_file_exists()) continue;
      fail("cannot commit media " + key_, error);
    }
    if (::fsync(dir.get()) != 0) {
      const int error = errno;
      // Undo, so that a failed commit leaves nothing visible, as the port promises.
      ::unlinkat(dir.get(), path.leaf.c_str(), 0);
      abort();
      fail_write(tree_->root, error);
    }
    state_ = State::committed;
    file_.reset();
  }

  void abort() noexcept override {
    if (state_ != State::open) return;
    state_ = State::aborted;
    file_.reset();
    ::unlinkat(incoming_.get(), temp_name_.c_str(), 0);
  }

  std::uint64_t size() const override { return size_; }

  std::optional<std::filesystem::path> staged_path() const override {
    if (state_ != State::open) return std::nullopt;
    return tree_->root / LocalMediaStore::kIncomingDir / temp_name_;
  }

 private:
  enum class State { open, committed, aborted };

  void require_open() const {
    if (state_ == State::committed) throw std::logic_error("media upload already committed");
    if (state_ == State::aborted) throw std::logic_error("media upload already aborted");
  }

  bool staged_file_exists() const {
    struct stat st {};
    return ::fstatat(incoming_.get(), temp_name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

  // Moves the staged file to dir/leaf unless something is there already; 0 or an errno.
  int place(int dir, const std::string& leaf) {
    if (::renameat2(incoming_.get(), temp_name_.c_str(), dir, leaf.c_str(), RENAME_NOREPLACE) ==
        0) {
      return 0;
    }
    if (errno != EINVAL && errno != ENOSYS) return errno;
    // File systems without RENAME_NOREPLACE: a hard link fails just as atomically on an
    // existing name; the staged name is then dropped.
    if (::linkat(incoming_.get(), temp_name_.c_str(), dir, leaf.c_str(), 0) != 0) return errno;
    ::unlinkat(incoming_.get(), temp_name_.c_str(), 0);
    return 0;
  }

  std::shared_ptr<const Tree> tree_;
  std::string key_;
  UniqueFd incoming_;
  std::string temp_name_;
  UniqueFd file_;
  std::uint64_t size_ = 0;
  State state_ = State::open;
};

}  // namespace

LocalMediaStore::LocalMediaStore(std::filesystem::path root, std::string signing_secret,
                                 BeneathResolution resolution)
    : signing_secret_(std::move(signing_secret)) {
  if (root.empty()) throw std::invalid_argument("the media root must not be empty");
  auto tree = std::make_shared<Tree>();
  tree->root = std::move(root);
  tree->root = std::filesystem::absolute(tree->root).lexically_normal();
  if (!tree->root.has_filename()) tree->root = tree->root.parent_path();
  tree->resolution = resolution;
  const std::string where = "media root " + tree->root.string();

  std::error_code ec;
  if (!std::filesystem::exists(tree->root, ec)) {
    if (tree->root.has_parent_path()) {
      std::filesystem::create_directories(tree->root.parent_path(), ec);
      if (ec) throw std::runtime_error("cannot create " + where + ": " + ec.message());
    }
    if (::mkdir(tree->root.c_str(), kDirMode) != 0 && errno != EEXIST) {
      fail("cannot create " + where, errno);
    }
  }
  tree->root_fd.reset(::open(tree->root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!tree->root_fd) fail("cannot open " + where, errno);
  if (!open_incoming(*tree, true)) fail("cannot open " + where + "/.incoming", errno);
  tree_ = std::move(tree);
}

LocalMediaStore::~LocalMediaStore() = default;

const std::filesystem::path& LocalMediaStore::root() const noexcept {
  return tree_->root;
}

std::unique_ptr<MediaUpload> LocalMediaStore::begin_upload(std::string_view key) {
  const KeyPath path = checked_key(key);
  make_key_dir(*tree_, key, path);
  UniqueFd incoming = open_incoming(*tree_, true);
  if (!incoming) fail("cannot open the media staging directory", errno);

  std::string temp_name = crypto::hex_encode(crypto::random_bytes(16)) + ".part";
  UniqueFd file(::openat(incoming.get(), temp_name.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
  if (!file) fail("cannot create a staging file for " + std::string(key), errno);
  // The umask could only have removed bits; make the mode exact anyway.
  if (::fchmod(file.get(), kFileMode) != 0) {
    const int error = errno;
    ::unlinkat(incoming.get(), temp_name.c_str(), 0);
    fail("cannot set the mode of a staging file", error);
  }
  return std::make_unique<LocalMediaUpload>(tree_, std::string(key), std::move(incoming),
                                            std::move(temp_name), std::move(file));
}

std::optional<StoredObject> LocalMediaStore::stat(std::string_view key) {
  auto file = open_regular(*tree_, key);
  if (!file) return std::nullopt;
  return describe(file->st);
}

std::unique_ptr<OpenedObject> LocalMediaStore::open(std::string_view key) {
  auto file = open_regular(*tree_, key);
  if (!file) return nullptr;
  // Back to blocking reads (O_NONBLOCK was for the open only).
  const int flags = ::fcntl(file->fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(file->fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    fail("cannot open media " + std::string(key), errno);
  }
  const StoredObject info = describe(file->st);
  return std::make_unique<OpenedObject>(file->fd.release(), info);
}

bool LocalMediaStore::remove(std::string_view key) {
  const KeyPath path = checked_key(key);
  {
    UniqueFd dir = open_key_dir(*tree_, path);
    if (!dir) {
      if (errno == ENOENT || errno == ENOTDIR) return false;
      fail("cannot open the directory of " + std::string(key), errno);
    }
    if (::unlinkat(dir.get(), path.leaf.c_str(), 0) != 0) {
      if (errno == ENOENT || errno == EISDIR) return false;
      fail("cannot remove media " + std::string(key), errno);
    }
  }
  // Prune directories this left empty, deepest first. Best effort: the object is gone
  // already, and ENOTEMPTY (or a concurrent upload's new file) simply stops the walk.
  for (std::size_t depth = path.dirs.size(); depth > 0; --depth) {
    UniqueFd held;
    int parent = tree_->root_fd.get();
    if (depth > 1) {
      held.reset(open_beneath(parent, path.prefixes[depth - 2], kDirFlags, 0, tree_->resolution));
      if (!held) break;
      parent = held.get();
    }
    const std::string name(path.dirs[depth - 1]);
    if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0) break;
  }
  return true;
}

std::string LocalMediaStore::presign_get(std::string_view key, std::int64_t expires_at) {
  checked_key(key);
  return signed_media_path(signing_secret_, key, expires_at);
}

void LocalMediaStore::ping() {
  const std::string where = "media root " + tree_->root.string();
  struct stat by_path {};
  if (::stat(tree_->root.c_str(), &by_path) != 0) fail(where, errno);
  if (!S_ISDIR(by_path.st_mode)) throw std::runtime_error(where + " is not a directory");
  if (::access(tree_->root.c_str(), W_OK) != 0) fail(where + " is not writable", errno);
  struct stat by_fd {};
  if (::fstat(tree_->root_fd.get(), &by_fd) != 0) fail(where, errno);
  if (by_path.st_dev != by_fd.st_dev || by_path.st_ino != by_fd.st_ino) {
    throw std::runtime_error(where + " was replaced after start-up");
  }
}

std::size_t LocalMediaStore::sweep_incomplete() {
  UniqueFd incoming = open_incoming(*tree_, false);
  if (!incoming) {
    if (errno == ENOENT) return 0;
    fail("cannot open the media staging directory", errno);
  }
  std::vector<std::string> names;
  {
    UniqueFd listing = dup_fd(incoming.get());
    DIR* dir = ::fdopendir(listing.get());
    if (dir == nullptr) fail("cannot list the media staging directory", errno);
    listing.release();  // now owned by dir
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      if (entry->d_type == DT_DIR) continue;
      if (entry->d_type == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(incoming.get(), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode)) {
          continue;
        }
      }
      names.emplace_back(name);
    }
    ::closedir(dir);
  }
  std::size_t removed = 0;
  for (const auto& name : names) {
    if (::unlinkat(incoming.get(), name.c_str(), 0) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      fail("cannot remove a staging file", errno);
    }
  }
  return removed;
}

}  // namespace volkrin
