// Unit tests for reading mongoexport dumps: Extended JSON forms, line numbers, duplicates.
#include "app/mongo_dump.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace volkrin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// bcryptjs output for "correct horse battery" (any well-formed hash will do here).
constexpr const char* kHash = "$2b$10$abcdefghijklmnopqrstuuJ0bnYd7m1wqLzvHbuIV3U/0eXyQ5Bdy";

std::string user_line(const std::string& id, const std::string& email,
                      const std::string& extra = "") {
  return R"({"_id":{"$oid":")" + id + R"("},"name":"Ada","email":")" + email + R"(","password":")" +
         kHash + R"(","role":"admin")" + extra + "}";
}

MongoDump users_only(const std::string& text) {
  return read_mongo_dump(DumpFile{"users.json", text}, std::nullopt);
}

MongoDump tracks_only(const std::string& text) {
  return read_mongo_dump(std::nullopt, DumpFile{"tracks.json", text});
}

TEST(MongoImport, reads_a_user_in_relaxed_extended_json) {
  const auto dump =
      users_only(user_line("66D4C1F2A1B2C3D4E5F60718", "  Ada@Example.COM ",
                           R"(,"createdAt":{"$date":"2024-09-01T10:20:30.123Z"})"
                           R"(,"updatedAt":{"$date":"2024-09-02T00:00:00Z"},"__v":0)"));
  ASSERT_THAT(dump.problems, IsEmpty());
  ASSERT_EQ(dump.users.size(), 1u);
  const auto& u = dump.users[0].record;
  EXPECT_EQ(u.id, "66d4c1f2a1b2c3d4e5f60718");  // lower-cased
  EXPECT_EQ(u.email, "ada@example.com");        // trimmed, lower-cased
  EXPECT_EQ(u.name, "Ada");
  EXPECT_EQ(u.role, "admin");
  EXPECT_EQ(u.password_hash, kHash);
  EXPECT_EQ(u.created_at_ms, 1725186030123);
  EXPECT_EQ(u.updated_at_ms, 1725235200000);
  EXPECT_EQ(dump.users[0].where, "users.json line 1");
}

TEST(MongoImport, reads_canonical_and_legacy_dates) {
  const auto dump = users_only(user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com",
                                         R"(,"createdAt":{"$date":{"$numberLong":"1725186030123"}})"
                                         R"(,"updatedAt":{"$date":1725186030999})"));
  ASSERT_THAT(dump.problems, IsEmpty());
  EXPECT_EQ(dump.users[0].record.created_at_ms, 1725186030123);
  EXPECT_EQ(dump.users[0].record.updated_at_ms, 1725186030999);
}

TEST(MongoImport, missing_dates_come_from_the_object_id) {
  // 0x66d4c1f2 seconds = 2024-09-01T19:37:22Z
  const auto dump = users_only(user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com"));
  ASSERT_THAT(dump.problems, IsEmpty());
  EXPECT_EQ(dump.users[0].record.created_at_ms, 0x66d4c1f2LL * 1000);
  EXPECT_EQ(dump.users[0].record.updated_at_ms, 0x66d4c1f2LL * 1000);
}

TEST(MongoImport, role_defaults_to_user) {
  const auto dump = users_only(R"({"_id":{"$oid":"66d4c1f2a1b2c3d4e5f60718"})"
                               R"(,"name":"B","email":"b@example.com","password":")" +
                               std::string(kHash) + "\"}");
  ASSERT_THAT(dump.problems, IsEmpty());
  EXPECT_EQ(dump.users[0].record.role, "user");
}

TEST(MongoImport, reads_a_json_array_as_mongoexport_json_array_writes_it) {
  const auto dump =
      users_only("[" + user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com") + ",\n" +
                 user_line("66d4c1f2a1b2c3d4e5f60719", "b@example.com") + "]\n");
  ASSERT_THAT(dump.problems, IsEmpty());
  ASSERT_EQ(dump.users.size(), 2u);
  EXPECT_EQ(dump.users[1].where, "users.json element 2");
}

TEST(MongoImport, skips_blank_lines_and_counts_them_in_line_numbers) {
  const auto dump =
      users_only("\n" + user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com") + "\r\n\n" +
                 user_line("66d4c1f2a1b2c3d4e5f60719", "b@example.com") + "\n");
  ASSERT_THAT(dump.problems, IsEmpty());
  ASSERT_EQ(dump.users.size(), 2u);
  EXPECT_EQ(dump.users[0].where, "users.json line 2");
  EXPECT_EQ(dump.users[1].where, "users.json line 4");
}

TEST(MongoImport, reports_every_bad_line_with_its_number) {
  const auto dump =
      users_only(user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com") + "\n" + "{not json\n" +
                 R"({"_id":{"$oid":"xyz"},"name":"C","email":"c@example.com","password":"x"})" +
                 "\n" + R"([1,2])" + "\n");
  EXPECT_THAT(
      dump.problems,
      ElementsAre(HasSubstr("users.json line 2: not valid JSON"),
                  HasSubstr("users.json line 3: _id: \"xyz\" is not a 24-hex-digit ObjectId"),
                  "users.json line 4: expected a JSON object"));
}

TEST(MongoImport, reports_the_line_of_a_broken_array) {
  const auto dump = users_only("[\n" + user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com") +
                               ",\n{\"_id\": }\n]");
  EXPECT_THAT(dump.problems, ElementsAre(HasSubstr("users.json line 3: not valid JSON")));
}

TEST(MongoImport, refuses_passwords_that_are_not_bcrypt_hashes_without_echoing_them) {
  const auto dump = users_only(R"({"_id":{"$oid":"66d4c1f2a1b2c3d4e5f60718"},"name":"C")"
                               R"(,"email":"c@example.com","password":"hunter2-plain"})");
  ASSERT_THAT(dump.problems, ElementsAre(HasSubstr("line 1: password: not a bcrypt hash")));
  EXPECT_THAT(dump.problems[0], Not(HasSubstr("hunter2")));
}

TEST(MongoImport, refuses_bad_dates_emails_and_roles) {
  const auto dump = users_only(
      user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com",
                R"(,"createdAt":{"$date":"yesterday"})") +
      "\n" + user_line("66d4c1f2a1b2c3d4e5f60719", "not-an-email") + "\n" +
      R"({"_id":{"$oid":"66d4c1f2a1b2c3d4e5f6071a"},"name":"C")"
      R"(,"email":"c@example.com","role":"root","password":")" +
      kHash + "\"}\n" +
      user_line("66d4c1f2a1b2c3d4e5f6071b", "d@example.com", R"(,"createdAt":"2024-01-01")"));
  EXPECT_THAT(dump.problems,
              ElementsAre(HasSubstr("line 1: createdAt: \"yesterday\" is not an ISO-8601"),
                          HasSubstr("line 2: email: "), HasSubstr("line 3: role: \"root\""),
                          HasSubstr("line 4: createdAt: \"2024-01-01\" is not an ISO-8601")));
}

TEST(MongoImport, duplicate_emails_in_the_dump_are_an_error_naming_both_lines) {
  const auto dump = users_only(user_line("66d4c1f2a1b2c3d4e5f60718", "ada@example.com") + "\n" +
                               user_line("66d4c1f2a1b2c3d4e5f60719", "ADA@example.com ") + "\n");
  EXPECT_THAT(dump.problems,
              ElementsAre("users.json line 2: email \"ada@example.com\" is also used at "
                          "users.json line 1"));
}

TEST(MongoImport, duplicate_ids_in_the_dump_are_an_error) {
  const auto dump = users_only(user_line("66d4c1f2a1b2c3d4e5f60718", "a@example.com") + "\n" +
                               user_line("66d4c1f2a1b2c3d4e5f60718", "b@example.com") + "\n");
  EXPECT_THAT(dump.problems, ElementsAre(HasSubstr("users.json line 2: _id")));
}

TEST(MongoImport, reads_a_track_and_derives_the_thumbnail_key_from_its_url) {
  const auto dump = tracks_only(
      R"({"_id":{"$oid":"66d4c2000000000000000001"},"title":"Night Drive","artist":"Volkrin",)"
      R"("fileKey":"audio/1725186030123-night_drive.mp3",)"
      R"("audioUrl":"https://volkrin-media.s3.eu-central-1.amazonaws.com)"
      R"(/audio/1725186030123-night_drive.mp3",)"
      R"("thumbnailUrl":"https://volkrin-media.s3.eu-central-1.amazonaws.com)"
      R"(/thumbnails/1725186030123-cover.jpg",)"
      R"("uploadedBy":{"$oid":"66d4c1f2a1b2c3d4e5f60718"})"
      R"(,"createdAt":{"$date":"2024-09-01T10:20:30.123Z"},"__v":0})");
  ASSERT_THAT(dump.problems, IsEmpty());
  ASSERT_EQ(dump.tracks.size(), 1u);
  const auto& t = dump.tracks[0].record;
  EXPECT_EQ(t.id, "66d4c2000000000000000001");
  EXPECT_EQ(t.title, "Night Drive");
  EXPECT_EQ(t.artist, "Volkrin");
  EXPECT_EQ(t.file_key, "audio/1725186030123-night_drive.mp3");
  EXPECT_EQ(t.thumbnail_key, "thumbnails/1725186030123-cover.jpg");
  EXPECT_EQ(t.uploaded_by, "66d4c1f2a1b2c3d4e5f60718");
  EXPECT_EQ(t.created_at_ms, 1725186030123);
  EXPECT_EQ(t.updated_at_ms, 1725186030123);
  EXPECT_THAT(dump.warnings, IsEmpty());
}

TEST(MongoImport, a_track_without_uploader_and_with_unsafe_keys_is_imported_with_a_warning) {
  const auto dump =
      tracks_only(R"({"_id":{"$oid":"66d4c2000000000000000001"},"title":"T","uploadedBy":null,)"
                  R"("fileKey":"audio/my song.mp3")"
                  R"(,"thumbnailUrl":"https://b.s3.amazonaws.com/thumbnails/a.png"})");
  ASSERT_THAT(dump.problems, IsEmpty());
  EXPECT_EQ(dump.tracks[0].record.uploaded_by, std::nullopt);
  EXPECT_EQ(dump.tracks[0].record.artist, "");
  EXPECT_THAT(dump.warnings,
              ElementsAre(HasSubstr("tracks.json line 1: fileKey \"audio/my song.mp3\"")));
}

TEST(MongoImport, a_track_needs_a_title_and_its_keys) {
  const auto dump = tracks_only(
      R"({"_id":{"$oid":"66d4c2000000000000000001"},"fileKey":"audio/a.mp3")"
      R"(,"thumbnailUrl":"https://h/thumbnails/a.png"})"
      "\n"
      R"({"_id":{"$oid":"66d4c2000000000000000002"},"title":"T","fileKey":"audio/a.mp3"})");
  EXPECT_THAT(dump.problems,
              ElementsAre("tracks.json line 1: title: missing",
                          "tracks.json line 2: thumbnailKey: missing, and no thumbnailUrl"));
}

TEST(MongoImport, object_keys_come_from_virtual_hosted_and_path_style_urls) {
  EXPECT_EQ(object_key_from_url("https://bucket.s3.eu-west-1.amazonaws.com/thumbnails/a.jpg",
                                "thumbnails"),
            "thumbnails/a.jpg");
  EXPECT_EQ(object_key_from_url("https://s3.eu-west-1.amazonaws.com/bucket/thumbnails/a.jpg",
                                "thumbnails"),
            "thumbnails/a.jpg");
  EXPECT_EQ(object_key_from_url("http://minio:9000/bucket/thumbnails/a%20b.jpg?x=1", "thumbnails"),
            "thumbnails/a b.jpg");
  EXPECT_EQ(object_key_from_url("https://cdn.example.com/covers/a.jpg", "thumbnails"),
            "covers/a.jpg");
  EXPECT_EQ(object_key_from_url("thumbnails/a.jpg", "thumbnails"), "thumbnails/a.jpg");
  EXPECT_EQ(object_key_from_url("https://bucket.s3.amazonaws.com/", "thumbnails"), std::nullopt);
  EXPECT_EQ(object_key_from_url("https://bucket.s3.amazonaws.com", "thumbnails"), std::nullopt);
}

}  // namespace
}  // namespace volkrin
