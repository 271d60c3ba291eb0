// Access log lines in morgan's formats ("dev", "combined") or as one JSON object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/config.hpp"

namespace volkrin::http {

struct AccessEntry {
  std::string_view method;
  std::string_view target;  // raw; secrets in the query are redacted when formatted
  std::string_view route;   // route template
  unsigned http_version = 11;
  int status = 0;
  double duration_ms = 0;
  std::uint64_t bytes = 0;
  std::int64_t time_ms = 0;
  std::string_view remote_address;
  std::string_view referrer;
  std::string_view user_agent;
  std::string_view request_id;
  std::string_view user_id;
};

// Replaces the values of query parameters that carry credentials (sig, signature, token,
// access_token, X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token) with "REDACTED".
std::string redact_target(std::string_view target);

std::string format_access_line(LogFormat format, const AccessEntry& entry);

}  // namespace volkrin::http
