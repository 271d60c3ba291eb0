// Behaviour every MetadataStore adapter must share, as a type-parameterized test suite.
//
// An adapter's test file defines a backend type and instantiates the suite with it:
//
//   struct MyBackend {
//     std::unique_ptr<volkrin::MetadataStore> open();  // a fresh, empty store; nullptr skips
//     void close();  // called after the store is destroyed: drop what open() created
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(My, MetadataStoreConformance, ::testing::Types<MyBackend>);
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <concepts>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ports/metadata_store.hpp"

namespace volkrin::test {

template <typename B>
concept MetadataStoreBackend = std::default_initializable<B> && requires(B backend) {
  { backend.open() } -> std::same_as<std::unique_ptr<MetadataStore>>;
  backend.close();
};

// 24 hex digits, like the ids the service hands out.
inline std::string test_user_id(unsigned n) {
  char id[32];
  std::snprintf(id, sizeof id, "65f0a1b2c3d4e5f6%08x", n);
  return id;
}

inline UserRecord test_user(unsigned n, std::int64_t created_at_ms = 1'700'000'000'000) {
  return UserRecord{
      .id = test_user_id(n),
      .name = "User " + std::to_string(n),
      .email = "user" + std::to_string(n) + "@example.com",
      .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt" + std::to_string(n) + "$hash",
      .role = n % 2 == 0 ? "user" : "admin",
      .created_at_ms = created_at_ms,
      .updated_at_ms = created_at_ms + 5,
  };
}

inline std::vector<std::string> ids_of(const std::vector<UserRecord>& users) {
  std::vector<std::string> ids;
  ids.reserve(users.size());
  for (const auto& user : users) ids.push_back(user.id);
  return ids;
}

}  // namespace volkrin::test

namespace volkrin {

// The port defines no comparison; tests compare every field.
inline bool operator==(const UserRecord& a, const UserRecord& b) {
  return a.id == b.id && a.name == b.name && a.email == b.email &&
         a.password_hash == b.password_hash && a.role == b.role &&
         a.created_at_ms == b.created_at_ms && a.updated_at_ms == b.updated_at_ms;
}

inline void PrintTo(const UserRecord& user, std::ostream* out) {
  *out << "{id=" << user.id << " name=" << user.name << " email=" << user.email
       << " role=" << user.role << " created_at_ms=" << user.created_at_ms
       << " updated_at_ms=" << user.updated_at_ms << "}";
}

}  // namespace volkrin

template <volkrin::test::MetadataStoreBackend Backend>
class MetadataStoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    if (store_ == nullptr) GTEST_SKIP() << "this backend is not available here";
  }
  void TearDown() override {
    store_.reset();
    backend_.close();
  }

  volkrin::MetadataStore& store() { return *store_; }

 private:
  Backend backend_;
  std::unique_ptr<volkrin::MetadataStore> store_;
};

TYPED_TEST_SUITE_P(MetadataStoreConformance);

TYPED_TEST_P(MetadataStoreConformance, InsertedUserIsFoundByIdWithEveryField) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_EQ(this->store().find_user_by_id(user.id), user);
}

TYPED_TEST_P(MetadataStoreConformance, InsertedUserIsFoundByEmail) {
  const auto user = volkrin::test::test_user(2);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_EQ(this->store().find_user_by_email(user.email), user);
}

TYPED_TEST_P(MetadataStoreConformance, UnknownIdOrEmailFindsNothing) {
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1)));
  EXPECT_EQ(this->store().find_user_by_id(volkrin::test::test_user_id(99)), std::nullopt);
  EXPECT_EQ(this->store().find_user_by_email("nobody@example.com"), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, DuplicateEmailIsRefusedAndFirstUserKept) {
  const auto first = volkrin::test::test_user(1);
  auto second = volkrin::test::test_user(2);
  second.email = first.email;
  ASSERT_TRUE(this->store().insert_user(first));
  EXPECT_FALSE(this->store().insert_user(second));
  EXPECT_EQ(this->store().find_user_by_email(first.email), first);
  EXPECT_EQ(this->store().find_user_by_id(second.id), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, EmailsDifferingOnlyInCaseAreDifferentUsers) {
  auto lower = volkrin::test::test_user(1);
  auto upper = volkrin::test::test_user(2);
  upper.email = "USER1@example.com";
  ASSERT_TRUE(this->store().insert_user(lower));
  EXPECT_TRUE(this->store().insert_user(upper));
  EXPECT_EQ(this->store().find_user_by_email("User1@example.com"), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, DuplicateIdThrows) {
  const auto first = volkrin::test::test_user(1);
  auto second = volkrin::test::test_user(2);
  second.id = first.id;
  ASSERT_TRUE(this->store().insert_user(first));
  EXPECT_THROW(this->store().insert_user(second), std::runtime_error);
  EXPECT_EQ(this->store().find_user_by_id(first.id), first);
}

TYPED_TEST_P(MetadataStoreConformance, FreshStoreListsNoUsers) {
  EXPECT_TRUE(this->store().list_users().empty());
}

TYPED_TEST_P(MetadataStoreConformance, ListUsersReturnsOldestFirstWithIdBreakingTies) {
  // Inserted out of order; users 3 and 1 share a creation time.
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(4, 4000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(3, 2000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(2, 1000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1, 2000)));
  const auto users = this->store().list_users();
  EXPECT_THAT(
      volkrin::test::ids_of(users),
      ::testing::ElementsAre(volkrin::test::test_user_id(2), volkrin::test::test_user_id(1),
                             volkrin::test::test_user_id(3), volkrin::test::test_user_id(4)));
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0], volkrin::test::test_user(2, 1000));
}

TYPED_TEST_P(MetadataStoreConformance, DeleteUserReturnsTrueOnceThenFalse) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_TRUE(this->store().delete_user(user.id));
  EXPECT_FALSE(this->store().delete_user(user.id));
  EXPECT_EQ(this->store().find_user_by_id(user.id), std::nullopt);
  EXPECT_EQ(this->store().find_user_by_email(user.email), std::nullopt);
}

TYPED_TEST_P(MetadataStoreConformance, DeletingAUserLeavesTheOthers) {
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1, 1000)));
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(2, 2000)));
  EXPECT_TRUE(this->store().delete_user(volkrin::test::test_user_id(1)));
  EXPECT_THAT(volkrin::test::ids_of(this->store().list_users()),
              ::testing::ElementsAre(volkrin::test::test_user_id(2)));
}

TYPED_TEST_P(MetadataStoreConformance, DeletedUsersEmailCanBeUsedAgain) {
  const auto user = volkrin::test::test_user(1);
  auto successor = volkrin::test::test_user(2);
  successor.email = user.email;
  ASSERT_TRUE(this->store().insert_user(user));
  ASSERT_TRUE(this->store().delete_user(user.id));
  EXPECT_TRUE(this->store().insert_user(successor));
}

TYPED_TEST_P(MetadataStoreConformance, UpdatePasswordHashChangesOnlyHashAndUpdatedAt) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  this->store().update_password_hash(user.id, "$argon2id$new", user.updated_at_ms + 1000);
  auto expected = user;
  expected.password_hash = "$argon2id$new";
  expected.updated_at_ms = user.updated_at_ms + 1000;
  EXPECT_EQ(this->store().find_user_by_id(user.id), expected);
}

TYPED_TEST_P(MetadataStoreConformance, UpdatePasswordHashOfUnknownUserChangesNothing) {
  const auto user = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(user));
  EXPECT_NO_THROW(
      this->store().update_password_hash(volkrin::test::test_user_id(2), "$argon2id$new", 1));
  EXPECT_THAT(this->store().list_users(), ::testing::ElementsAre(user));
}

TYPED_TEST_P(MetadataStoreConformance, PingSucceedsOnAWorkingStore) {
  EXPECT_NO_THROW(this->store().ping());
  ASSERT_TRUE(this->store().insert_user(volkrin::test::test_user(1)));
  EXPECT_NO_THROW(this->store().ping());
}

namespace volkrin::test {

inline TrackRecord imported_track(unsigned n, std::optional<std::string> uploaded_by) {
  TrackRecord track;
  char id[32];
  std::snprintf(id, sizeof id, "66d4c1f2a1b2c3d4%08x", n);
  track.id = id;
  track.title = "Track " + std::to_string(n);
  track.artist = "Artist";
  track.file_key = "audio/" + std::to_string(n) + "-song.mp3";
  track.thumbnail_key = "thumbnails/" + std::to_string(n) + "-cover.jpg";
  track.uploaded_by = std::move(uploaded_by);
  track.created_at_ms = 1'690'000'000'000 + n;
  track.updated_at_ms = track.created_at_ms + 1;
  return track;
}

}  // namespace volkrin::test

TYPED_TEST_P(MetadataStoreConformance, ImportBatchKeepsIdsTimesAndUploaders) {
  const auto admin = volkrin::test::test_user(1);
  const auto track = volkrin::test::imported_track(1, admin.id);
  const auto counts = this->store().import_batch({admin}, {track});
  EXPECT_EQ(counts.users_added, 1u);
  EXPECT_EQ(counts.tracks_added, 1u);
  EXPECT_EQ(counts.users_skipped + counts.tracks_skipped, 0u);
  EXPECT_EQ(this->store().find_user_by_id(admin.id), admin);
  const auto found = this->store().find_track(track.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->file_key, track.file_key);
  EXPECT_EQ(found->thumbnail_key, track.thumbnail_key);
  EXPECT_EQ(found->created_at_ms, track.created_at_ms);
  EXPECT_EQ(found->updated_at_ms, track.updated_at_ms);
  ASSERT_TRUE(found->uploader);
  EXPECT_EQ(found->uploader->email, admin.email);
}

TYPED_TEST_P(MetadataStoreConformance, ImportBatchSkipsIdsAlreadyStored) {
  const auto user = volkrin::test::test_user(1);
  const auto track = volkrin::test::imported_track(1, user.id);
  this->store().import_batch({user}, {track});
  auto changed = user;
  changed.name = "Changed";
  const auto counts =
      this->store().import_batch({changed, volkrin::test::test_user(2)},
                                 {track, volkrin::test::imported_track(2, std::nullopt)});
  EXPECT_EQ(counts.users_added, 1u);
  EXPECT_EQ(counts.users_skipped, 1u);
  EXPECT_EQ(counts.tracks_added, 1u);
  EXPECT_EQ(counts.tracks_skipped, 1u);
  EXPECT_EQ(this->store().find_user_by_id(user.id), user);  // left as it was
  EXPECT_EQ(this->store().list_tracks({}).size(), 2u);
}

TYPED_TEST_P(MetadataStoreConformance, ImportBatchStoresNothingWhenAnEmailIsTaken) {
  const auto existing = volkrin::test::test_user(1);
  ASSERT_TRUE(this->store().insert_user(existing));
  auto clash = volkrin::test::test_user(3);
  clash.email = existing.email;
  EXPECT_ANY_THROW(this->store().import_batch({volkrin::test::test_user(2), clash},
                                              {volkrin::test::imported_track(1, std::nullopt)}));
  EXPECT_THAT(this->store().list_users(), ::testing::ElementsAre(existing));
  EXPECT_TRUE(this->store().list_tracks({}).empty());
}

TYPED_TEST_P(MetadataStoreConformance, ImportBatchStoresNothingWhenAnUploaderIsMissing) {
  const auto user = volkrin::test::test_user(1);
  EXPECT_ANY_THROW(this->store().import_batch(
      {user}, {volkrin::test::imported_track(1, user.id),
               volkrin::test::imported_track(2, volkrin::test::test_user_id(9))}));
  EXPECT_TRUE(this->store().list_users().empty());
  EXPECT_TRUE(this->store().list_tracks({}).empty());
}

REGISTER_TYPED_TEST_SUITE_P(
    MetadataStoreConformance, InsertedUserIsFoundByIdWithEveryField, InsertedUserIsFoundByEmail,
    UnknownIdOrEmailFindsNothing, DuplicateEmailIsRefusedAndFirstUserKept,
    EmailsDifferingOnlyInCaseAreDifferentUsers, DuplicateIdThrows, FreshStoreListsNoUsers,
    ListUsersReturnsOldestFirstWithIdBreakingTies, DeleteUserReturnsTrueOnceThenFalse,
    DeletingAUserLeavesTheOthers, DeletedUsersEmailCanBeUsedAgain,
    UpdatePasswordHashChangesOnlyHashAndUpdatedAt, UpdatePasswordHashOfUnknownUserChangesNothing,
    PingSucceedsOnAWorkingStore, ImportBatchKeepsIdsTimesAndUploaders,
    ImportBatchSkipsIdsAlreadyStored, ImportBatchStoresNothingWhenAnEmailIsTaken,
    ImportBatchStoresNothingWhenAnUploaderIsMissing);
