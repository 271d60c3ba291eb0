// The import's progress and summary text.
#include "app/import_progress.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace volkrin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

ImportCountsSoFar done_of(std::uint64_t files, std::uint64_t bytes) {
  ImportCountsSoFar done;
  done.files = files;
  done.bytes = bytes;
  return done;
}

TEST(ImportProgress, bytes_and_durations_read_as_people_write_them) {
  EXPECT_EQ(format_bytes(812), "812 B");
  EXPECT_EQ(format_bytes(4096), "4.0 KiB");
  EXPECT_EQ(format_bytes(12'897'485), "12.3 MiB");
  EXPECT_EQ(format_bytes(1'610'612'736), "1.50 GiB");
  EXPECT_EQ(format_duration(0.42), "0.4s");
  EXPECT_EQ(format_duration(42), "42s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(7500), "2h05m");
  EXPECT_EQ(format_duration(-3), "0.0s");
}

TEST(ImportProgress, bar_shows_the_share_by_bytes_the_rate_and_the_time_left) {
  const ImportPlan plan{100, 1000};
  const std::string bar = progress_bar(done_of(25, 500), plan, 10, 120);
  EXPECT_THAT(bar, StartsWith("[" + std::string(20, '#') + std::string(20, '.') + "]"));
  EXPECT_THAT(bar, HasSubstr(" 50%  25/100 files"));
  EXPECT_THAT(bar, HasSubstr("2.5 files/s"));
  EXPECT_THAT(bar, HasSubstr("ETA 10s"));
  EXPECT_LE(bar.size(), 120u);
  EXPECT_LE(progress_bar(done_of(25, 500), plan, 10, 30).size(), 30u);
}

TEST(ImportProgress, empty_plans_and_a_standing_start_do_not_divide_by_zero) {
  EXPECT_THAT(progress_line(done_of(0, 0), ImportPlan{}, 0), HasSubstr("(100%)"));
  EXPECT_THAT(progress_line(done_of(0, 0), ImportPlan{10, 100}, 0), HasSubstr("ETA -"));
  EXPECT_THAT(progress_line(done_of(5, 0), ImportPlan{10, 0}, 2), HasSubstr("(50%)"));
}

TEST(ImportProgress, summary_counts_each_outcome_and_each_reason) {
  ImportCountsSoFar done = done_of(9, 4096);
  done.imported = 1;
  done.imported_bytes = 2048;
  done.already_present = 3;
  done.refused = 3;
  done.ignored = 2;
  EXPECT_EQ(import_summary(done, {{"not audio", 2}, {"unreadable", 1}}, 3),
            "imported 1 track (2.0 KiB) in 3.0s, 3.0 files/s\n"
            "already present: 3\n"
            "refused: 3 (not audio: 2, unreadable: 1)\n"
            "ignored (not audio): 2\n");
}

}  // namespace
}  // namespace volkrin
