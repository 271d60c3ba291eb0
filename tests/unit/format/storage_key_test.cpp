// File-name sanitizing, fresh storage keys and the safety check of keys.
#include "format/storage_key.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>

namespace volkrin {
namespace {

// True when `s` is well-formed UTF-8; a small independent check for the tests.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (b < 0x80) {
      n = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

void expect_harmless(const std::string& out) {
  EXPECT_FALSE(out.empty());
  EXPECT_LE(out.size(), 100u) << out;
  EXPECT_EQ(out.find('/'), std::string::npos) << out;
  EXPECT_EQ(out.find('\\'), std::string::npos) << out;
  EXPECT_EQ(out.find(".."), std::string::npos) << out;
  EXPECT_NE(out.front(), '.') << out;
  for (const char c : out) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE(u < 0x20 || u == 0x7f) << out;
  }
  EXPECT_TRUE(is_valid_utf8(out)) << out;
  EXPECT_TRUE(is_safe_storage_key(out)) << out;
}

TEST(SanitizeFilename, keeps_ordinary_name) {
  EXPECT_EQ(sanitize_filename("song.mp3"), "song.mp3");
  EXPECT_EQ(sanitize_filename("My_Track-01.flac"), "My_Track-01.flac");
}

TEST(SanitizeFilename, removes_parent_directory_traversal) {
  EXPECT_EQ(sanitize_filename("../etc/passwd"), "etcpasswd");
  EXPECT_EQ(sanitize_filename("../../../../x.mp3"), "x.mp3");
}

TEST(SanitizeFilename, removes_backslash_traversal) {
  EXPECT_EQ(sanitize_filename("..\\..\\windows\\win.ini"), "windowswin.ini");
}

TEST(SanitizeFilename, removes_separators_of_absolute_paths) {
  EXPECT_EQ(sanitize_filename("/etc/passwd"), "etcpasswd");
  EXPECT_EQ(sanitize_filename("C:\\Users\\a.mp3"), "CUsersa.mp3");
}

TEST(SanitizeFilename, removes_double_dots_inside_names) {
  EXPECT_EQ(sanitize_filename("a..b.mp3"), "ab.mp3");
  EXPECT_EQ(sanitize_filename("a...b"), "a.b");
  EXPECT_EQ(sanitize_filename("a....b"), "ab");
}

TEST(SanitizeFilename, dropped_bytes_cannot_join_dots_into_traversal) {
  EXPECT_EQ(sanitize_filename("./."), "file");
  EXPECT_EQ(sanitize_filename("a./.b"), "ab");
  EXPECT_EQ(sanitize_filename("a.\x01.b"), "ab");
  EXPECT_EQ(sanitize_filename("a.\xff.b"), "ab");
  expect_harmless(sanitize_filename(". . /. .\\.\t."));
}

TEST(SanitizeFilename, drops_nul_bytes) {
  EXPECT_EQ(sanitize_filename(std::string_view("evil.mp3\0.exe", 13)), "evil.mp3.exe");
  EXPECT_EQ(sanitize_filename(std::string_view("\0\0\0", 3)), "file");
}

TEST(SanitizeFilename, drops_newline_and_other_control_bytes) {
  EXPECT_EQ(sanitize_filename("a\nb"), "ab");
  EXPECT_EQ(sanitize_filename("a\r\n\tb\x1b[31m\x7f"), "ab31m");
}

TEST(SanitizeFilename, drops_c1_control_characters) {
  EXPECT_EQ(sanitize_filename("a\xc2\x85"
                              "b\xc2\x9f"),
            "ab");
}

TEST(SanitizeFilename, collapses_whitespace_runs_to_one_underscore) {
  EXPECT_EQ(sanitize_filename("  a   b  "), "_a_b_");
  EXPECT_EQ(sanitize_filename("my song.mp3"), "my_song.mp3");
}

TEST(SanitizeFilename, control_bytes_inside_whitespace_do_not_split_the_run) {
  EXPECT_EQ(sanitize_filename("a \n b"), "a_b");
}

TEST(SanitizeFilename, unicode_spaces_count_as_whitespace) {
  EXPECT_EQ(sanitize_filename("a\xc2\xa0\xe3\x80\x80"
                              "b"),
            "a_b");  // NBSP, ideographic space
}

TEST(SanitizeFilename, drops_ascii_punctuation_outside_key_alphabet) {
  EXPECT_EQ(sanitize_filename("Artist - Title (Live) [2019] #1 & more!.mp3"),
            "Artist_-_Title_Live_2019_1_more.mp3");
  EXPECT_EQ(sanitize_filename("a?b%c:d*e\"f<g>h|i'j"), "abcdefghij");
}

TEST(SanitizeFilename, drops_leading_dots) {
  EXPECT_EQ(sanitize_filename(".hidden"), "hidden");
  EXPECT_EQ(sanitize_filename("...hidden"), "hidden");
  EXPECT_EQ(sanitize_filename(".bashrc.mp3"), "bashrc.mp3");
}

TEST(SanitizeFilename, only_dots_become_file) {
  EXPECT_EQ(sanitize_filename("."), "file");
  EXPECT_EQ(sanitize_filename(".."), "file");
  EXPECT_EQ(sanitize_filename("..."), "file");
}

TEST(SanitizeFilename, empty_name_becomes_file) {
  EXPECT_EQ(sanitize_filename(""), "file");
  EXPECT_EQ(sanitize_filename("///\\\\"), "file");
}

TEST(SanitizeFilename, keeps_utf8_letters) {
  EXPECT_EQ(sanitize_filename("Caf\xc3\xa9 \xd0\x9c\xd1\x83\xd0\xb7\xd1\x8b\xd0\xba\xd0\xb0.mp3"),
            "Caf\xc3\xa9_\xd0\x9c\xd1\x83\xd0\xb7\xd1\x8b\xd0\xba\xd0\xb0.mp3");
  EXPECT_EQ(sanitize_filename("\xe6\x97\xa5\xe6\x9c\xac.ogg"), "\xe6\x97\xa5\xe6\x9c\xac.ogg");
}

TEST(SanitizeFilename, keeps_emoji) {
  EXPECT_EQ(sanitize_filename("\xf0\x9f\x8e\xb5 tune \xf0\x9f\x94\xa5.mp3"),
            "\xf0\x9f\x8e\xb5_tune_\xf0\x9f\x94\xa5.mp3");
  expect_harmless(sanitize_filename("\xf0\x9f\x8e\xb5\xf0\x9f\x8e\xb6\xf0\x9f\x8e\xb7"));
}

TEST(SanitizeFilename, cuts_invalid_utf8_bytes) {
  EXPECT_EQ(sanitize_filename("a\xff"
                              "b"),
            "ab");
  EXPECT_EQ(sanitize_filename("a\xc3"
                              "b"),
            "ab");  // truncated sequence
  EXPECT_EQ(sanitize_filename("a\xc0\xaf"
                              "b"),
            "ab");  // overlong '/'
  EXPECT_EQ(sanitize_filename("a\xed\xa0\x80"
                              "b"),
            "ab");  // surrogate
  EXPECT_EQ(sanitize_filename("a\xf4\x90\x80\x80"
                              "b"),
            "ab");  // above U+10FFFF
  EXPECT_EQ(sanitize_filename("a\x80\xbf"
                              "b"),
            "ab");                                       // stray continuation bytes
  EXPECT_EQ(sanitize_filename("\xf0\x9f\x8e"), "file");  // emoji missing its last byte
}

TEST(SanitizeFilename, truncates_very_long_name_to_100_bytes) {
  const std::string out = sanitize_filename(std::string(10000, 'a'));
  EXPECT_EQ(out, std::string(100, 'a'));
}

TEST(SanitizeFilename, truncation_never_splits_a_utf8_sequence) {
  std::string name;
  for (int i = 0; i < 2000; ++i) name += "\xc3\xa9";  // 2-byte letters: 100 is a boundary
  EXPECT_EQ(sanitize_filename(name).size(), 100u);

  name = "x";  // shifted by one byte, so byte 100 falls inside a letter
  for (int i = 0; i < 2000; ++i) name += "\xc3\xa9";
  const std::string shifted = sanitize_filename(name);
  EXPECT_EQ(shifted.size(), 99u);
  expect_harmless(shifted);

  name.clear();
  for (int i = 0; i < 3000; ++i) name += "\xf0\x9f\x8e\xb5";  // 4-byte emoji
  const std::string emoji = sanitize_filename(name);
  EXPECT_EQ(emoji.size(), 100u);
  expect_harmless(emoji);

  name = "ab";
  for (int i = 0; i < 3000; ++i) name += "\xe6\x97\xa5";  // 3-byte letters after 2 bytes
  const std::string cjk = sanitize_filename(name);
  EXPECT_EQ(cjk.size(), 98u);
  expect_harmless(cjk);
}

TEST(SanitizeFilename, result_is_always_harmless) {
  for (const std::string_view name :
       {"../", "..\\", "/etc/passwd", "  a   b  ", ".hidden", "", "....//....", "a/../b",
        "evil\xe2\x80\xaegpj.exe", "x\x7f\x01y", "\xc3\x28", ". .. ...", "-", "_"}) {
    expect_harmless(sanitize_filename(name));
  }
  expect_harmless(sanitize_filename(std::string(10000, '.') + "x"));
  expect_harmless(sanitize_filename(std::string(10000, ' ')));
}

bool is_audio_key(const std::string& key) {
  static const std::regex format(
      "^audio/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-.+$");
  return std::regex_match(key, format);
}

TEST(NewStorageKey, audio_key_has_uuid_v4_and_sanitized_name) {
  const std::string key = new_storage_key("audio", "my song.mp3");
  EXPECT_TRUE(is_audio_key(key)) << key;
  EXPECT_TRUE(key.ends_with("-my_song.mp3")) << key;
  EXPECT_EQ(key.size(), std::string("audio/").size() + 36 + 1 + 11);
}

TEST(NewStorageKey, thumbnail_key_uses_thumbnails_prefix) {
  const std::string key = new_storage_key("thumbnails", "cover.png");
  EXPECT_TRUE(key.starts_with("thumbnails/")) << key;
  EXPECT_TRUE(key.ends_with("-cover.png")) << key;
  EXPECT_TRUE(is_safe_storage_key(key)) << key;
}

TEST(NewStorageKey, keys_are_unique) {
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.insert(new_storage_key("audio", "a.mp3"));
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(NewStorageKey, every_key_is_safe_whatever_the_client_name) {
  std::string long_utf8;
  for (int i = 0; i < 5000; ++i) long_utf8 += "\xc3\xa9";
  const std::string names[] = {"../",
                               "..\\",
                               "/etc/passwd",
                               std::string("a\0b", 3),
                               "line\nbreak.mp3",
                               "  a   b  ",
                               std::string(10000, 'x'),
                               long_utf8,
                               ".hidden",
                               "\xf0\x9f\x8e\xb5.mp3",
                               "",
                               "..",
                               "\xff\xfe",
                               "Artist - Title (Live) [2019].mp3"};
  for (const std::string& name : names) {
    for (const std::string_view prefix : {"audio", "thumbnails"}) {
      const std::string key = new_storage_key(prefix, name);
      EXPECT_TRUE(is_safe_storage_key(key)) << key;
      if (prefix == "audio") {
        EXPECT_TRUE(is_audio_key(key)) << key;
      }
    }
  }
}

TEST(NewStorageKey, rejects_unknown_prefix) {
  EXPECT_THROW(new_storage_key("../audio", "a.mp3"), std::invalid_argument);
  EXPECT_THROW(new_storage_key("", "a.mp3"), std::invalid_argument);
}

TEST(IsSafeStorageKey, accepts_keys_this_server_makes) {
  EXPECT_TRUE(is_safe_storage_key("audio/0f8e2c1a-9b7d-4c3e-8a21-5d6f7e8a9b0c-song.mp3"));
  EXPECT_TRUE(is_safe_storage_key("thumbnails/0f8e2c1a-9b7d-4c3e-8a21-5d6f7e8a9b0c-cover.png"));
  EXPECT_TRUE(is_safe_storage_key("audio/x-Caf\xc3\xa9_\xf0\x9f\x8e\xb5.mp3"));
  EXPECT_TRUE(is_safe_storage_key("a"));
}

TEST(IsSafeStorageKey, rejects_traversal_segments) {
  EXPECT_FALSE(is_safe_storage_key(".."));
  EXPECT_FALSE(is_safe_storage_key("audio/../etc/passwd"));
  EXPECT_FALSE(is_safe_storage_key("audio/.."));
  EXPECT_FALSE(is_safe_storage_key("../audio/x"));
  EXPECT_FALSE(is_safe_storage_key("audio/./x"));
}

TEST(IsSafeStorageKey, rejects_absolute_key) {
  EXPECT_FALSE(is_safe_storage_key("/etc/passwd"));
  EXPECT_FALSE(is_safe_storage_key("/audio/x.mp3"));
}

TEST(IsSafeStorageKey, rejects_backslash) {
  EXPECT_FALSE(is_safe_storage_key("audio\\x.mp3"));
  EXPECT_FALSE(is_safe_storage_key("audio/..\\..\\x"));
}

TEST(IsSafeStorageKey, rejects_empty_key_and_empty_segments) {
  EXPECT_FALSE(is_safe_storage_key(""));
  EXPECT_FALSE(is_safe_storage_key("audio//x.mp3"));
  EXPECT_FALSE(is_safe_storage_key("audio/"));
  EXPECT_FALSE(is_safe_storage_key("/"));
}

TEST(IsSafeStorageKey, rejects_control_bytes) {
  EXPECT_FALSE(is_safe_storage_key(std::string_view("audio/a\0b", 9)));
  EXPECT_FALSE(is_safe_storage_key("audio/a\nb"));
  EXPECT_FALSE(is_safe_storage_key("audio/a\x7f"));
  EXPECT_FALSE(is_safe_storage_key("audio/a\xc2\x85"));
}

TEST(IsSafeStorageKey, rejects_other_ascii_and_invalid_utf8) {
  EXPECT_FALSE(is_safe_storage_key("audio/a b"));
  EXPECT_FALSE(is_safe_storage_key("audio/a%2e"));
  EXPECT_FALSE(is_safe_storage_key("audio/a?b"));
  EXPECT_FALSE(is_safe_storage_key("audio/a\xff"));
  EXPECT_FALSE(is_safe_storage_key("audio/a\xc0\xae\xc0\xae"));
}

TEST(IsSafeStorageKey, rejects_keys_longer_than_300_bytes) {
  EXPECT_TRUE(is_safe_storage_key("audio/" + std::string(294, 'a')));
  EXPECT_FALSE(is_safe_storage_key("audio/" + std::string(295, 'a')));
}

}  // namespace
}  // namespace volkrin
