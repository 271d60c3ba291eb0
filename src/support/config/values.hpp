// Parsers for the kinds of value configuration variables hold, and the messages they throw.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/cidr.hpp"
#include "support/config.hpp"

// Not part of the public interface: shared by the files under support/config/ and by the
// other configuration sources (.env files, NAME_FILE variables, the generated JWT secret).
namespace volkrin::config_detail {

// Throws ConfigError("NAME: what").
[[noreturn]] void fail(std::string_view name, std::string_view what);

// The variable's value; nullopt when unset. Empty values count as unset, whatever the
// lookup does with them. (NAME_FILE values are resolved by the lookup itself.)
std::optional<std::string> get(const EnvLookup& env, const char* name);

// --- Quoting for messages ---

// The value in double quotes, safe to put in a one-line message: at most `limit` bytes
// (cut on a UTF-8 boundary, followed by "..." when cut), escaped as inside a JSON string:
// '"', '\' and control characters, and bytes outside well-formed UTF-8 as \ufffd.
std::string quote_for_message(std::string_view value, std::size_t limit = 64);

// The text for an errno value, e.g. "Permission denied".
std::string errno_text(int error);

// Hides "user:password@" in anything that looks like a URL before it is echoed back.
std::string redact_credentials(std::string_view text);

// --- Characters, numbers, hosts ---

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// true when the text holds a space or a control character (bytes up to 0x20, and 0x7F).
bool has_space_or_control(std::string_view text);

// Decimal digits only: no sign, no whitespace, no trailing junk, no overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// The decimal integer in min..max; otherwise "NAME: must be an integer between ...".
std::uint64_t integer_in_range(std::string_view name, const std::string& text, std::uint64_t min,
                               std::uint64_t max);

bool is_ipv4(std::string_view text);
bool is_ipv6(std::string_view text);

// RFC 1123 host name (letters, digits, '-', plus '_' as container service names use it),
// labels of 1..63 characters, at most 253 in all, one trailing '.' allowed. A name whose
// last label is all digits would be a malformed IPv4 address, so it is refused.
bool is_host_name(std::string_view text);

// --- Durations, sizes, flags, lists ---

constexpr std::uint64_t kSecondsPerDay = 24ULL * 60 * 60;

// The variable as whole seconds in min..max, or `fallback` when unset.
std::chrono::seconds seconds_in_range(const EnvLookup& env, const char* name,
                                      std::chrono::seconds fallback, std::uint64_t min,
                                      std::uint64_t max);

// Bytes, or a number with K, M, G (KiB, MiB, GiB; any case) meaning powers of 1024;
// 1 byte to 64G.
std::uint64_t parse_size(const char* name, const std::string& value);

// 1/true/yes or 0/false/no, in any case.
bool parse_flag(const char* name, const std::string& value);

// "N/WINDOW": N requests per window, the window a number of seconds or a number followed
// by s, m or h (a unit alone means one of it), e.g. "20/5m", "100/h"; or "off" (nullopt).
std::optional<RateRule> parse_rate_rule(const char* name, const std::string& value);

// "10.0.0.0/8, 127.0.0.1, ::1" → ranges; names the variable on a bad entry.
std::vector<Cidr> parse_cidr_list(const char* name, std::string_view text);

}  // namespace volkrin::config_detail
