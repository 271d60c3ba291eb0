// What `volkrin import` shows while it runs and when it ends: pure formatting.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "service/library_import.hpp"

namespace volkrin {

// "812 B", "4.0 KiB", "12.3 MiB", "1.50 GiB".
std::string format_bytes(std::uint64_t bytes);
// "0.4s", "42s", "3m07s", "2h05m".
std::string format_duration(double seconds);

// One line for a terminal, at most `width` columns:
// "[#####.....]  48%  1203/2500 files  120.3/250.0 MiB  85.2 files/s  ETA 1m32s".
std::string progress_bar(const ImportCountsSoFar& done, const ImportPlan& plan, double elapsed_s,
                         std::size_t width);
// One line for a log: "import: 1203/2500 files (48%), 120.3/250.0 MiB, 85.2 files/s, ETA 1m32s".
std::string progress_line(const ImportCountsSoFar& done, const ImportPlan& plan, double elapsed_s);

// The closing lines: what was imported, already present, refused (by reason) and ignored.
std::string import_summary(const ImportCountsSoFar& done,
                           const std::map<std::string, std::uint64_t>& refusals, double elapsed_s);

}  // namespace volkrin
