// The shared value parsers of the configuration: numbers, hosts, sizes, flags, rate rules.
#include "support/config/values.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "support/ascii.hpp"
#include "support/log.hpp"

namespace volkrin::config_detail {

namespace {

constexpr std::uint64_t kMaxUploadBytes = 64ULL << 30;

}  // namespace

void fail(std::string_view name, std::string_view what) {
  std::string message(name);
  message += ": ";
  message += what;
  throw ConfigError(message);
}

std::optional<std::string> get(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string quote_for_message(std::string_view value, std::size_t limit) {
  bool cut = false;
  if (value.size() > limit) {
    std::size_t end = limit;
    // Never split a multi-byte UTF-8 sequence: back off over continuation bytes.
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0U) == 0x80U) --end;
    value = value.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  append_json_escaped(out, value);
  out += '"';
  if (cut) out += "...";
  return out;
}

std::string errno_text(int error) {
  return std::generic_category().message(error);
}

std::string redact_credentials(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    // No scheme: anything up to an '@' may still be a credential.
    const auto at = text.rfind('@');
    if (at == std::string_view::npos) return std::string(text);
    return "***" + std::string(text.substr(at));
  }
  const auto authority_start = scheme_end + 3;
  const auto authority_end = text.find_first_of("/?#", authority_start);
  const auto authority = text.substr(authority_start, authority_end == std::string_view::npos
                                                          ? std::string_view::npos
                                                          : authority_end - authority_start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, authority_start)) + "***" +
         std::string(text.substr(authority_start + at));
}

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20U || byte == 0x7FU;
  });
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || !is_digit(text.front())) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::uint64_t integer_in_range(std::string_view name, const std::string& text, std::uint64_t min,
                               std::uint64_t max) {
  const auto value = parse_decimal(text);
  if (!value || *value < min || *value > max) {
    fail(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max) +
                   " (got " + quote_for_message(text) + ")");
  }
  return *value;
}

bool is_ipv4(std::string_view text) {
  const std::string copy(text);
  in_addr address{};
  return inet_pton(AF_INET, copy.c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
  const std::string copy(text);
  in6_addr address{};
  return inet_pton(AF_INET6, copy.c_str(), &address) == 1;
}

bool is_host_name(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty() || text.size() > 253) return false;
  std::string_view last_label;
  while (true) {
    const auto dot = text.find('.');
    const auto label = text.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') return false;
    }
    last_label = label;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return !std::all_of(last_label.begin(), last_label.end(), is_digit);
}

std::chrono::seconds seconds_in_range(const EnvLookup& env, const char* name,
                                      std::chrono::seconds fallback, std::uint64_t min,
                                      std::uint64_t max) {
  const auto value = get(env, name);
  if (!value) return fallback;
  return std::chrono::seconds(
      static_cast<std::chrono::seconds::rep>(integer_in_range(name, *value, min, max)));
}

std::uint64_t parse_size(const char* name, const std::string& value) {
  const auto split = static_cast<std::size_t>(
      std::find_if_not(value.begin(), value.end(), is_digit) - value.begin());
  const std::string_view number = std::string_view(value).substr(0, split);
  const std::string suffix = ascii_lower(std::string_view(value).substr(split));
  std::uint64_t unit = 0;
  if (suffix.empty()) {
    unit = 1;
  } else if (suffix == "k" || suffix == "kib") {
    unit = 1ULL << 10;
  } else if (suffix == "m" || suffix == "mib") {
    unit = 1ULL << 20;
  } else if (suffix == "g" || suffix == "gib") {
    unit = 1ULL << 30;
  }
  const auto count = parse_decimal(number);
  if (unit == 0 || !count || *count == 0 || *count > kMaxUploadBytes / unit) {
    fail(name,
         "must be a size in bytes, optionally followed by K, M or G (KiB, MiB, GiB), between 1 "
         "byte and 64G (got " +
             quote_for_message(value) + ")");
  }
  return *count * unit;
}

bool parse_flag(const char* name, const std::string& value) {
  const std::string lowered = ascii_lower(value);
  if (lowered == "1" || lowered == "true" || lowered == "yes") return true;
  if (lowered == "0" || lowered == "false" || lowered == "no") return false;
  fail(name, "must be true or false (got " + quote_for_message(value) + ")");
}

namespace {

[[noreturn]] void fail_rate_rule(const char* name, const std::string& value) {
  fail(name,
       "must be N/WINDOW with N from 1 to 1000000 and a window from 1s to 24h such as 20/5m "
       "(units s, m, h), or off (got " +
           quote_for_message(value) + ")");
}

// Seconds per unit of a rate rule's window: s, m or h; 0 for any other letter.
std::uint64_t window_unit(char letter) {
  switch (letter) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    default:
      return 0;
  }
}

}  // namespace

std::optional<RateRule> parse_rate_rule(const char* name, const std::string& value) {
  if (value == "off") return std::nullopt;
  const auto slash = value.find('/');
  if (slash == std::string::npos) fail_rate_rule(name, value);
  const auto count = parse_decimal(std::string_view(value).substr(0, slash));
  std::string_view window = std::string_view(value).substr(slash + 1);
  std::uint64_t unit = 1;
  if (!window.empty() && is_alpha(window.back())) {
    unit = window_unit(window.back());
    if (unit == 0) fail_rate_rule(name, value);
    window.remove_suffix(1);
  }
  const auto amount =
      window.empty() && unit != 1 ? std::optional<std::uint64_t>(1) : parse_decimal(window);
  if (!count || *count < 1 || *count > 1'000'000 || !amount || *amount < 1 ||
      *amount > kSecondsPerDay / unit) {
    fail_rate_rule(name, value);
  }
  return RateRule{static_cast<unsigned>(*count),
                  std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*amount * unit))};
}

std::vector<Cidr> parse_cidr_list(const char* name, std::string_view text) {
  std::vector<Cidr> ranges;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma), " \t");
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (entry.empty()) continue;
    auto range = parse_cidr(entry);
    if (!range) {
      fail(name, "expected a comma list of addresses or CIDR ranges (got " +
                     quote_for_message(entry, 64) + ")");
    }
    ranges.push_back(*range);
  }
  return ranges;
}

}  // namespace volkrin::config_detail
