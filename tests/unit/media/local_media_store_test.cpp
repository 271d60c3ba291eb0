// LocalMediaStore: the MediaStore conformance suite plus staging, containment and modes.
#include "media/local_media_store.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "media/media_store_conformance.hpp"
#include "media/small_tmpfs.hpp"
#include "support/backend_failure.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using test::media_key;
using test::put_object;
using ::testing::HasSubstr;

constexpr const char* kSecret = "media-test-secret";

template <BeneathResolution How>
struct LocalBackend {
  static constexpr bool kOpensLocalFiles = true;
  static constexpr const char* kName =
      How == BeneathResolution::automatic ? "Automatic" : "ComponentWalk";

  std::unique_ptr<MediaStore> open() {
    dir_.emplace();
    return std::make_unique<LocalMediaStore>(dir_->path() / "media", kSecret, How);
  }
  void close() { dir_.reset(); }

 private:
  std::optional<test::TempDir> dir_;
};

using LocalBackends = ::testing::Types<LocalBackend<BeneathResolution::automatic>,
                                       LocalBackend<BeneathResolution::component_walk>>;

struct BackendName {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

}  // namespace
}  // namespace volkrin

INSTANTIATE_TYPED_TEST_SUITE_P(Local, MediaStoreConformance, volkrin::LocalBackends,
                               volkrin::BackendName);

namespace volkrin {
namespace {

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string hex(std::uint64_t value) {
  char buffer[16];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value, 16).ptr);
}

class LocalMediaStoreTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_.path() / "media"; }
  fs::path incoming() const { return root() / ".incoming"; }
  fs::path outside() const { return dir_.path() / "outside"; }
  LocalMediaStore& store() {
    if (!store_) store_ = std::make_unique<LocalMediaStore>(root(), kSecret, resolution());
    return *store_;
  }
  virtual BeneathResolution resolution() const { return BeneathResolution::automatic; }

  test::TempDir dir_;
  std::unique_ptr<LocalMediaStore> store_;
};

TEST_F(LocalMediaStoreTest, constructor_creates_a_private_root_and_its_staging_directory) {
  const auto nested = dir_.path() / "data" / "deeper" / "media";
  const LocalMediaStore created(nested, kSecret);
  EXPECT_EQ(created.root(), nested);
  EXPECT_EQ(mode_of(nested), 0700u);
  EXPECT_EQ(mode_of(nested / ".incoming"), 0700u);
}

TEST_F(LocalMediaStoreTest, constructor_keeps_the_mode_of_an_existing_root) {
  fs::create_directory(root());
  ::chmod(root().c_str(), 0750);
  store();
  EXPECT_EQ(mode_of(root()), 0750u);
}

TEST_F(LocalMediaStoreTest, constructor_refuses_a_root_that_is_a_file) {
  write_file(root(), "not a directory");
  EXPECT_THROW(LocalMediaStore(root(), kSecret), std::runtime_error);
  EXPECT_THROW(LocalMediaStore("", kSecret), std::invalid_argument);
}

TEST_F(LocalMediaStoreTest, staged_file_lives_in_incoming_until_commit) {
  const auto key = media_key(1);
  auto upload = store().begin_upload(key);
  const auto staged = upload->staged_path();
  ASSERT_TRUE(staged.has_value());
  EXPECT_EQ(staged->parent_path(), incoming());
  EXPECT_THAT(staged->filename().string(), ::testing::MatchesRegex("[0-9a-f]{32}\\.part"));
  EXPECT_EQ(mode_of(*staged), 0600u);
  upload->write("abc");
  EXPECT_EQ(read_file(*staged), "abc") << "staged bytes are readable for probing";
  upload->commit();
  EXPECT_EQ(upload->staged_path(), std::nullopt);
  EXPECT_FALSE(fs::exists(*staged));
  EXPECT_TRUE(names_in(incoming()).empty());
  EXPECT_EQ(read_file(root() / key), "abc");
}

TEST_F(LocalMediaStoreTest, staged_file_is_gone_after_abort_and_after_destruction) {
  auto aborted = store().begin_upload(media_key(1));
  auto dropped = store().begin_upload(media_key(2));
  const auto aborted_path = *aborted->staged_path();
  const auto dropped_path = *dropped->staged_path();
  EXPECT_NE(aborted_path, dropped_path);
  aborted->write("x");
  aborted->abort();
  EXPECT_EQ(aborted->staged_path(), std::nullopt);
  EXPECT_FALSE(fs::exists(aborted_path));
  dropped.reset();
  EXPECT_FALSE(fs::exists(dropped_path));
  EXPECT_TRUE(names_in(incoming()).empty());
}

TEST_F(LocalMediaStoreTest, sweep_removes_leftover_staging_files_only) {
  store();
  write_file(incoming() / "0123456789abcdef0123456789abcdef.part", "crashed upload");
  write_file(incoming() / "fedcba9876543210fedcba9876543210.part", "");
  write_file(incoming() / "stray", "x");
  fs::create_directory(incoming() / "subdir");
  put_object(store(), media_key(1), "committed");
  EXPECT_EQ(store().sweep_incomplete(), 3u);
  EXPECT_EQ(names_in(incoming()), std::set<std::string>{"subdir"});
  EXPECT_EQ(read_file(root() / media_key(1)), "committed");
  EXPECT_EQ(store().sweep_incomplete(), 0u);
}

TEST_F(LocalMediaStoreTest, sweep_counts_zero_when_the_staging_directory_is_missing) {
  store();
  fs::remove(incoming());
  EXPECT_EQ(store().sweep_incomplete(), 0u);
  put_object(store(), media_key(1), "recreated on demand");
  EXPECT_TRUE(fs::is_directory(incoming()));
}

TEST_F(LocalMediaStoreTest, commit_onto_an_existing_key_fails_without_clobbering) {
  const auto key = media_key(1);
  put_object(store(), key, "original");
  const auto before = store().stat(key);
  auto second = store().begin_upload(key);
  second->write("replacement");
  EXPECT_THAT([&] { second->commit(); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("already exists")));
  EXPECT_EQ(read_file(root() / key), "original");
  EXPECT_EQ(store().stat(key)->etag, before->etag);
  second.reset();
  EXPECT_TRUE(names_in(incoming()).empty()) << "the failed upload's bytes are dropped";
}

TEST_F(LocalMediaStoreTest, of_two_uploads_to_one_key_the_first_commit_wins) {
  const auto key = media_key(1);
  auto first = store().begin_upload(key);
  auto second = store().begin_upload(key);
  first->write("first");
  second->write("second");
  second->commit();
  EXPECT_THROW(first->commit(), std::runtime_error);
  EXPECT_EQ(read_file(root() / key), "second");
}

TEST_F(LocalMediaStoreTest, remove_prunes_parent_directories_left_empty) {
  put_object(store(), "audio/x/one.mp3", "1");
  put_object(store(), "audio/y/two.mp3", "2");
  ASSERT_TRUE(store().remove("audio/x/one.mp3"));
  EXPECT_FALSE(fs::exists(root() / "audio" / "x"));
  EXPECT_TRUE(fs::exists(root() / "audio" / "y" / "two.mp3"));
  ASSERT_TRUE(store().remove("audio/y/two.mp3"));
  EXPECT_FALSE(fs::exists(root() / "audio"));
  EXPECT_TRUE(fs::is_directory(root())) << "the root itself is never pruned";
  EXPECT_TRUE(fs::is_directory(incoming()));
}

TEST_F(LocalMediaStoreTest, object_directly_under_the_root_can_be_stored_and_removed) {
  put_object(store(), "loose.bin", "top level");
  EXPECT_EQ(read_file(root() / "loose.bin"), "top level");
  EXPECT_TRUE(store().remove("loose.bin"));
  EXPECT_TRUE(fs::is_directory(root()));
}

TEST_F(LocalMediaStoreTest, committed_files_are_0600_and_directories_0700) {
  const auto key = media_key(1);
  put_object(store(), key, "private");
  EXPECT_EQ(mode_of(root() / key), 0600u);
  EXPECT_EQ(mode_of(root() / "audio"), 0700u);
}

TEST_F(LocalMediaStoreTest, etag_is_hex_size_and_hex_modification_nanoseconds) {
  const auto key = media_key(1);
  put_object(store(), key, std::string(1000, 'z'));
  struct stat st {};
  ASSERT_EQ(::stat((root() / key).c_str(), &st), 0);
  const auto ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                  static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
  const auto info = store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->etag, "\"3e8-" + hex(ns) + "\"");
  EXPECT_EQ(info->modified_ms,
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000);
}

TEST_F(LocalMediaStoreTest,
       opened_descriptor_is_read_only_blocking_close_on_exec_and_closed_after_use) {
  const auto key = media_key(1);
  put_object(store(), key, "bytes");
  int fd = -1;
  {
    const auto opened = store().open(key);
    ASSERT_NE(opened, nullptr);
    fd = opened->fd();
    const int flags = ::fcntl(fd, F_GETFL);
    EXPECT_EQ(flags & O_ACCMODE, O_RDONLY);
    EXPECT_EQ(flags & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  errno = 0;
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(LocalMediaStoreTest, non_regular_files_at_a_key_read_as_absent) {
  store();
  fs::create_directories(root() / "audio" / "a-directory");
  ASSERT_EQ(::mkfifo((root() / "audio" / "a-fifo").c_str(), 0600), 0);
  for (const char* key : {"audio/a-directory", "audio/a-fifo", "audio"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(store().stat(key), std::nullopt);  // must not hang on the FIFO
    EXPECT_EQ(store().open(key), nullptr);
  }
  EXPECT_FALSE(store().remove("audio/a-directory"));
  EXPECT_TRUE(fs::is_directory(root() / "audio" / "a-directory"));
}

TEST_F(LocalMediaStoreTest, keys_in_the_stores_own_name_space_are_refused) {
  const auto part = ".incoming/0123456789abcdef0123456789abcdef.part";
  for (const std::string key : {part, ".hidden/x.mp3", ".x"}) {
    SCOPED_TRACE(key);
    EXPECT_THROW(store().begin_upload(key), std::invalid_argument);
    EXPECT_THROW(store().stat(key), std::invalid_argument);
    EXPECT_THROW(store().open(key), std::invalid_argument);
    EXPECT_THROW(store().remove(key), std::invalid_argument);
    EXPECT_THROW(store().presign_get(key, 1), std::invalid_argument);
  }
  EXPECT_NO_THROW(store().stat("audio/.x")) << "only the first segment is reserved";
}

TEST_F(LocalMediaStoreTest, segment_longer_than_a_file_name_is_refused) {
  const auto key = "audio/" + std::string(256, 'a');
  EXPECT_THROW(store().begin_upload(key), std::invalid_argument);
  EXPECT_THROW(store().stat(key), std::invalid_argument);
  EXPECT_NO_THROW(store().stat("audio/" + std::string(255, 'a')));
}

TEST_F(LocalMediaStoreTest, presigned_path_is_the_signed_local_media_path) {
  EXPECT_THAT(
      store().presign_get("audio/a-b.mp3", 1'700'000'000),
      ::testing::MatchesRegex("/media/audio/a-b\\.mp3\\?expires=1700000000&sig=[0-9a-f]{64}"));
}

TEST_F(LocalMediaStoreTest, write_and_commit_after_the_upload_ended_are_errors) {
  auto committed = store().begin_upload(media_key(1));
  committed->commit();
  EXPECT_THROW(committed->write("late"), std::logic_error);
  EXPECT_THROW(committed->commit(), std::logic_error);
  auto aborted = store().begin_upload(media_key(2));
  aborted->abort();
  EXPECT_THROW(aborted->write("late"), std::logic_error);
  EXPECT_THROW(aborted->commit(), std::logic_error);
  EXPECT_EQ(store().stat(media_key(2)), std::nullopt);
}

// Lowers RLIMIT_FSIZE (with SIGXFSZ ignored, so the write fails with EFBIG) for one scope.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lowered);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  sighandler_t previous_handler_ = SIG_DFL;
};

TEST_F(LocalMediaStoreTest, write_failure_names_the_storage_problem_and_leaves_nothing) {
  const auto key = media_key(1);
  auto upload = store().begin_upload(key);
  const auto staged = *upload->staged_path();
  {
    const FileSizeLimit limit(rlim_t{64} * 1024);
    EXPECT_THAT([&] { upload->write(std::string(std::size_t{100} * 1024, 'x')); },
                ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("too large")));
  }
  upload.reset();
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(store().stat(key), std::nullopt);
}

TEST_F(LocalMediaStoreTest, full_disk_throws_storage_full_and_leaves_nothing) {
  const test::SmallTmpfs disk(root());
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (needs root): " << disk.why_not();
  const auto key = media_key(1);
  auto upload = store().begin_upload(key);
  const auto staged = *upload->staged_path();
  EXPECT_THROW(upload->write(std::string(std::size_t{2} << 20, 'x')), StorageFull);
  upload.reset();
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(store().stat(key), std::nullopt);
  EXPECT_TRUE(names_in(incoming()).empty());
  // The room is back: an object that fits is stored.
  put_object(store(), media_key(2), std::string(std::size_t{64} << 10, 'y'));
  EXPECT_TRUE(store().stat(media_key(2)).has_value());
}

TEST_F(LocalMediaStoreTest, upload_may_outlive_the_store) {
  const auto key = media_key(1);
  auto upload = store().begin_upload(key);
  store_.reset();
  upload->write("late commit");
  upload->commit();
  EXPECT_EQ(store().stat(key)->size, 11u);
}

TEST_F(LocalMediaStoreTest, ping_fails_when_the_root_is_gone_or_replaced) {
  EXPECT_NO_THROW(store().ping());
  fs::remove_all(root());
  EXPECT_THROW(store().ping(), std::runtime_error);
  fs::create_directory(root());
  EXPECT_THAT([&] { store().ping(); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("replaced")));
  fs::remove(root());
  write_file(root(), "a file now");
  EXPECT_THAT([&] { store().ping(); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("not a directory")));
}

TEST_F(LocalMediaStoreTest, ping_fails_when_the_root_is_not_writable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  store();
  ::chmod(root().c_str(), 0500);
  EXPECT_THAT([&] { store().ping(); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("not writable")));
  ::chmod(root().c_str(), 0700);
}

TEST_F(LocalMediaStoreTest, thousand_uploads_from_eight_threads_all_land) {
  constexpr unsigned kThreads = 8;
  constexpr unsigned kPerThread = 125;
  std::atomic<unsigned> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  MediaStore& shared = store();
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&shared, t, &failures] {
      for (unsigned i = 0; i < kPerThread; ++i) {
        const unsigned n = t * kPerThread + i;
        try {
          put_object(shared, media_key(n), test::pattern_bytes(1024, n), 300);
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0u);
  for (unsigned n = 0; n < kThreads * kPerThread; ++n) {
    const auto opened = store().open(media_key(n));
    ASSERT_NE(opened, nullptr) << n;
    ASSERT_EQ(test::pread_all(opened->fd()), test::pattern_bytes(1024, n)) << n;
  }
  EXPECT_EQ(names_in(root() / "audio").size(), kThreads * kPerThread);
  EXPECT_TRUE(names_in(incoming()).empty());
}

TEST_F(LocalMediaStoreTest, uploads_survive_concurrent_removals_pruning_their_directory) {
  // Every remove() of the last object in "audio/shared" prunes the directory (and
  // "audio"), racing the other threads' commits into it.
  constexpr unsigned kThreads = 4;
  std::atomic<unsigned> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  MediaStore& shared = store();
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&shared, t, &failures] {
      for (unsigned i = 0; i < 150; ++i) {
        const auto key = "audio/shared/" + std::to_string(t) + "-" + std::to_string(i) + ".mp3";
        try {
          put_object(shared, key, "x");
          if (!shared.remove(key)) ++failures;
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_FALSE(fs::exists(root() / "audio"));
}

// Symbolic links planted inside the root, under both resolutions.
class LocalMediaStoreContainment : public LocalMediaStoreTest,
                                   public ::testing::WithParamInterface<BeneathResolution> {
 protected:
  void SetUp() override {
    store();
    fs::create_directory(outside());
    write_file(outside() / "secret.mp3", "outside bytes");
  }
  BeneathResolution resolution() const override { return GetParam(); }
};

TEST_P(LocalMediaStoreContainment, cannot_write_through_a_symlinked_directory) {
  fs::create_directory_symlink(outside(), root() / "audio");
  EXPECT_THROW(put_object(store(), "audio/planted.mp3", "payload"), std::runtime_error);
  EXPECT_THROW(put_object(store(), "audio/deeper/planted.mp3", "payload"), std::runtime_error);
  EXPECT_EQ(names_in(outside()), std::set<std::string>{"secret.mp3"});
  EXPECT_TRUE(names_in(incoming()).empty());
}

TEST_P(LocalMediaStoreContainment, cannot_commit_into_a_directory_swapped_for_a_symlink_meanwhile) {
  auto upload = store().begin_upload("audio/late.mp3");
  upload->write("payload");
  fs::rename(root() / "audio", root() / "moved-away");
  fs::create_directory_symlink(outside(), root() / "audio");
  EXPECT_THROW(upload->commit(), std::runtime_error);
  upload.reset();
  EXPECT_EQ(names_in(outside()), std::set<std::string>{"secret.mp3"});
  EXPECT_TRUE(names_in(incoming()).empty());
}

// A key reached through a link reads as absent (the API answers 404), and is not followed.
TEST_P(LocalMediaStoreContainment, reads_through_a_symlinked_directory_find_nothing) {
  fs::create_directory_symlink(outside(), root() / "audio");
  EXPECT_EQ(store().stat("audio/secret.mp3"), std::nullopt);
  EXPECT_EQ(store().open("audio/secret.mp3"), nullptr);
  EXPECT_THROW(store().remove("audio/secret.mp3"), std::runtime_error);
  EXPECT_EQ(read_file(outside() / "secret.mp3"), "outside bytes");
}

TEST_P(LocalMediaStoreContainment, symlinked_object_is_neither_read_nor_overwritten) {
  fs::create_directory(root() / "audio");
  fs::create_symlink(outside() / "secret.mp3", root() / "audio" / "link.mp3");
  EXPECT_EQ(store().stat("audio/link.mp3"), std::nullopt);
  EXPECT_EQ(store().open("audio/link.mp3"), nullptr);
  EXPECT_THROW(put_object(store(), "audio/link.mp3", "overwrite"), std::runtime_error);
  EXPECT_EQ(read_file(outside() / "secret.mp3"), "outside bytes");
  // Removing the key drops the link itself, never its target.
  EXPECT_TRUE(store().remove("audio/link.mp3"));
  EXPECT_EQ(read_file(outside() / "secret.mp3"), "outside bytes");
}

TEST_P(LocalMediaStoreContainment, symlink_pointing_inside_the_root_is_refused_too) {
  put_object(store(), "audio/real.mp3", "inside");
  fs::create_directory_symlink(root() / "audio", root() / "thumbnails");
  EXPECT_EQ(store().stat("thumbnails/real.mp3"), std::nullopt);
  EXPECT_EQ(store().open("thumbnails/real.mp3"), nullptr);
  fs::create_symlink("real.mp3", root() / "audio" / "alias.mp3");
  EXPECT_EQ(store().stat("audio/alias.mp3"), std::nullopt);
  EXPECT_EQ(store().open("audio/alias.mp3"), nullptr);
  EXPECT_EQ(read_file(root() / "audio" / "real.mp3"), "inside");
}

TEST_P(LocalMediaStoreContainment, dangling_symlink_reads_as_absent) {
  fs::create_directory(root() / "audio");
  fs::create_symlink(outside() / "nothing-here.mp3", root() / "audio" / "dangling.mp3");
  EXPECT_EQ(store().stat("audio/dangling.mp3"), std::nullopt);
  EXPECT_EQ(store().open("audio/dangling.mp3"), nullptr);
  EXPECT_FALSE(fs::exists(outside() / "nothing-here.mp3"));
}

TEST_P(LocalMediaStoreContainment, symlinked_staging_directory_is_never_written_or_swept) {
  fs::remove(incoming());
  fs::create_directory_symlink(outside(), incoming());
  EXPECT_THROW(store().begin_upload("audio/x.mp3"), std::runtime_error);
  EXPECT_THROW(store().sweep_incomplete(), std::runtime_error);
  EXPECT_EQ(names_in(outside()), std::set<std::string>{"secret.mp3"});
}

std::string resolution_name(const ::testing::TestParamInfo<BeneathResolution>& param) {
  return param.param == BeneathResolution::automatic ? "Automatic" : "ComponentWalk";
}

INSTANTIATE_TEST_SUITE_P(Resolutions, LocalMediaStoreContainment,
                         ::testing::Values(BeneathResolution::automatic,
                                           BeneathResolution::component_walk),
                         resolution_name);

}  // namespace
}  // namespace volkrin
