// spdlog configuration for text and JSON output.
#include "support/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <cstdio>

#include "support/time_format.hpp"

namespace volkrin {
namespace {

LogFormat current_format = LogFormat::dev;
std::shared_ptr<spdlog::logger> access_logger;

// The length of the well-formed UTF-8 sequence that starts `s` (Unicode table 3-7: no
// overlong forms, surrogates or code points past U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t size = 0;
  unsigned char low = 0x80, high = 0xbf;  // the range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    size = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    size = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    size = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (s.size() < size || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < size; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  }
  return size;
}

// {"time":"...","level":"info","msg":"..."}
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    std::string line = "{\"time\":\"" + iso8601_ms(ms) + "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",\"msg\":\"";
    append_json_escaped(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "\"}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Client bytes (header values, targets) need not be UTF-8; a line that is not would
      // not be JSON either, so each byte outside a well-formed sequence becomes U+FFFD.
      const std::size_t n = utf8_sequence_length(text.substr(i));
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

void init_logging(LogFormat format, const std::string& level) {
  current_format = format;
  // Two sinks (a formatter belongs to a sink); stdout sinks share one console lock, so
  // lines from the two loggers never interleave.
  auto app = std::make_shared<spdlog::logger>("volkrin",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
  if (format == LogFormat::json) {
    app->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    app->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  app->set_level(spdlog::level::from_str(level));
  app->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(app);

  access_logger =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  access_logger->set_pattern("%v");
  access_logger->set_level(level == "off" ? spdlog::level::off : spdlog::level::info);
  access_logger->flush_on(spdlog::level::info);
}

LogFormat log_format() {
  return current_format;
}

bool access_log_enabled() {
  return access_logger && access_logger->should_log(spdlog::level::info);
}

void write_access_line(std::string_view line) {
  if (access_logger) access_logger->info("{}", line);
}

}  // namespace volkrin
