// libFuzzer target for storage keys: whatever a client names its file, the key made of it
// stays one segment under its prefix, with no "..", no separator and no control character.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "format/storage_key.hpp"
#include "support/text_validation.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A C0 control, DEL or a C1 control (U+0080..U+009F, "\xC2\x80".."\xC2\x9F").
bool has_control(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return true;
    if (b == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return true;
  }
  return false;
}

// Unicode White_Space outside the controls: sanitizing turns every run of it into one '_'.
bool has_space(std::string_view s) {
  static constexpr std::string_view kSpaces[] = {" ",
                                                 "\xC2\xA0",
                                                 "\xE1\x9A\x80",
                                                 "\xE2\x80\xA8",
                                                 "\xE2\x80\xA9",
                                                 "\xE2\x80\xAF",
                                                 "\xE2\x81\x9F",
                                                 "\xE3\x80\x80"};
  for (const auto space : kSpaces) {
    if (s.find(space) != std::string_view::npos) return true;
  }
  for (char c = '\x80'; c <= '\x8A'; ++c) {  // U+2000..U+200A
    if (s.find(std::string{'\xE2', '\x80', c}) != std::string_view::npos) return true;
  }
  return false;
}

void check_segment(std::string_view name) {
  check(!name.empty());
  check(name.size() <= 100);
  check(name.find('/') == std::string_view::npos);
  check(name.find('\\') == std::string_view::npos);
  check(name.find("..") == std::string_view::npos);
  check(name.front() != '.');
  check(!has_control(name));
  check(!has_space(name));
  check(volkrin::utf8_length(name).has_value());
  check(volkrin::is_safe_storage_key(name));
}

// A key accepted as safe has none of what the check promises to refuse.
void check_accepted_key(std::string_view key) {
  check(!key.empty() && key.size() <= 300);
  check(key.front() != '/' && key.back() != '/');
  check(key.find("//") == std::string_view::npos);
  check(key.find('\\') == std::string_view::npos);
  check(volkrin::utf8_length(key).has_value());
  check(!has_control(key));
  check(key.find(' ') == std::string_view::npos);
  for (std::size_t start = 0;;) {
    const std::size_t slash = key.find('/', start);
    const std::string_view segment = key.substr(start, slash - start);
    check(segment != "." && segment != "..");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string name = volkrin::sanitize_filename(input);
  check_segment(name);
  check(volkrin::sanitize_filename(name) == name);  // already harmless: kept as it is

  for (const std::string_view prefix : {"audio", "thumbnails"}) {
    const std::string key = volkrin::new_storage_key(prefix, input);
    check(key.starts_with(std::string(prefix) + "/"));
    const std::string_view rest = std::string_view(key).substr(prefix.size() + 1);
    check(rest.find('/') == std::string_view::npos);  // no separator beyond the prefix
    check(rest.size() > 37 && rest[36] == '-');       // "<uuid>-<name>"
    check(rest.substr(37) == name);
    check(volkrin::is_safe_storage_key(key));
    check_accepted_key(key);
  }

  if (volkrin::is_safe_storage_key(input)) check_accepted_key(input);
  return 0;
}
