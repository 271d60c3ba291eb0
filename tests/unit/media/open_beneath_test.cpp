// open_beneath: containment below a directory and refusal of symbolic links, both resolutions.
#include "media/open_beneath.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/unique_fd.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;

class OpenBeneathTest : public ::testing::TestWithParam<BeneathResolution> {
 protected:
  void SetUp() override {
    base_ = dir_.path() / "base";
    fs::create_directories(base_ / "a" / "b");
    fs::create_directories(dir_.path() / "outside");
    std::ofstream(base_ / "a" / "b" / "file.txt") << "inside";
    std::ofstream(dir_.path() / "outside" / "secret.txt") << "outside";
    base_fd_.reset(::open(base_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(base_fd_.valid());
  }

  // errno of a failed open, or 0 when it succeeded.
  int open_error(std::string_view relative, int flags = O_RDONLY, mode_t mode = 0) {
    UniqueFd fd(open_beneath(base_fd_.get(), relative, flags, mode, GetParam()));
    return fd.valid() ? 0 : errno;
  }

  test::TempDir dir_;
  fs::path base_;
  UniqueFd base_fd_;
};

TEST_P(OpenBeneathTest, opens_a_nested_file) {
  UniqueFd fd(open_beneath(base_fd_.get(), "a/b/file.txt", O_RDONLY, 0, GetParam()));
  ASSERT_TRUE(fd.valid()) << std::strerror(errno);
  char buffer[16] = {};
  EXPECT_EQ(::read(fd.get(), buffer, sizeof buffer), 6);
  EXPECT_STREQ(buffer, "inside");
  EXPECT_NE(::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC, 0) << "descriptors are close-on-exec";
}

TEST_P(OpenBeneathTest, opens_a_directory) {
  EXPECT_EQ(open_error("a/b", O_RDONLY | O_DIRECTORY), 0);
  EXPECT_EQ(open_error("a", O_PATH | O_DIRECTORY), 0);
}

TEST_P(OpenBeneathTest, creates_a_file_with_the_given_mode) {
  UniqueFd fd(
      open_beneath(base_fd_.get(), "a/new.bin", O_WRONLY | O_CREAT | O_EXCL, 0600, GetParam()));
  ASSERT_TRUE(fd.valid()) << std::strerror(errno);
  struct stat st {};
  ASSERT_EQ(::fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(open_error("a/new.bin", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST);
}

TEST_P(OpenBeneathTest, missing_paths_report_enoent_and_files_used_as_directories_enotdir) {
  EXPECT_EQ(open_error("a/missing.txt"), ENOENT);
  EXPECT_EQ(open_error("missing/file.txt"), ENOENT);
  EXPECT_EQ(open_error("a/b/file.txt/more"), ENOTDIR);
}

TEST_P(OpenBeneathTest, paths_leaving_the_directory_are_refused) {
  EXPECT_EQ(open_error("../outside/secret.txt"), EXDEV);
  EXPECT_EQ(open_error("a/../../outside/secret.txt"), EXDEV);
  EXPECT_EQ(open_error("a/.."), EXDEV);
  EXPECT_EQ(open_error((dir_.path() / "outside" / "secret.txt").string()), EXDEV);
}

TEST_P(OpenBeneathTest, malformed_paths_are_refused) {
  EXPECT_EQ(open_error(""), EINVAL);
  EXPECT_EQ(open_error("a//b/file.txt"), EINVAL);
  EXPECT_EQ(open_error("./a/b/file.txt"), EINVAL);
  EXPECT_EQ(open_error("a/b/"), EINVAL);
}

TEST_P(OpenBeneathTest, symlinked_directory_leading_outside_is_refused) {
  fs::create_directory_symlink(dir_.path() / "outside", base_ / "a" / "link");
  EXPECT_EQ(open_error("a/link/secret.txt"), ELOOP);
  EXPECT_EQ(open_error("a/link/new.txt", O_WRONLY | O_CREAT, 0600), ELOOP);
  EXPECT_FALSE(fs::exists(dir_.path() / "outside" / "new.txt"));
  EXPECT_EQ(open_error("a/link", O_RDONLY | O_DIRECTORY), ELOOP);
}

TEST_P(OpenBeneathTest, symlinked_file_is_refused_whatever_it_points_at) {
  fs::create_symlink(dir_.path() / "outside" / "secret.txt", base_ / "a" / "out.txt");
  fs::create_symlink("b/file.txt", base_ / "a" / "in.txt");
  EXPECT_EQ(open_error("a/out.txt"), ELOOP);
  EXPECT_EQ(open_error("a/in.txt"), ELOOP);
  EXPECT_EQ(open_error("a/in.txt", O_PATH), ELOOP);
  EXPECT_EQ(open_error("a/out.txt", O_WRONLY | O_TRUNC), ELOOP);
  std::ifstream secret(dir_.path() / "outside" / "secret.txt");
  std::string content;
  secret >> content;
  EXPECT_EQ(content, "outside") << "the target must be untouched";
}

TEST_P(OpenBeneathTest, symlink_to_a_directory_inside_is_refused_too) {
  fs::create_directory_symlink("a/b", base_ / "shortcut");
  EXPECT_EQ(open_error("shortcut/file.txt"), ELOOP);
}

std::string resolution_name(const ::testing::TestParamInfo<BeneathResolution>& param) {
  return param.param == BeneathResolution::automatic ? "Automatic" : "ComponentWalk";
}

INSTANTIATE_TEST_SUITE_P(Resolutions, OpenBeneathTest,
                         ::testing::Values(BeneathResolution::automatic,
                                           BeneathResolution::component_walk),
                         resolution_name);

TEST(OpenBeneath, reports_whether_the_kernel_has_openat_2) {
  // Both answers are valid (the automatic resolution covers either), but the answer must be
  // the kernel's: asked directly here, openat2 either opens "." or is missing or filtered.
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how)));
  const int error = fd.valid() ? 0 : errno;
  ASSERT_TRUE(error == 0 || error == ENOSYS || error == EPERM) << std::strerror(error);
  EXPECT_EQ(openat2_available(), error == 0);
  RecordProperty("openat2", openat2_available() ? "yes" : "no");
}

}  // namespace
}  // namespace volkrin
