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
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void init_logging(LogFormat format, const std::string& level) {
  current_format = format;
  // Two sinks (a formatter belongs to a sink); stdout sinks share one console lock, so
  // lines from the two loggers never interleave.
  auto app = std::make_shared<spdlog::logger>(
      "volkrin", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  if (format == LogFormat::json) {
    app->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    app->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  app->set_level(spdlog::level::from_str(level));
  app->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(app);

  access_logger = std::make_shared<spdlog::logger>(
      "access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  access_logger->set_pattern("%v");
  access_logger->set_level(level == "off" ? spdlog::level::off : spdlog::level::info);
  access_logger->flush_on(spdlog::level::info);
}

LogFormat log_format() { return current_format; }

void write_access_line(std::string_view line) {
  if (access_logger) access_logger->info("{}", line);
}

}  // namespace volkrin
