// TempDir: a new directory of its own, named by its prefix, gone with its contents afterwards.
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace volkrin {
namespace {

namespace fs = std::filesystem;

TEST(TempDir, is_a_fresh_directory_removed_with_everything_in_it) {
  fs::path kept;
  {
    const TempDir dir("volkrin-temp-dir-test");
    kept = dir.path();
    ASSERT_TRUE(fs::is_directory(kept));
    EXPECT_EQ(kept.parent_path(), fs::temp_directory_path());
    EXPECT_TRUE(kept.filename().string().starts_with("volkrin-temp-dir-test-"));
    EXPECT_TRUE(fs::is_empty(kept));
    fs::create_directories(kept / "a" / "b");
    std::ofstream(kept / "a" / "b" / "file") << "bytes";
    const TempDir other("volkrin-temp-dir-test");
    EXPECT_NE(other.path(), kept);
  }
  EXPECT_FALSE(fs::exists(kept));
}

}  // namespace
}  // namespace volkrin
