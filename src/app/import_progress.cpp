// Import progress and summary text; see import_progress.hpp.
#include "app/import_progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace volkrin {
namespace {

std::string printf_string(const char* format, double a, double b = 0) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, a, b);
  return buffer;
}

double ratio(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return 1.0;
  return std::min(1.0, static_cast<double>(part) / static_cast<double>(whole));
}

// The share done, by bytes when the plan has any (files differ in size), else by files.
double share_done(const ImportCountsSoFar& done, const ImportPlan& plan) {
  return plan.bytes > 0 ? ratio(done.bytes, plan.bytes) : ratio(done.files, plan.files);
}

std::string rate(const ImportCountsSoFar& done, double elapsed_s) {
  if (elapsed_s <= 0) return "- files/s";
  return printf_string("%.1f files/s", static_cast<double>(done.files) / elapsed_s);
}

std::string eta(const ImportCountsSoFar& done, const ImportPlan& plan, double elapsed_s) {
  const double share = share_done(done, plan);
  if (share <= 0 || elapsed_s <= 0) return "ETA -";
  return "ETA " + format_duration(elapsed_s * (1 - share) / share);
}

std::string counts(const ImportCountsSoFar& done, const ImportPlan& plan) {
  return std::to_string(done.files) + "/" + std::to_string(plan.files) + " files";
}

std::string sizes(const ImportCountsSoFar& done, const ImportPlan& plan) {
  return format_bytes(done.bytes) + "/" + format_bytes(plan.bytes);
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return printf_string(unit >= 2 ? "%.2f " : "%.1f ", value) + units[unit];
}

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buffer[32];
  if (seconds < 9.95) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", std::max(0.0, seconds));
  } else if (total < 60) {
    std::snprintf(buffer, sizeof buffer, "%llds", total);
  } else if (total < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", total / 3600, total / 60 % 60);
  }
  return buffer;
}

std::string progress_bar(const ImportCountsSoFar& done, const ImportPlan& plan, double elapsed_s,
                         std::size_t width) {
  const double share = share_done(done, plan);
  const std::string tail = printf_string(" %3.0f%%  ", share * 100) + counts(done, plan) + "  " +
                           sizes(done, plan) + "  " + rate(done, elapsed_s) + "  " +
                           eta(done, plan, elapsed_s);
  if (width <= tail.size() + 12) return tail.substr(0, width);
  const std::size_t bar = std::min<std::size_t>(40, width - tail.size() - 2);
  const auto filled = static_cast<std::size_t>(share * static_cast<double>(bar));
  return "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]" + tail;
}

std::string progress_line(const ImportCountsSoFar& done, const ImportPlan& plan, double elapsed_s) {
  return "import: " + counts(done, plan) +
         printf_string(" (%.0f%%), ", share_done(done, plan) * 100) + sizes(done, plan) + ", " +
         rate(done, elapsed_s) + ", " + eta(done, plan, elapsed_s);
}

std::string import_summary(const ImportCountsSoFar& done,
                           const std::map<std::string, std::uint64_t>& refusals, double elapsed_s) {
  std::string out = "imported " + std::to_string(done.imported) + " track" +
                    (done.imported == 1 ? "" : "s") + " (" + format_bytes(done.imported_bytes) +
                    ") in " + format_duration(elapsed_s) + ", " + rate(done, elapsed_s) + "\n";
  out += "already present: " + std::to_string(done.already_present) + "\n";
  out += "refused: " + std::to_string(done.refused);
  if (!refusals.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [reason, count] : refusals) {
      if (!first) out += ", ";
      first = false;
      out += reason + ": " + std::to_string(count);
    }
    out += ")";
  }
  out += "\nignored (not audio): " + std::to_string(done.ignored) + "\n";
  return out;
}

}  // namespace volkrin
