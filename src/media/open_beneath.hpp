// Opening a relative path strictly below a directory, never through a symbolic link.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace volkrin {

enum class BeneathResolution {
  // openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it (Linux 5.6+),
  // otherwise the per-component walk below.
  automatic,
  // Always the walk: one openat(O_NOFOLLOW) per component, after a lexical check. Used on
  // kernels or sandboxes without openat2, and by tests to cover that path.
  component_walk,
};

// Opens `relative` below the directory `dir_fd`. `relative` must be non-empty segments
// joined by single '/', none of them "." or ".."; callers validate keys before this.
// O_CLOEXEC is always added. No symbolic link is followed, wherever it is in the path.
//
// Returns the new descriptor, or -1 with errno set:
//   ELOOP   a component is a symbolic link;
//   EXDEV   the path is absolute or has a ".." segment (it would leave dir_fd);
//   EINVAL  an empty or "." segment;
//   others  as openat(2): ENOENT, ENOTDIR, EACCES, EEXIST with O_EXCL, ...
int open_beneath(int dir_fd, std::string_view relative, int flags, mode_t mode = 0,
                 BeneathResolution how = BeneathResolution::automatic);

// Whether this kernel (and any seccomp filter around us) lets openat2 through.
bool openat2_available();

}  // namespace volkrin
