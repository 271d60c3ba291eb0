// DATABASE_URL=postgres://...: recognising, checking and describing it without its password.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin {

// true for postgres://... and postgresql://..., the prefixes libpq takes as a URL.
bool is_postgres_url(std::string_view text);

// nullopt when libpq can parse the URL; otherwise libpq's reason, one line, password hidden.
std::optional<std::string> postgres_url_problem(const std::string& url);

// "host:port/dbname" for messages, with libpq's defaults where the URL names none; never
// the user's password. "PostgreSQL" when the URL cannot be parsed.
std::string postgres_url_target(const std::string& url);

// Every form in which the URL's password might be echoed: as written and percent-decoded,
// from the user-info part and from password= query parameters. Longest first; no empties.
std::vector<std::string> postgres_password_forms(const std::string& url);

// text with every occurrence of each secret replaced by "***".
std::string hide_secrets(std::string text, const std::vector<std::string>& secrets);

// text on one line: runs of whitespace (libpq's messages end in '\n' and indent with '\t')
// become one space, and leading and trailing whitespace goes.
std::string one_line(std::string_view text);

}  // namespace volkrin
