// Behaviour every MediaStore adapter must share, as a type-parameterized test suite.
//
// An adapter's test file defines a backend type and instantiates the suite with it:
//
//   struct MyBackend {
//     // Whether open() hands out local descriptors (false: it always returns nullptr and
//     // clients are sent to presign_get(); the read-back tests are skipped).
//     static constexpr bool kOpensLocalFiles = true;
//     std::unique_ptr<volkrin::MediaStore> open();  // a fresh, empty store; nullptr skips
//     void close();  // called after the store is destroyed: drop what open() created
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, MediaStoreConformance, ::testing::Types<MyBackend>);
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "backend_fixture.hpp"
#include "ports/media_store.hpp"

namespace volkrin::test {

template <typename B>
concept MediaStoreBackend = std::default_initializable<B> && requires(B backend) {
  { backend.open() } -> std::same_as<std::unique_ptr<MediaStore>>;
  backend.close();
  { B::kOpensLocalFiles } -> std::convertible_to<bool>;
};

// "audio/<uuid-like>-<name>", a key the server could have made; n keeps keys apart.
inline std::string media_key(unsigned n, std::string_view name = "song.mp3",
                             std::string_view prefix = "audio") {
  char uuid[40];
  std::snprintf(uuid, sizeof uuid, "3f2b8c1e-9d4a-4e6b-8f1a-%012x", n);
  return std::string(prefix) + "/" + uuid + "-" + std::string(name);
}

// Bytes that differ from position to position, so a misplaced chunk shows.
inline std::string pattern_bytes(std::size_t size, unsigned seed = 0) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>((i * 131 + seed * 7 + i / 251) & 0xff);
  }
  return out;
}

// Writes `bytes` in chunks of at most `chunk` and commits.
inline void put_object(MediaStore& store, std::string_view key, std::string_view bytes,
                       std::size_t chunk = 64 * 1024) {
  auto upload = store.begin_upload(key);
  for (std::size_t at = 0; at < bytes.size(); at += chunk) upload->write(bytes.substr(at, chunk));
  upload->commit();
}

// Everything the descriptor holds, read with pread from offset 0.
inline std::string pread_all(int fd) {
  std::string out;
  char buffer[16 * 1024];
  off_t offset = 0;
  while (true) {
    const ssize_t got = ::pread(fd, buffer, sizeof buffer, offset);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "pread");
    }
    if (got == 0) return out;
    out.append(buffer, static_cast<std::size_t>(got));
    offset += got;
  }
}

// Keys no adapter may accept: traversal, absolute, empty segments, empty.
inline const std::vector<std::string>& unsafe_media_keys() {
  static const std::vector<std::string> keys = {
      "../x", "/etc/passwd", "audio/../../x", "a//b", "", "audio/./x", "audio\\x", "audio/x/",
  };
  return keys;
}

}  // namespace volkrin::test

namespace volkrin {

inline void PrintTo(const StoredObject& object, std::ostream* out) {
  *out << "{size=" << object.size << " modified_ms=" << object.modified_ms
       << " etag=" << object.etag << "}";
}

}  // namespace volkrin

template <volkrin::test::MediaStoreBackend Backend>
class MediaStoreConformance : public volkrin::test::BackendFixture<Backend, volkrin::MediaStore> {
 protected:
  // The object's bytes through open(), or nullopt when open() found nothing.
  std::optional<std::string> read_back(std::string_view key) {
    const auto opened = this->store().open(key);
    if (opened == nullptr) return std::nullopt;
    return volkrin::test::pread_all(opened->fd());
  }
};

TYPED_TEST_SUITE_P(MediaStoreConformance);

TYPED_TEST_P(MediaStoreConformance, committed_object_has_its_size_and_a_quoted_etag) {
  const auto key = volkrin::test::media_key(1);
  volkrin::test::put_object(this->store(), key, "hello, media");
  const auto info = this->store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 12u);
  ASSERT_GE(info->etag.size(), 3u) << info->etag;
  EXPECT_EQ(info->etag.front(), '"') << info->etag;
  EXPECT_EQ(info->etag.back(), '"') << info->etag;
  EXPECT_EQ(info->etag.find('"', 1), info->etag.size() - 1) << info->etag;
  EXPECT_GT(info->modified_ms, 1'500'000'000'000) << "milliseconds since the epoch";
}

TYPED_TEST_P(MediaStoreConformance, opened_object_reads_back_the_same_bytes) {
  // GTEST_SKIP only leaves the function it is in, so it stands in the test body itself.
  if (!TypeParam::kOpensLocalFiles) GTEST_SKIP() << "this backend does not open local files";
  const auto key = volkrin::test::media_key(2);
  const auto bytes = volkrin::test::pattern_bytes(200'000, 2);
  volkrin::test::put_object(this->store(), key, bytes, 7'000);
  const auto opened = this->store().open(key);
  ASSERT_NE(opened, nullptr);
  EXPECT_GE(opened->fd(), 0);
  EXPECT_EQ(volkrin::test::pread_all(opened->fd()), bytes);
  const auto info = this->store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(opened->info().size, info->size);
  EXPECT_EQ(opened->info().etag, info->etag);
  EXPECT_EQ(opened->info().modified_ms, info->modified_ms);
}

TYPED_TEST_P(MediaStoreConformance, upload_counts_the_bytes_written) {
  const auto key = volkrin::test::media_key(3);
  auto upload = this->store().begin_upload(key);
  EXPECT_EQ(upload->size(), 0u);
  upload->write("abc");
  upload->write("");
  upload->write(volkrin::test::pattern_bytes(100'000));
  EXPECT_EQ(upload->size(), 100'003u);
  upload->commit();
  EXPECT_EQ(this->store().stat(key)->size, 100'003u);
}

TYPED_TEST_P(MediaStoreConformance, large_object_written_in_many_chunks_is_intact) {
  const auto key = volkrin::test::media_key(4);
  const auto bytes = volkrin::test::pattern_bytes((3u << 20) + 17, 4);
  volkrin::test::put_object(this->store(), key, bytes, 65'521);
  EXPECT_EQ(this->store().stat(key)->size, bytes.size());
  if (TypeParam::kOpensLocalFiles) {
    EXPECT_EQ(this->read_back(key), bytes);
  }
}

TYPED_TEST_P(MediaStoreConformance, empty_object_can_be_stored) {
  const auto key = volkrin::test::media_key(5, "empty.bin");
  volkrin::test::put_object(this->store(), key, "");
  const auto info = this->store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 0u);
  if (TypeParam::kOpensLocalFiles) {
    EXPECT_EQ(this->read_back(key), "");
  }
}

TYPED_TEST_P(MediaStoreConformance, nothing_is_visible_before_commit) {
  const auto key = volkrin::test::media_key(6);
  auto upload = this->store().begin_upload(key);
  upload->write("partial bytes");
  EXPECT_EQ(this->store().stat(key), std::nullopt);
  EXPECT_EQ(this->store().open(key), nullptr);
  upload->write(" and the rest");
  upload->commit();
  const auto info = this->store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 26u);
}

TYPED_TEST_P(MediaStoreConformance, abort_leaves_nothing) {
  const auto key = volkrin::test::media_key(7);
  auto upload = this->store().begin_upload(key);
  upload->write(volkrin::test::pattern_bytes(10'000));
  upload->abort();
  upload->abort();  // safe to repeat
  EXPECT_EQ(this->store().stat(key), std::nullopt);
  EXPECT_EQ(this->store().open(key), nullptr);
  EXPECT_FALSE(this->store().remove(key));
  upload.reset();
  EXPECT_EQ(this->store().stat(key), std::nullopt);
}

TYPED_TEST_P(MediaStoreConformance, destroying_an_uncommitted_upload_leaves_nothing) {
  const auto key = volkrin::test::media_key(8);
  {
    auto upload = this->store().begin_upload(key);
    upload->write("never committed");
  }
  EXPECT_EQ(this->store().stat(key), std::nullopt);
  EXPECT_EQ(this->store().open(key), nullptr);
}

TYPED_TEST_P(MediaStoreConformance, abort_after_commit_keeps_the_object) {
  const auto key = volkrin::test::media_key(9);
  auto upload = this->store().begin_upload(key);
  upload->write("kept");
  upload->commit();
  upload->abort();
  upload.reset();
  const auto info = this->store().stat(key);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 4u);
}

TYPED_TEST_P(MediaStoreConformance, remove_returns_true_once_then_false) {
  const auto key = volkrin::test::media_key(10);
  volkrin::test::put_object(this->store(), key, "to be removed");
  EXPECT_TRUE(this->store().remove(key));
  EXPECT_EQ(this->store().stat(key), std::nullopt);
  EXPECT_EQ(this->store().open(key), nullptr);
  EXPECT_FALSE(this->store().remove(key));
}

TYPED_TEST_P(MediaStoreConformance, remove_leaves_other_objects) {
  const auto gone = volkrin::test::media_key(11);
  const auto kept = volkrin::test::media_key(12);
  const auto thumb = volkrin::test::media_key(11, "cover.jpg", "thumbnails");
  volkrin::test::put_object(this->store(), gone, "a");
  volkrin::test::put_object(this->store(), kept, "bb");
  volkrin::test::put_object(this->store(), thumb, "ccc");
  EXPECT_TRUE(this->store().remove(gone));
  EXPECT_EQ(this->store().stat(kept)->size, 2u);
  EXPECT_EQ(this->store().stat(thumb)->size, 3u);
}

TYPED_TEST_P(MediaStoreConformance, unknown_key_is_absent_everywhere) {
  const auto key = volkrin::test::media_key(13);
  EXPECT_EQ(this->store().stat(key), std::nullopt);
  EXPECT_EQ(this->store().open(key), nullptr);
  EXPECT_FALSE(this->store().remove(key));
}

TYPED_TEST_P(MediaStoreConformance, removed_key_can_be_uploaded_again_with_a_new_etag) {
  const auto key = volkrin::test::media_key(14);
  volkrin::test::put_object(this->store(), key, "first");
  const auto first = this->store().stat(key);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(this->store().remove(key));
  volkrin::test::put_object(this->store(), key, "second version");
  const auto second = this->store().stat(key);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->size, 14u);
  EXPECT_NE(second->etag, first->etag);
  if (TypeParam::kOpensLocalFiles) {
    EXPECT_EQ(this->read_back(key), "second version");
  }
}

TYPED_TEST_P(MediaStoreConformance, interleaved_uploads_stay_separate) {
  const auto a = volkrin::test::media_key(15, "a.mp3");
  const auto b = volkrin::test::media_key(15, "b.mp3");
  auto first = this->store().begin_upload(a);
  auto second = this->store().begin_upload(b);
  for (int i = 0; i < 10; ++i) {
    first->write("A");
    second->write("BB");
  }
  second->commit();
  first->commit();
  EXPECT_EQ(this->store().stat(a)->size, 10u);
  EXPECT_EQ(this->store().stat(b)->size, 20u);
  if (TypeParam::kOpensLocalFiles) {
    EXPECT_EQ(this->read_back(a), std::string(10, 'A'));
    EXPECT_EQ(this->read_back(b), std::string(20, 'B'));
  }
}

TYPED_TEST_P(MediaStoreConformance, key_with_non_ascii_letters_round_trips) {
  const auto key = volkrin::test::media_key(16, "M\xC3\xBCller_\xE6\x97\xA5\xE6\x9C\xAC.flac");
  volkrin::test::put_object(this->store(), key, "umlaut");
  EXPECT_EQ(this->store().stat(key)->size, 6u);
  EXPECT_TRUE(this->store().remove(key));
}

TYPED_TEST_P(MediaStoreConformance, unsafe_keys_are_refused_by_every_method) {
  for (const auto& key : volkrin::test::unsafe_media_keys()) {
    SCOPED_TRACE("key \"" + key + "\"");
    EXPECT_THROW(this->store().begin_upload(key), std::invalid_argument);
    EXPECT_THROW(this->store().stat(key), std::invalid_argument);
    EXPECT_THROW(this->store().open(key), std::invalid_argument);
    EXPECT_THROW(this->store().remove(key), std::invalid_argument);
    EXPECT_THROW(this->store().presign_get(key, 2'000'000'000), std::invalid_argument);
  }
}

TYPED_TEST_P(MediaStoreConformance, presigned_url_names_the_key_and_depends_on_expiry) {
  const auto key = volkrin::test::media_key(17);
  volkrin::test::put_object(this->store(), key, "x");
  // An hour ahead: object stores limit how long a link may last (S3: 7 days).
  const std::int64_t expires = static_cast<std::int64_t>(std::time(nullptr)) + 3600;
  const auto url = this->store().presign_get(key, expires);
  EXPECT_THAT(url, ::testing::HasSubstr(key));
  EXPECT_NE(url, this->store().presign_get(key, expires + 1));
  EXPECT_NE(url, this->store().presign_get(volkrin::test::media_key(18), expires));
}

TYPED_TEST_P(MediaStoreConformance, ping_succeeds_on_a_working_store) {
  EXPECT_NO_THROW(this->store().ping());
  volkrin::test::put_object(this->store(), volkrin::test::media_key(19), "x");
  EXPECT_NO_THROW(this->store().ping());
}

TYPED_TEST_P(MediaStoreConformance, sweep_finds_nothing_to_do_when_every_upload_ended) {
  volkrin::test::put_object(this->store(), volkrin::test::media_key(20), "committed");
  this->store().begin_upload(volkrin::test::media_key(21))->abort();
  EXPECT_EQ(this->store().sweep_incomplete(), 0u);
  EXPECT_EQ(this->store().stat(volkrin::test::media_key(20))->size, 9u);
}

REGISTER_TYPED_TEST_SUITE_P(
    MediaStoreConformance, committed_object_has_its_size_and_a_quoted_etag,
    opened_object_reads_back_the_same_bytes, upload_counts_the_bytes_written,
    large_object_written_in_many_chunks_is_intact, empty_object_can_be_stored,
    nothing_is_visible_before_commit, abort_leaves_nothing,
    destroying_an_uncommitted_upload_leaves_nothing, abort_after_commit_keeps_the_object,
    remove_returns_true_once_then_false, remove_leaves_other_objects,
    unknown_key_is_absent_everywhere, removed_key_can_be_uploaded_again_with_a_new_etag,
    interleaved_uploads_stay_separate, key_with_non_ascii_letters_round_trips,
    unsafe_keys_are_refused_by_every_method, presigned_url_names_the_key_and_depends_on_expiry,
    ping_succeeds_on_a_working_store, sweep_finds_nothing_to_do_when_every_upload_ended);
