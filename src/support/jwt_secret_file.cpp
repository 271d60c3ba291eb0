// Keeps a generated JWT signing secret in DATA_DIR/jwt_secret for development set-ups.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "support/ascii.hpp"
#include "support/config.hpp"
#include "support/config/values.hpp"
#include "support/unique_fd.hpp"

namespace volkrin {

namespace {

namespace fs = std::filesystem;
using config_detail::errno_text;
using config_detail::quote_for_message;

constexpr std::size_t kSecretBytes = 64;
constexpr std::size_t kMinSecretChars = 32;
constexpr std::size_t kMaxFileBytes = 64ULL * 1024;
constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;

[[noreturn]] void fail(const char* action, const fs::path& path, int error) {
  throw ConfigError("DATA_DIR: cannot " + std::string(action) + " " +
                    quote_for_message(path.string()) + ": " + errno_text(error));
}

// Creates `dir` and any missing parents, each with mode 0700.
void make_directories(const fs::path& dir) {
  fs::path current;
  for (const auto& part : dir) {
    current /= part;
    struct stat info {};
    if (::stat(current.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) fail("create", dir, ENOTDIR);
      continue;
    }
    if (errno != ENOENT) fail("create", dir, errno);
    if (::mkdir(current.c_str(), kDirMode) != 0 && errno != EEXIST) fail("create", dir, errno);
  }
}

// The trimmed secret, or nullopt when the file does not exist. Never echoes the content.
std::optional<std::string> read_secret(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("read", file, errno);
  }
  std::string content;
  std::array<char, 4096> buffer{};
  while (true) {
    const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("read", file, errno);
    }
    if (got == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(got));
    if (content.size() > kMaxFileBytes) break;
  }
  std::string secret(trim(content, " \t\r\n\f\v"));
  OPENSSL_cleanse(content.data(), content.size());
  if (secret.size() < kMinSecretChars || content.size() > kMaxFileBytes) {
    OPENSSL_cleanse(secret.data(), secret.size());
    throw ConfigError("DATA_DIR: " + quote_for_message(file.string()) +
                      " is corrupt (expected a secret of at least 32 characters); delete it to "
                      "generate a new one, which signs out every user");
  }
  return secret;
}

std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, kSecretBytes> random{};
  if (bytes > random.size() || RAND_bytes(random.data(), static_cast<int>(bytes)) != 1) {
    throw ConfigError("DATA_DIR: cannot generate a random secret (OpenSSL RAND_bytes failed)");
  }
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    hex += kDigits[random[i] >> 4U];
    hex += kDigits[random[i] & 0x0FU];
  }
  OPENSSL_cleanse(random.data(), random.size());
  return hex;
}

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Writes a fresh secret to a private temporary file and links it into place. link() never
// replaces an existing file, so when two processes race the first one wins and both then
// read the winner's secret. Filesystems without hard links fall back to rename().
void publish_new_secret(const fs::path& dir, const fs::path& file) {
  const fs::path temp = dir / (".jwt_secret." + std::to_string(::getpid()) + "." + random_hex(8));
  UniqueFd fd(::open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, kFileMode));
  if (fd.get() < 0) fail("create", temp, errno);

  std::string secret = random_hex(kSecretBytes) + "\n";
  try {
    write_all(fd.get(), secret, temp);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (::fsync(fd.get()) != 0) fail("write", temp, errno);
    if (fd.close() != 0) fail("write", temp, errno);
    if (::link(temp.c_str(), file.c_str()) != 0) {
      const int error = errno;
      const bool no_hard_links = error == EPERM || error == EOPNOTSUPP || error == ENOSYS;
      if (no_hard_links) {
        if (::rename(temp.c_str(), file.c_str()) != 0) fail("create", file, errno);
      } else if (error != EEXIST) {
        fail("create", file, error);
      }
    }
  } catch (...) {
    OPENSSL_cleanse(secret.data(), secret.size());
    ::unlink(temp.c_str());
    throw;
  }
  ::unlink(temp.c_str());

  // Make the new directory entry durable; a failure here leaves a usable secret behind.
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
}

}  // namespace

void ensure_jwt_secret(Config& cfg) {
  if (!cfg.jwt_secret.empty()) return;
  const fs::path& dir = cfg.data_dir;
  make_directories(dir);
  const fs::path file = dir / "jwt_secret";
  if (auto secret = read_secret(file)) {
    cfg.jwt_secret = std::move(*secret);
    return;
  }
  publish_new_secret(dir, file);
  // Re-read: if another process got there first, its secret is the one on disk.
  auto secret = read_secret(file);
  if (!secret) fail("read", file, ENOENT);
  cfg.jwt_secret = std::move(*secret);
}

}  // namespace volkrin
