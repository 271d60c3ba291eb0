// Clock readings and the UTC date formats used on the wire (ISO 8601, HTTP) and in logs (CLF).
#include "support/time_format.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace volkrin {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Broken-down UTC time; years are limited to 0000-9999 so that every format stays fixed-width.
std::tm utc_tm(std::int64_t epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  if (static_cast<std::int64_t>(t) != epoch_seconds || gmtime_r(&t, &tm) == nullptr ||
      tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
    throw std::out_of_range("timestamp outside the years 0000-9999");
  }
  return tm;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDaysIn = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDaysIn[static_cast<std::size_t>(month - 1)];
}

// Reads the text left to right; every method consumes input only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }

  bool literal(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }

  // Exactly `count` ASCII digits.
  std::optional<int> digits(std::size_t count) {
    if (text_.size() - pos_ < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  // One of `names`; returns its index.
  template <std::size_t N>
  std::optional<int> name(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) return static_cast<int>(i);
    }
    return std::nullopt;
  }

  // A fraction of a second after '.', 1 to 9 digits, truncated to milliseconds.
  std::optional<int> fraction_ms() {
    std::size_t n = 0;
    int ms = 0;
    while (pos_ + n < text_.size() && text_[pos_ + n] >= '0' && text_[pos_ + n] <= '9') {
      if (n < 3) ms = ms * 10 + (text_[pos_ + n] - '0');
      ++n;
    }
    if (n == 0 || n > 9) return std::nullopt;
    for (std::size_t i = n; i < 3; ++i) ms *= 10;
    pos_ += n;
    return ms;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// Seconds since the epoch for a validated UTC date and time; nullopt when out of range.
std::optional<std::int64_t> to_epoch_seconds(const Civil& c) {
  if (c.year < 0 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > days_in_month(c.year, c.month) || c.hour > 23 || c.minute > 59 || c.second > 59) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = c.year - 1900;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  // All fields are in range, so timegm cannot fail; -1 is then a real instant (1969-12-31).
  return static_cast<std::int64_t>(timegm(&tm));
}

// "HH:MM:SS"
bool read_clock(Cursor& in, Civil& c) {
  const auto h = in.digits(2);
  if (!h || !in.literal(":")) return false;
  const auto m = in.digits(2);
  if (!m || !in.literal(":")) return false;
  const auto s = in.digits(2);
  if (!s) return false;
  c.hour = *h;
  c.minute = *m;
  c.second = *s;
  return true;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> parse_imf_fixdate(std::string_view text) {
  Cursor in(text);
  Civil c;
  if (!in.name(kDays) || !in.literal(", ")) return std::nullopt;
  const auto day = in.digits(2);
  if (!day || !in.literal(" ")) return std::nullopt;
  const auto month = in.name(kMonths);
  if (!month || !in.literal(" ")) return std::nullopt;
  const auto year = in.digits(4);
  if (!year || !in.literal(" ") || !read_clock(in, c) || !in.literal(" GMT") || !in.at_end()) {
    return std::nullopt;
  }
  c.year = *year;
  c.month = *month + 1;
  c.day = *day;
  return to_epoch_seconds(c);
}

// Obsolete RFC 850 form: "Sunday, 06-Nov-94 08:49:37 GMT".
std::optional<std::int64_t> parse_rfc850(std::string_view text) {
  Cursor in(text);
  Civil c;
  if (!in.name(kLongDays) || !in.literal(", ")) return std::nullopt;
  const auto day = in.digits(2);
  if (!day || !in.literal("-")) return std::nullopt;
  const auto month = in.name(kMonths);
  if (!month || !in.literal("-")) return std::nullopt;
  const auto yy = in.digits(2);
  if (!yy || !in.literal(" ") || !read_clock(in, c) || !in.literal(" GMT") || !in.at_end()) {
    return std::nullopt;
  }
  c.year = *yy < 70 ? 2000 + *yy : 1900 + *yy;
  c.month = *month + 1;
  c.day = *day;
  return to_epoch_seconds(c);
}

// Obsolete asctime form: "Sun Nov  6 08:49:37 1994".
std::optional<std::int64_t> parse_asctime(std::string_view text) {
  Cursor in(text);
  Civil c;
  if (!in.name(kDays) || !in.literal(" ")) return std::nullopt;
  const auto month = in.name(kMonths);
  if (!month || !in.literal(" ")) return std::nullopt;
  std::optional<int> day;
  if (in.literal(" ")) {
    day = in.digits(1);
  } else {
    day = in.digits(2);
  }
  if (!day || !in.literal(" ") || !read_clock(in, c) || !in.literal(" ")) return std::nullopt;
  const auto year = in.digits(4);
  if (!year || !in.at_end()) return std::nullopt;
  c.year = *year;
  c.month = *month + 1;
  c.day = *day;
  return to_epoch_seconds(c);
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_ms(std::int64_t epoch_ms) {
  const std::int64_t seconds = floor_div(epoch_ms, 1000);
  const auto ms = static_cast<int>(epoch_ms - seconds * 1000);
  const std::tm tm = utc_tm(seconds);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return std::string(buf.data());
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  Cursor in(text);
  Civil c;
  const auto year = in.digits(4);
  if (!year || !in.literal("-")) return std::nullopt;
  const auto month = in.digits(2);
  if (!month || !in.literal("-")) return std::nullopt;
  const auto day = in.digits(2);
  if (!day || !in.literal("T") || !read_clock(in, c)) return std::nullopt;
  c.year = *year;
  c.month = *month;
  c.day = *day;

  int ms = 0;
  if (in.literal(".")) {
    const auto f = in.fraction_ms();
    if (!f) return std::nullopt;
    ms = *f;
  }

  std::int64_t offset_seconds = 0;
  if (!in.literal("Z")) {
    int sign = 0;
    if (in.literal("+")) {
      sign = 1;
    } else if (in.literal("-")) {
      sign = -1;
    } else {
      return std::nullopt;
    }
    const auto oh = in.digits(2);
    if (!oh || !in.literal(":")) return std::nullopt;
    const auto om = in.digits(2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_seconds = std::int64_t{sign} * (*oh * 3600 + *om * 60);
  }
  if (!in.at_end()) return std::nullopt;

  const auto local = to_epoch_seconds(c);
  if (!local) return std::nullopt;
  return (*local - offset_seconds) * 1000 + ms;
}

std::string clf_date(std::int64_t epoch_ms) {
  const std::tm tm = utc_tm(floor_div(epoch_ms, 1000));
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return std::string(buf.data());
}

std::string http_date(std::int64_t epoch_seconds) {
  const std::tm tm = utc_tm(epoch_seconds);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[static_cast<std::size_t>(tm.tm_wday)].data(), tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return std::string(buf.data());
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // RFC 7231 section 7.1.1.1: recipients accept the two obsolete forms as well.
  if (auto t = parse_imf_fixdate(text)) return t;
  if (auto t = parse_rfc850(text)) return t;
  return parse_asctime(text);
}

}  // namespace volkrin
