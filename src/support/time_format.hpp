// Wall-clock time and its text forms used on the wire and in logs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volkrin {

std::int64_t now_ms();       // milliseconds since the Unix epoch (system clock)
std::int64_t now_seconds();  // seconds since the Unix epoch

// The formatters cover the years 0000-9999 and throw std::out_of_range outside them.

// "2025-09-01T10:20:30.123Z" (UTC, always milliseconds).
std::string iso8601_ms(std::int64_t epoch_ms);
// Parses the form above, and also without fraction or with an explicit +00:00 offset.
std::optional<std::int64_t> parse_iso8601(std::string_view text);

// Common Log Format date as morgan's "combined" writes it: "10/Oct/2000:13:55:36 +0000".
std::string clf_date(std::int64_t epoch_ms);
// RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (Last-Modified, Date).
std::string http_date(std::int64_t epoch_seconds);
// Also accepts the obsolete RFC 850 and asctime forms, as RFC 7231 asks of recipients.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace volkrin
