// Parses .env files and layers them under the process environment as one EnvLookup.
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include "support/ascii.hpp"
#include "support/config.hpp"
#include "support/config/values.hpp"

namespace volkrin {

namespace {

// Messages name the line only: a .env line may hold a secret, so none of it is echoed.
[[noreturn]] void line_error(std::size_t line, std::string_view what) {
  std::string message = ".env line " + std::to_string(line) + ": ";
  message += what;
  throw ConfigError(message);
}

// Blanks around keys and values: whitespace but the line break.
constexpr std::string_view kBlanks = " \t\f\v\r";

bool is_blank(char c) {
  return kBlanks.find(c) != std::string_view::npos;
}

std::string_view trim_left(std::string_view text) {
  return trim_start(text, kBlanks);
}

std::string_view trim_blanks(std::string_view text) {
  return trim(text, kBlanks);
}

bool is_valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// After a closing quote only blanks or a comment may follow.
void expect_line_end(std::string_view rest, std::size_t line) {
  rest = trim_left(rest);
  if (!rest.empty() && rest.front() != '#') {
    line_error(line, "unexpected characters after the closing quote");
  }
}

std::string single_quoted(std::string_view text, std::size_t line) {
  const auto close = text.find('\'', 1);
  if (close == std::string_view::npos) line_error(line, "unterminated single-quoted value");
  expect_line_end(text.substr(close + 1), line);
  return std::string(text.substr(1, close - 1));
}

std::string double_quoted(std::string_view text, std::size_t line) {
  std::string value;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      expect_line_end(text.substr(i + 1), line);
      return value;
    }
    if (c != '\\' || i + 1 == text.size()) {
      value += c;
      continue;
    }
    const char next = text[++i];
    switch (next) {
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case '"':
        value += '"';
        break;
      case '\\':
        value += '\\';
        break;
      default:  // Unknown escapes stay as written.
        value += '\\';
        value += next;
    }
  }
  line_error(line, "unterminated double-quoted value");
}

// `raw` is everything after '='.
std::string parse_value(std::string_view raw, std::size_t line) {
  const auto text = trim_left(raw);
  if (!text.empty() && text.front() == '\'') return single_quoted(text, line);
  if (!text.empty() && text.front() == '"') return double_quoted(text, line);
  // Unquoted: a '#' preceded by a blank starts a comment.
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && is_blank(raw[i - 1])) {
      raw = raw.substr(0, i);
      break;
    }
  }
  return std::string(trim_blanks(raw));
}

// The value held in a NAME_FILE file (a Docker or Kubernetes secret): its text without
// trailing line breaks. The message names the variable and the path, never the content.
std::optional<std::string> read_value_file(const std::string& variable, const std::string& path) {
  constexpr std::size_t kMaxValueFile = std::size_t{64} * 1024;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ConfigError(variable + ": cannot read " + config_detail::quote_for_message(path, 200) +
                      " (" + config_detail::errno_text(errno) + ")");
  }
  std::string text(kMaxValueFile + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(file.gcount()));
  if (file.bad()) {
    throw ConfigError(variable + ": cannot read " + config_detail::quote_for_message(path, 200));
  }
  if (text.size() > kMaxValueFile) {
    throw ConfigError(variable + ": " + config_detail::quote_for_message(path, 200) +
                      " is larger than 64 KiB");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

std::map<std::string, std::string> parse_env_file(std::string_view text) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  std::map<std::string, std::string> values;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    line = trim_blanks(line);
    if (line.empty() || line.front() == '#') continue;

    constexpr std::string_view kExport = "export";
    if (line.size() > kExport.size() && line.substr(0, kExport.size()) == kExport &&
        is_blank(line[kExport.size()])) {
      line = trim_left(line.substr(kExport.size()));
    }

    const auto equals = line.find('=');
    if (equals == std::string_view::npos) line_error(line_number, "expected KEY=VALUE");
    const auto key = trim_blanks(line.substr(0, equals));
    if (!is_valid_key(key)) {
      line_error(line_number,
                 "invalid variable name (letters, digits and '_', not starting with a digit)");
    }
    values[std::string(key)] = parse_value(line.substr(equals + 1), line_number);
  }
  return values;
}

EnvLookup make_env_lookup(std::map<std::string, std::string> dotenv) {
  auto direct = [dotenv =
                     std::move(dotenv)](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str()); value != nullptr && *value != '\0') {
      return std::string(value);
    }
    if (const auto it = dotenv.find(name); it != dotenv.end() && !it->second.empty()) {
      return it->second;
    }
    return std::nullopt;
  };
  return [direct = std::move(direct)](const std::string& name) -> std::optional<std::string> {
    auto value = direct(name);
    constexpr std::string_view kFileSuffix = "_FILE";
    if (std::string_view(name).ends_with(kFileSuffix)) return value;
    const std::string file_variable = name + std::string(kFileSuffix);
    const auto file = direct(file_variable);
    if (!file) return value;
    if (value) {
      throw ConfigError(file_variable + ": set either " + name + " or " + file_variable +
                        ", not both");
    }
    return read_value_file(file_variable, *file);
  };
}

}  // namespace volkrin
