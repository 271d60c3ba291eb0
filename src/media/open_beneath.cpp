// Opening a relative path strictly below a directory, never through a symbolic link.
#include "media/open_beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "support/unique_fd.hpp"

namespace volkrin {
namespace {

int fail_with(int error) {
  errno = error;
  return -1;
}

// The lexical rules both resolutions share; 0 when `relative` is acceptable.
int lexical_error(std::string_view relative) {
  if (relative.empty()) return EINVAL;
  if (relative.front() == '/') return EXDEV;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = relative.find('/', start);
    const std::string_view segment = relative.substr(
        start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment == "..") return EXDEV;
    if (segment.empty() || segment == ".") return EINVAL;
    if (segment.find('\0') != std::string_view::npos) return EINVAL;
    if (end == std::string_view::npos) return 0;
    start = end + 1;
  }
}

// -1 with errno ENOSYS (or EPERM from a seccomp filter) when the kernel refuses openat2.
int call_openat2(int dir_fd, const std::string& path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
    // EAGAIN: a concurrent rename raced the lookup; the kernel asks for a retry.
    if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 8) continue;
    return static_cast<int>(fd);
  }
}

bool is_symlink_at(int dir_fd, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// After a failed O_NOFOLLOW open of `name`: ELOOP when it was a symbolic link, so both
// resolutions report links the same way (O_DIRECTORY on a link says ENOTDIR).
int classify_failure(int dir_fd, const std::string& name) {
  const int error = errno;
  if ((error == ENOTDIR || error == ELOOP) && is_symlink_at(dir_fd, name)) return ELOOP;
  return error;
}

int walk_components(int dir_fd, std::string_view relative, int flags, mode_t mode) {
  UniqueFd held;  // the directory reached so far, when it is not dir_fd itself
  int current = dir_fd;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = relative.find('/', start);
    const bool last = end == std::string_view::npos;
    const std::string name(relative.substr(start, last ? std::string_view::npos : end - start));
    if (!last) {
      const int next =
          ::openat(current, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0) return fail_with(classify_failure(current, name));
      held.reset(next);
      current = next;
      start = end + 1;
      continue;
    }
    const int fd = ::openat(current, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) return fail_with(classify_failure(current, name));
    if ((flags & O_PATH) != 0) {
      // O_PATH | O_NOFOLLOW opens a link itself instead of failing.
      UniqueFd opened(fd);
      struct stat st {};
      if (::fstat(fd, &st) != 0) return -1;
      if (S_ISLNK(st.st_mode)) return fail_with(ELOOP);
      return opened.release();
    }
    return fd;
  }
}

}  // namespace

int open_beneath(int dir_fd, std::string_view relative, int flags, mode_t mode,
                 BeneathResolution how) {
  if (const int error = lexical_error(relative); error != 0) return fail_with(error);
  if (how == BeneathResolution::automatic) {
    const int fd = call_openat2(dir_fd, std::string(relative), flags, mode);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return fd;
    // ENOSYS: kernel before 5.6. EPERM: a seccomp filter that predates openat2, or a real
    // permission error, which the walk reports again.
  }
  return walk_components(dir_fd, relative, flags, mode);
}

bool openat2_available() {
  const int fd = call_openat2(AT_FDCWD, ".", O_PATH | O_DIRECTORY, 0);
  if (fd < 0) return errno != ENOSYS && errno != EPERM;
  ::close(fd);
  return true;
}

}  // namespace volkrin
