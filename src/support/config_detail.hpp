// Message formatting shared by the configuration sources (not part of the public interface).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace volkrin::config_detail {

// The value in double quotes, safe to put in a one-line message: at most `limit` bytes
// (cut on a UTF-8 boundary, followed by "..." when cut), escaped as inside a JSON string:
// '"', '\' and control characters, and bytes outside well-formed UTF-8 as \ufffd.
std::string quote_for_message(std::string_view value, std::size_t limit = 64);

// The text for an errno value, e.g. "Permission denied".
std::string errno_text(int error);

}  // namespace volkrin::config_detail
