// Access log formatting; see access_log.hpp.
#include "http/access_log.hpp"

#include <array>
#include <cstdio>

#include "support/ascii.hpp"
#include "support/log.hpp"
#include "support/time_format.hpp"

namespace volkrin::http {
namespace {

bool is_secret_param(std::string_view key) {
  static constexpr std::array<std::string_view, 7> kSecret{"sig",
                                                           "signature",
                                                           "token",
                                                           "access_token",
                                                           "x-amz-signature",
                                                           "x-amz-credential",
                                                           "x-amz-security-token"};
  for (auto s : kSecret) {
    if (iequals(s, key)) return true;
  }
  return false;
}

// Text formats print client-supplied strings as they are: control bytes (terminal escapes,
// stray CR/LF) become '?' so that no one can forge or hide log lines.
std::string printable(std::string_view v) {
  if (v.empty()) return "-";
  std::string out(v);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

}  // namespace

std::string redact_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_param(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out += "REDACTED";
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

std::string format_access_line(LogFormat format, const AccessEntry& e) {
  const std::string target = redact_target(e.target);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", e.duration_ms);
  std::string line;
  switch (format) {
    case LogFormat::dev:
      // morgan dev: ":method :url :status :response-time ms - :res[content-length]"
      line.append(printable(e.method)).append(" ").append(printable(target)).append(" ");
      line.append(std::to_string(e.status)).append(" ").append(duration).append(" ms - ");
      line.append(std::to_string(e.bytes));
      break;
    case LogFormat::combined:
      line.append(printable(e.remote_address)).append(" - - [").append(clf_date(e.time_ms));
      line.append("] \"").append(printable(e.method)).append(" ").append(printable(target));
      line.append(" HTTP/");
      line.append(std::to_string(e.http_version / 10)).append(".");
      line.append(std::to_string(e.http_version % 10)).append("\" ");
      line.append(std::to_string(e.status)).append(" ").append(std::to_string(e.bytes));
      line.append(" \"").append(printable(e.referrer)).append("\" \"");
      line.append(printable(e.user_agent)).append("\"");
      break;
    case LogFormat::json:
      line = "{\"time\":\"" + iso8601_ms(e.time_ms) + "\",\"level\":\"info\",\"msg\":\"request\"";
      line += ",\"requestId\":\"";
      append_json_escaped(line, e.request_id);
      line += "\",\"method\":\"";
      append_json_escaped(line, e.method);
      line += "\",\"url\":\"";
      append_json_escaped(line, target);
      line += "\",\"route\":\"";
      append_json_escaped(line, e.route);
      line += "\",\"status\":" + std::to_string(e.status);
      line += ",\"durationMs\":";
      line += duration;
      line += ",\"bytes\":" + std::to_string(e.bytes);
      line += ",\"remoteAddr\":\"";
      append_json_escaped(line, e.remote_address);
      line += "\",\"userAgent\":\"";
      append_json_escaped(line, e.user_agent);
      line += "\"";
      if (!e.user_id.empty()) {
        line += ",\"userId\":\"";
        append_json_escaped(line, e.user_id);
        line += "\"";
      }
      line += "}";
      break;
  }
  return line;
}

}  // namespace volkrin::http
