// Metric storage and exposition; see metrics.hpp.
#include "support/metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "support/time_format.hpp"

namespace volkrin {
namespace {

struct Series {
  std::string method, path;
  int status = 0;
  std::array<std::atomic<std::uint64_t>, Metrics::kBuckets.size()> buckets{};
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_bits{std::bit_cast<std::uint64_t>(0.0)};

  void observe(double seconds) noexcept {
    for (std::size_t i = 0; i < Metrics::kBuckets.size(); ++i) {
      if (seconds <= Metrics::kBuckets[i]) {
        buckets[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t old_bits = sum_bits.load(std::memory_order_relaxed);
    while (!sum_bits.compare_exchange_weak(
        old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + seconds),
        std::memory_order_relaxed)) {
    }
  }
};

using SeriesKey = std::tuple<std::string, std::string, int>;

struct SeriesKeyHash {
  std::size_t operator()(const SeriesKey& k) const noexcept {
    return std::hash<std::string>{}(std::get<0>(k)) * 31 ^
           std::hash<std::string>{}(std::get<1>(k)) * 7 ^ static_cast<std::size_t>(std::get<2>(k));
  }
};

// All series ever created; never shrinks (label values are bounded: route templates).
struct SeriesTable {
  std::mutex mutex;
  std::deque<Series> series;  // stable addresses
  std::map<SeriesKey, Series*> index;

  Series& get(const SeriesKey& key) {
    std::lock_guard lock(mutex);
    auto it = index.find(key);
    if (it != index.end()) return *it->second;
    Series& s = series.emplace_back();
    s.method = std::get<0>(key);
    s.path = std::get<1>(key);
    s.status = std::get<2>(key);
    index.emplace(key, &s);
    return s;
  }
};

SeriesTable& series_table() {
  static SeriesTable table;
  return table;
}

const std::int64_t process_start_ms = now_ms();

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void counter(std::ostringstream& out, std::string_view name, std::string_view help,
             std::uint64_t value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
      << name << ' ' << value << '\n';
}

void gauge(std::ostringstream& out, std::string_view name, std::string_view help,
           std::string_view value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
      << name << ' ' << value << '\n';
}

struct ProcessFigures {
  double cpu_seconds = 0;
  std::uint64_t rss_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;
};

ProcessFigures read_process_figures() {
  ProcessFigures f;
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    auto close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      unsigned long long utime = 0, stime = 0;
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
      }
      f.cpu_seconds =
          static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  std::ifstream statm("/proc/self/statm");
  unsigned long long size = 0, resident = 0;
  if (statm >> size >> resident)
    f.rss_bytes = resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++f.open_fds;
    }
    closedir(dir);
    if (f.open_fds > 0) --f.open_fds;  // the directory stream itself
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) f.max_fds = limit.rlim_cur;
  return f;
}

}  // namespace

Metrics& metrics() {
  static Metrics instance;
  return instance;
}

void Metrics::backend_error(Backend backend) noexcept {
  backend_errors_[static_cast<std::size_t>(backend)].inc();
}

void Metrics::observe_request(std::string_view method, std::string_view path, int status,
                              double seconds) {
  // Each thread remembers the series it has used, so the shared table is locked only the
  // first time a thread sees a (method, path, status) combination.
  thread_local std::unordered_map<SeriesKey, Series*, SeriesKeyHash> cache;
  SeriesKey key{std::string(method), std::string(path), status};
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, &series_table().get(key)).first;
  it->second->observe(seconds);
}

std::string Metrics::exposition() const {
  std::ostringstream out;
  counter(out, "volkrin_signups_total", "Users created", signups.value());
  counter(out, "volkrin_logins_total", "Successful logins", logins.value());
  counter(out, "volkrin_failed_logins_total", "Failed logins", failed_logins.value());
  counter(out, "volkrin_track_uploads_total", "Tracks uploaded", track_uploads.value());
  counter(out, "volkrin_track_deletions_total", "Tracks deleted", track_deletions.value());
  counter(out, "volkrin_user_deletions_total", "Users deleted", user_deletions.value());
  counter(out, "volkrin_cache_hits_total", "Track list cache hits", cache_hits.value());
  counter(out, "volkrin_cache_misses_total", "Track list cache misses", cache_misses.value());
  counter(out, "volkrin_upload_bytes_total", "Bytes of media received by uploads",
          upload_bytes.value());
  counter(out, "volkrin_stream_bytes_total", "Bytes of media sent to clients",
          stream_bytes.value());
  counter(out, "volkrin_storage_full_total",
          "Uploads refused because the media storage had no room left", storage_full.value());

  out << "# HELP volkrin_backend_errors_total Failed calls to a backend service\n"
         "# TYPE volkrin_backend_errors_total counter\n";
  static constexpr std::array<std::string_view, 3> kBackendNames{"database", "cache", "storage"};
  for (std::size_t i = 0; i < kBackendNames.size(); ++i) {
    out << "volkrin_backend_errors_total{backend=\"" << kBackendNames[i] << "\"} "
        << backend_errors_[i].value() << '\n';
  }

  gauge(out, "volkrin_ready", "1 when the database and media storage answered the last check",
        std::to_string(ready.load(std::memory_order_relaxed)));
  gauge(out, "volkrin_http_requests_in_flight", "HTTP requests being served",
        std::to_string(requests_in_flight.load(std::memory_order_relaxed)));
  out << "# HELP volkrin_build_info Version and commit of the running binary\n"
         "# TYPE volkrin_build_info gauge\n"
         "volkrin_build_info{version=\"" VOLKRIN_VERSION "\",commit=\"" VOLKRIN_COMMIT "\"} 1\n";

  out << "# HELP http_request_duration_seconds duration histogram of http responses labeled "
         "with: status_code, method, path\n"
         "# TYPE http_request_duration_seconds histogram\n";
  {
    auto& table = series_table();
    std::lock_guard lock(table.mutex);
    for (const auto& [key, s] : table.index) {
      const std::string labels = "method=\"" + escape_label(s->method) + "\",path=\"" +
                                 escape_label(s->path) + "\",status_code=\"" +
                                 std::to_string(s->status) + "\"";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        out << "http_request_duration_seconds_bucket{le=\"" << format_double(kBuckets[i]) << "\","
            << labels << "} " << cumulative << '\n';
      }
      const std::uint64_t count = s->count.load(std::memory_order_relaxed);
      out << "http_request_duration_seconds_bucket{le=\"+Inf\"," << labels << "} " << count << '\n';
      out << "http_request_duration_seconds_sum{" << labels << "} "
          << format_double(std::bit_cast<double>(s->sum_bits.load(std::memory_order_relaxed)))
          << '\n';
      out << "http_request_duration_seconds_count{" << labels << "} " << count << '\n';
    }
  }

  gauge(out, "up", "1 when the server is running", "1");
  const ProcessFigures process = read_process_figures();
  out << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
         "# TYPE process_cpu_seconds_total counter\n"
         "process_cpu_seconds_total "
      << format_double(process.cpu_seconds) << '\n';
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
        std::to_string(process.rss_bytes));
  gauge(out, "process_open_fds", "Number of open file descriptors.",
        std::to_string(process.open_fds));
  gauge(out, "process_max_fds", "Maximum number of open file descriptors.",
        std::to_string(process.max_fds));
  gauge(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
        format_double(static_cast<double>(process_start_ms) / 1000.0));
  return out.str();
}

}  // namespace volkrin
