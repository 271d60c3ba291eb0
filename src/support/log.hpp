// Logging set-up: one line per event on stdout, as text or as one JSON object per line.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "support/config.hpp"

namespace volkrin {

// Configures spdlog's default logger (application events) and the access logger.
void init_logging(LogFormat format, const std::string& level);
LogFormat log_format();

// False when LOG_LEVEL=off: callers skip formatting lines nobody will read.
bool access_log_enabled();
// Writes one finished access-log line as is.
void write_access_line(std::string_view line);

// Appends `text` to `out` as the inside of a JSON string (quotes not included). Bytes that
// are not part of well-formed UTF-8 become \ufffd, so the result is always valid JSON.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace volkrin
