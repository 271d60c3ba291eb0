// Unit tests for .env parsing and for layering the process environment over it.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "support/config.hpp"
#include "test_support.hpp"

namespace volkrin {
namespace {

using Vars = std::map<std::string, std::string>;

std::string error_for(std::string_view text) {
  try {
    parse_env_file(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parse_env_file accepted: " << text;
  return {};
}

TEST(EnvFile, parses_key_value_lines) {
  EXPECT_EQ(parse_env_file("PORT=8000\nHOST=127.0.0.1\n"),
            (Vars{{"PORT", "8000"}, {"HOST", "127.0.0.1"}}));
}

TEST(EnvFile, last_line_needs_no_newline) {
  EXPECT_EQ(parse_env_file("A=1\nB=2"), (Vars{{"A", "1"}, {"B", "2"}}));
}

TEST(EnvFile, empty_text_gives_no_values) {
  EXPECT_TRUE(parse_env_file("").empty());
}

TEST(EnvFile, skips_blank_lines_and_comment_lines) {
  EXPECT_EQ(parse_env_file("# comment\n\n   \n\t# indented comment\nA=1\n"), (Vars{{"A", "1"}}));
}

TEST(EnvFile, trims_whitespace_around_key_and_unquoted_value) {
  EXPECT_EQ(parse_env_file("  A  =  some value  \n\tB\t=\tx\t\n"),
            (Vars{{"A", "some value"}, {"B", "x"}}));
}

TEST(EnvFile, accepts_export_prefix) {
  EXPECT_EQ(parse_env_file("export A=1\nexport\tB=2\n  export   C = 3\n"),
            (Vars{{"A", "1"}, {"B", "2"}, {"C", "3"}}));
}

TEST(EnvFile, export_can_be_a_variable_name) {
  EXPECT_EQ(parse_env_file("export=1\nexporter=2\n"), (Vars{{"export", "1"}, {"exporter", "2"}}));
}

TEST(EnvFile, empty_value_is_kept_as_empty) {
  EXPECT_EQ(parse_env_file("A=\nB=   \n"), (Vars{{"A", ""}, {"B", ""}}));
}

TEST(EnvFile, space_then_hash_starts_an_inline_comment) {
  EXPECT_EQ(parse_env_file("A=value # comment\nB=value\t# tab comment\nC= # only a comment\n"),
            (Vars{{"A", "value"}, {"B", "value"}, {"C", ""}}));
}

TEST(EnvFile, hash_without_preceding_space_is_part_of_the_value) {
  EXPECT_EQ(parse_env_file("A=abc#def\nB=#fff\nC=http://h/#frag\n"),
            (Vars{{"A", "abc#def"}, {"B", "#fff"}, {"C", "http://h/#frag"}}));
}

TEST(EnvFile, value_may_contain_equals_signs) {
  EXPECT_EQ(parse_env_file("A=b=c==\n"), (Vars{{"A", "b=c=="}}));
}

TEST(EnvFile, single_quotes_are_literal) {
  EXPECT_EQ(parse_env_file(R"(A='a \n "b" # not a comment  ')"),
            (Vars{{"A", R"(a \n "b" # not a comment  )"}}));
}

TEST(EnvFile, double_quotes_support_escapes) {
  EXPECT_EQ(parse_env_file(R"(A="line1\nline2\tend \"q\" back\\slash")"),
            (Vars{{"A", "line1\nline2\tend \"q\" back\\slash"}}));
}

TEST(EnvFile, double_quotes_keep_unknown_escapes_and_hashes) {
  EXPECT_EQ(parse_env_file(R"(A="\d # kept")"), (Vars{{"A", R"(\d # kept)"}}));
}

TEST(EnvFile, quoted_values_keep_inner_whitespace) {
  EXPECT_EQ(parse_env_file("A=\"  padded  \"\nB='  x  '\n"),
            (Vars{{"A", "  padded  "}, {"B", "  x  "}}));
}

TEST(EnvFile, quoted_value_may_be_followed_by_whitespace_or_a_comment) {
  EXPECT_EQ(parse_env_file("A=\"x\"   \nB='y' # note\nC=\"z\"# note\n"),
            (Vars{{"A", "x"}, {"B", "y"}, {"C", "z"}}));
}

TEST(EnvFile, junk_after_a_quoted_value_is_an_error) {
  EXPECT_EQ(error_for("A=1\nB=\"x\"y\n").rfind(".env line 2: ", 0), 0U);
  EXPECT_EQ(error_for("B='x' y\n").rfind(".env line 1: ", 0), 0U);
}

TEST(EnvFile, unterminated_quotes_are_errors_with_line_numbers) {
  EXPECT_EQ(error_for("A=1\n\nB=\"open\n"), ".env line 3: unterminated double-quoted value");
  EXPECT_EQ(error_for("A='open\n"), ".env line 1: unterminated single-quoted value");
  EXPECT_EQ(error_for("A=\"ends with backslash\\\"\n"),
            ".env line 1: unterminated double-quoted value");
}

TEST(EnvFile, line_without_equals_is_an_error) {
  EXPECT_EQ(error_for("A=1\nJUST_A_WORD\n"), ".env line 2: expected KEY=VALUE");
  EXPECT_EQ(error_for("export A\n"), ".env line 1: expected KEY=VALUE");
}

TEST(EnvFile, invalid_keys_are_errors) {
  for (const char* text : {"1A=x", "A-B=x", "A B=x", "=x", "A.B=x", "\xC3\xA9=x"}) {
    EXPECT_EQ(error_for(text).rfind(".env line 1: invalid variable name", 0), 0U) << text;
  }
}

TEST(EnvFile, error_messages_do_not_echo_the_line) {
  const std::string message = error_for("JWT_SECRET=\"hunter2\n");
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
}

TEST(EnvFile, later_duplicates_override_earlier_ones) {
  EXPECT_EQ(parse_env_file("A=1\nB=x\nA=2\n"), (Vars{{"A", "2"}, {"B", "x"}}));
}

TEST(EnvFile, handles_crlf_line_endings) {
  EXPECT_EQ(parse_env_file("A=1\r\nB=\"two\"\r\n# c\r\nC='3' # x\r\n"),
            (Vars{{"A", "1"}, {"B", "two"}, {"C", "3"}}));
  EXPECT_EQ(error_for("A=1\r\nB\r\n"), ".env line 2: expected KEY=VALUE");
}

TEST(EnvFile, skips_a_utf8_byte_order_mark) {
  EXPECT_EQ(parse_env_file("\xEF\xBB\xBFPORT=1\n"), (Vars{{"PORT", "1"}}));
}

TEST(EnvFile, keeps_utf8_values) {
  EXPECT_EQ(parse_env_file("NAME=Caf\xC3\xA9\n"), (Vars{{"NAME", "Caf\xC3\xA9"}}));
}

TEST(EnvLookup, environment_wins_over_dotenv_and_empty_counts_as_unset) {
  const std::string name = "VOLKRIN_ENV_LOOKUP_TEST_" + std::to_string(::getpid());
  const std::string only_in_file = name + "_FILE_ONLY";
  ASSERT_EQ(::unsetenv(only_in_file.c_str()), 0);
  const EnvLookup lookup =
      make_env_lookup({{name, "from-dotenv"}, {only_in_file, "file"}, {name + "_EMPTY", ""}});

  ASSERT_EQ(::setenv(name.c_str(), "from-environment", 1), 0);
  EXPECT_EQ(lookup(name), std::optional<std::string>("from-environment"));

  ASSERT_EQ(::setenv(name.c_str(), "", 1), 0);
  EXPECT_EQ(lookup(name), std::optional<std::string>("from-dotenv"));

  ASSERT_EQ(::unsetenv(name.c_str()), 0);
  EXPECT_EQ(lookup(name), std::optional<std::string>("from-dotenv"));
  EXPECT_EQ(lookup(only_in_file), std::optional<std::string>("file"));
  EXPECT_EQ(lookup(name + "_EMPTY"), std::nullopt);
  EXPECT_EQ(lookup(name + "_MISSING"), std::nullopt);
}

// A file holding `content`, removed at the end of the test.
class ValueFile {
 public:
  explicit ValueFile(const std::string& content) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  const std::string& path() const { return path_; }

 private:
  test::TempDir dir_;
  std::string path_ = (dir_.path() / "value").string();
};

TEST(EnvLookup, a_name_file_variable_supplies_the_value_without_trailing_line_breaks) {
  const ValueFile secret("s3cret value\r\n\n");
  const EnvLookup lookup = make_env_lookup({{"VOLKRIN_TEST_SECRET_FILE", secret.path()}});
  EXPECT_EQ(lookup("VOLKRIN_TEST_SECRET"), std::optional<std::string>("s3cret value"));
  EXPECT_EQ(lookup("VOLKRIN_TEST_SECRET_FILE"), std::optional<std::string>(secret.path()));
}

TEST(EnvLookup, an_empty_value_file_counts_as_unset) {
  const ValueFile empty("\n");
  const EnvLookup lookup = make_env_lookup({{"VOLKRIN_TEST_SECRET_FILE", empty.path()}});
  EXPECT_EQ(lookup("VOLKRIN_TEST_SECRET"), std::nullopt);
}

TEST(EnvLookup, a_value_and_its_file_together_are_an_error) {
  const ValueFile secret("x");
  const EnvLookup lookup = make_env_lookup(
      {{"VOLKRIN_TEST_SECRET", "direct"}, {"VOLKRIN_TEST_SECRET_FILE", secret.path()}});
  EXPECT_THROW(
      {
        try {
          lookup("VOLKRIN_TEST_SECRET");
        } catch (const ConfigError& e) {
          EXPECT_STREQ(e.what(),
                       "VOLKRIN_TEST_SECRET_FILE: set either VOLKRIN_TEST_SECRET or "
                       "VOLKRIN_TEST_SECRET_FILE, not both");
          throw;
        }
      },
      ConfigError);
}

TEST(EnvLookup, an_unreadable_value_file_names_the_variable_and_path_only) {
  const EnvLookup lookup =
      make_env_lookup({{"VOLKRIN_TEST_SECRET_FILE", "/nonexistent/volkrin-secret"}});
  try {
    lookup("VOLKRIN_TEST_SECRET");
    ADD_FAILURE() << "no error for a missing file";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "VOLKRIN_TEST_SECRET_FILE: cannot read \"/nonexistent/volkrin-secret\" (No such "
              "file or directory)");
  }
}

}  // namespace
}  // namespace volkrin
