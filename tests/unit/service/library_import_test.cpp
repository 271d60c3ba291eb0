// LibraryImport over real local media and SQLite, on files made by ffmpeg: each outcome of
// one file, folder covers, a stop, and the walk's rules (hidden entries, no folder links).
#include "service/library_import.hpp"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "media/local_media_store.hpp"
#include "media/media_samples.hpp"
#include "store/sqlite/sqlite_metadata_store.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class LibraryImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_media::ffmpeg_available()) GTEST_SKIP() << "ffmpeg is not installed";
    for (const auto& sample : test_media::audio_samples()) {
      if (sample.name == "mp3") mp3_ = test_media::read_bytes(*test_media::audio_file(sample));
    }
    for (const auto& sample : test_media::image_samples()) {
      if (sample.name == "png") png_ = test_media::read_bytes(*test_media::image_file(sample));
    }
    ASSERT_FALSE(mp3_.empty() || png_.empty()) << "ffmpeg could not make the samples";
    media_.emplace(dir_.path() / "media", "import-test-secret");
    store_.emplace(dir_.path() / "db" / "volkrin.db");
    importer_.emplace(*media_, *store_, UploadLimits{}, Uploader{});
  }

  fs::path tree() const { return dir_.path() / "tree"; }

  // The file's outcome and reason.
  std::pair<ImportOutcome, std::string> outcome_of(const fs::path& file) {
    const ImportedFile result = importer_->import_file(file);
    return {result.outcome, result.reason};
  }

  // Paths reported by run(), relative to the tree.
  std::vector<std::string> run_all(const std::atomic<bool>& stop) {
    std::vector<std::string> seen;
    importer_->run(
        {tree()}, 2,
        [&](const ImportedFile& f) { seen.push_back(fs::relative(f.path, tree()).string()); },
        stop);
    return seen;
  }

  test::TempDir dir_;
  std::optional<LocalMediaStore> media_;
  std::optional<SqliteMetadataStore> store_;
  std::optional<LibraryImport> importer_;
  std::string mp3_, png_;
};

TEST_F(LibraryImportTest, each_file_gets_one_outcome_and_a_reason_when_refused) {
  write_file(tree() / "song.mp3", mp3_);
  write_file(tree() / "copy.bin", mp3_);  // audio by content, whatever its name
  write_file(tree() / "text.mp3", std::string(5000, 't'));
  write_file(tree() / "empty.flac", "");
  write_file(tree() / "notes.txt", "notes");
  write_file(tree() / ".mp3", mp3_ + "x");  // no name to make a title of, and no tags

  EXPECT_EQ(outcome_of(tree() / "song.mp3").first, ImportOutcome::imported);
  EXPECT_EQ(outcome_of(tree() / "copy.bin").first, ImportOutcome::already_present);
  EXPECT_EQ(outcome_of(tree() / "text.mp3"),
            std::make_pair(ImportOutcome::refused, std::string("not audio")));
  EXPECT_EQ(outcome_of(tree() / "empty.flac"),
            std::make_pair(ImportOutcome::refused, std::string("not audio")));
  EXPECT_EQ(outcome_of(tree() / "notes.txt").first, ImportOutcome::ignored);
  EXPECT_EQ(outcome_of(tree() / ".mp3"),
            std::make_pair(ImportOutcome::refused, std::string("no title")));
  EXPECT_EQ(outcome_of(tree() / "missing.mp3").second, "unreadable (No such file or directory)");
  ASSERT_EQ(::mkfifo((tree() / "pipe.mp3").c_str(), 0600), 0);
  EXPECT_EQ(outcome_of(tree() / "pipe.mp3"),
            std::make_pair(ImportOutcome::refused, std::string("not a regular file")));
  EXPECT_EQ(store_->list_tracks({}).size(), 1u);
}

TEST_F(LibraryImportTest, audio_over_the_limit_is_refused_before_anything_is_written) {
  write_file(tree() / "song.mp3", mp3_);
  LibraryImport small(*media_, *store_, UploadLimits{mp3_.size() - 1, 5u << 20}, Uploader{});
  const ImportedFile result = small.import_file(tree() / "song.mp3");
  EXPECT_EQ(result.outcome, ImportOutcome::refused);
  EXPECT_EQ(result.reason, "over MAX_AUDIO_SIZE");
  EXPECT_TRUE(store_->list_tracks({}).empty());
}

TEST_F(LibraryImportTest, a_folder_cover_becomes_the_thumbnail_and_the_track_keeps_the_file_name) {
  write_file(tree() / "Album" / "01_First_Light.mp3", mp3_);
  write_file(tree() / "Album" / "Front.png", png_);
  write_file(tree() / "Album" / "FOLDER.PNG", png_ + "but not this one");
  const ImportedFile result = importer_->import_file(tree() / "Album" / "01_First_Light.mp3");
  ASSERT_EQ(result.outcome, ImportOutcome::imported);
  EXPECT_EQ(result.track->title, "01 First Light");
  EXPECT_EQ(test_media::read_bytes(dir_.path() / "media" / result.track->thumbnail_key),
            png_ + "but not this one");
  EXPECT_EQ(FolderCovers::pick(tree() / "Album"), tree() / "Album" / "FOLDER.PNG");
}

TEST_F(LibraryImportTest, walk_skips_hidden_entries_and_does_not_follow_folder_links) {
  write_file(tree() / "a" / "one.mp3", mp3_);
  write_file(tree() / ".hidden" / "two.mp3", mp3_ + "2");
  write_file(tree() / "a" / ".three.mp3", mp3_ + "3");
  fs::create_directory_symlink(tree(), tree() / "a" / "loop");
  const std::atomic<bool> stop{false};
  EXPECT_EQ(LibraryImport::plan({tree()}, stop).files, 1u);
  EXPECT_THAT(run_all(stop), ElementsAre("a/one.mp3"));
  EXPECT_EQ(importer_->counts().imported, 1u);
}

TEST_F(LibraryImportTest, a_stop_before_the_start_looks_at_nothing) {
  write_file(tree() / "one.mp3", mp3_);
  const std::atomic<bool> stop{true};
  EXPECT_THAT(run_all(stop), IsEmpty());
  EXPECT_TRUE(store_->list_tracks({}).empty());
}

TEST_F(LibraryImportTest, duplicates_in_one_run_are_imported_once) {
  for (int i = 0; i < 8; ++i) write_file(tree() / ("copy" + std::to_string(i) + ".mp3"), mp3_);
  const std::atomic<bool> stop{false};
  EXPECT_EQ(run_all(stop).size(), 8u);
  EXPECT_EQ(importer_->counts().imported, 1u);
  EXPECT_EQ(importer_->counts().already_present, 7u);
  EXPECT_EQ(store_->list_tracks({}).size(), 1u);
  std::size_t audio_objects = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "media" / "audio")) {
    (void)entry;
    ++audio_objects;
  }
  EXPECT_EQ(audio_objects, 1u);
}

}  // namespace
}  // namespace volkrin
