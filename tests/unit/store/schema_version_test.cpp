// check_schema_version: what both migration runners accept and refuse.
#include "store/schema_version.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace volkrin {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(CheckSchemaVersion, accepts_every_version_up_to_the_known_one) {
  EXPECT_NO_THROW(check_schema_version(0, 2));
  EXPECT_NO_THROW(check_schema_version(1, 2));
  EXPECT_NO_THROW(check_schema_version(2, 2));
}

TEST(CheckSchemaVersion, refuses_a_negative_or_newer_version) {
  EXPECT_THAT([] { check_schema_version(-1, 2); },
              ThrowsMessage<std::runtime_error>("database schema version -1 is not valid"));
  EXPECT_THAT([] { check_schema_version(3, 2); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr("database schema version 3 is newer than this build supports (2)")));
}

}  // namespace
}  // namespace volkrin
