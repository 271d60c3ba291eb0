// Parsing DATABASE_URL with libpq for checks and messages that never show the password.
#include "support/postgres_url.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "support/ascii.hpp"
#include "support/percent_decode.hpp"

namespace volkrin {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

struct ErrorDeleter {
  void operator()(char* text) const noexcept { PQfreemem(text); }
};

// The parsed options, or nullptr with the reason in `error`.
Options parse(const std::string& url, std::string* error) {
  char* raw_error = nullptr;
  Options options(PQconninfoParse(url.c_str(), &raw_error));
  const std::unique_ptr<char, ErrorDeleter> owned_error(raw_error);
  if (options == nullptr && error != nullptr) {
    *error = raw_error != nullptr ? raw_error : "out of memory";
  }
  return options;
}

std::string option(const PQconninfoOption* options, std::string_view keyword) {
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr) return o->val;
  }
  return {};
}

// The password part of the user info before the last '@' of `authority`, if any.
std::optional<std::string_view> userinfo_password(std::string_view authority) {
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const auto userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return userinfo.substr(colon + 1);
}

}  // namespace

bool is_postgres_url(std::string_view text) {
  return text.starts_with("postgres://") || text.starts_with("postgresql://");
}

std::optional<std::string> postgres_url_problem(const std::string& url) {
  std::string error;
  if (parse(url, &error) != nullptr) return std::nullopt;
  return one_line(hide_secrets(error, postgres_password_forms(url)));
}

std::string postgres_url_target(const std::string& url) {
  const Options options = parse(url, nullptr);
  if (options == nullptr) return "PostgreSQL";
  std::string host = option(options.get(), "host");
  if (host.empty()) host = option(options.get(), "hostaddr");
  if (host.empty()) host = "localhost";
  std::string port = option(options.get(), "port");
  if (port.empty()) port = "5432";
  std::string dbname = option(options.get(), "dbname");
  if (dbname.empty()) dbname = option(options.get(), "user");
  std::string target = host + ":" + port;
  if (!dbname.empty()) target += "/" + dbname;
  return hide_secrets(std::move(target), postgres_password_forms(url));
}

std::vector<std::string> postgres_password_forms(const std::string& url) {
  std::vector<std::string> forms;
  auto add = [&forms](std::string_view raw) {
    forms.emplace_back(raw);
    // A malformed escape makes libpq refuse the URL, and its message quotes the raw text.
    if (auto decoded = percent_decode(raw)) forms.push_back(std::move(*decoded));
  };
  if (const Options options = parse(url, nullptr)) add(option(options.get(), "password"));

  const std::string_view text = url;
  const auto scheme_end = text.find("://");
  if (scheme_end != std::string_view::npos) {
    const auto rest = text.substr(scheme_end + 3);
    const auto query_start = rest.find_first_of("?#");
    // libpq ends the user info at the first '/', a careless URL may not: try both.
    const auto before_query = rest.substr(0, query_start);
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    for (const auto part : {authority, before_query}) {
      if (const auto password = userinfo_password(part)) add(*password);
    }
    if (query_start != std::string_view::npos) {
      std::string_view query = rest.substr(query_start + 1);
      while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        if (pair.starts_with("password=")) add(pair.substr(9));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
      }
    }
  }
  std::erase_if(forms, [](const std::string& form) { return form.empty(); });
  std::sort(forms.begin(), forms.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

std::string hide_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

std::string one_line(std::string_view text) {
  return collapse_whitespace(text);
}

}  // namespace volkrin
