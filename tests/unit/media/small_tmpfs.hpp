// A small tmpfs mounted over a test directory, to run out of space for real.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace volkrin::test {

// A 1 MiB tmpfs on `dir` (created if missing) for one scope. mounted() is false where this
// process may not mount (not root, or a container without the capability); why_not() says
// why, for the skip message.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=1m,mode=0700") == 0;
    if (!mounted_) error_ = errno;
  }
  ~SmallTmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  std::string why_not() const { return std::system_category().message(error_); }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  int error_ = 0;
};

}  // namespace volkrin::test
