// Parsing and validation of mongoexport output (Extended JSON) into user and track records.
#include "app/mongo_dump.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <stdexcept>
#include <utility>

#include "format/storage_key.hpp"
#include "service/auth_service.hpp"
#include "support/api_error.hpp"
#include "support/object_id.hpp"
#include "support/percent_decode.hpp"
#include "support/time_format.hpp"

namespace volkrin {
namespace {

namespace json = boost::json;

// A field that cannot be imported; the message names the field, never a password.
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The years iso8601_ms() can write: 0000-01-01 to 9999-12-31.
constexpr std::int64_t kMinDateMs = -62'167'219'200'000;
constexpr std::int64_t kMaxDateMs = 253'402'300'799'999;

// A document of the file, or why that part of the file is not one.
struct Document {
  json::object object;
  std::string where;
  std::string problem;  // "" for a usable object
};

std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 80;
  std::string out = "\"";
  out += text.substr(0, kShown);
  if (text.size() > kShown) out += "...";
  return out + "\"";
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(),
                 text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n'));
}

// Splits a file into its documents, in file order: a JSON array, or one document per
// non-blank line.
std::vector<Document> split_documents(const DumpFile& file) {
  std::string_view text = file.text;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Document> documents;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return documents;

  if (text[first] == '[') {
    json::stream_parser parser;
    json::error_code ec;
    const std::size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      documents.push_back({{},
                           file.name + " line " + std::to_string(line_of(text, used)),
                           "not valid JSON (" + ec.message() + ")"});
      return documents;
    }
    const json::value all = parser.release();
    std::size_t index = 0;
    for (const auto& element : all.as_array()) {
      const std::string where = file.name + " element " + std::to_string(++index);
      if (element.is_object()) {
        documents.push_back({element.as_object(), where, ""});
      } else {
        documents.push_back({{}, where, "expected a JSON object"});
      }
    }
    return documents;
  }

  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = file.name + " line " + std::to_string(line_number);
    json::error_code ec;
    json::value value = json::parse(line, ec);
    if (ec) {
      documents.push_back({{}, where, "not valid JSON (" + ec.message() + ")"});
    } else if (!value.is_object()) {
      documents.push_back({{}, where, "expected a JSON object"});
    } else {
      documents.push_back({std::move(value.as_object()), where, ""});
    }
  }
  return documents;
}

const json::value* field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

std::string required_string(const json::object& o, std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr) throw FieldError(std::string(name) + ": missing");
  if (!v->is_string()) throw FieldError(std::string(name) + ": expected a string");
  return std::string(v->as_string());
}

std::optional<std::string> optional_string(const json::object& o, std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw FieldError(std::string(name) + ": expected a string");
  return std::string(v->as_string());
}

// {"$oid": "<24 hex>"}, or the 24 hex digits as a plain string; lower-cased.
std::optional<std::string> object_id(const json::object& o, std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::nullopt;
  const json::value* hex = v;
  if (v->is_object()) hex = v->as_object().if_contains("$oid");
  if (hex == nullptr || !hex->is_string()) {
    throw FieldError(std::string(name) + ": expected {\"$oid\": \"<24 hex digits>\"}");
  }
  std::string id(hex->as_string());
  std::transform(id.begin(), id.end(), id.begin(), [](char c) {
    return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (!is_object_id(id)) {
    throw FieldError(std::string(name) + ": " + shown(id) + " is not a 24-hex-digit ObjectId");
  }
  return id;
}

std::int64_t checked_date(std::string_view name, std::int64_t ms) {
  if (ms < kMinDateMs || ms > kMaxDateMs) {
    throw FieldError(std::string(name) + ": date outside the years 0000-9999");
  }
  return ms;
}

// {"$date": "2025-09-01T10:20:30.123Z"} (relaxed), {"$date": {"$numberLong": "1756..."}}
// (canonical), {"$date": 1756...} (legacy); nullopt when absent.
std::optional<std::int64_t> date(const json::object& o, std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::nullopt;
  const std::string expected = std::string(name) +
                               ": expected {\"$date\": \"<ISO-8601>\"} or {\"$date\": "
                               "{\"$numberLong\": \"<ms>\"}}";
  const json::value* d = v->is_object() ? v->as_object().if_contains("$date") : v;
  if (d == nullptr) throw FieldError(expected);
  if (d->is_string()) {
    const auto ms = parse_iso8601(d->as_string());
    if (!ms)
      throw FieldError(std::string(name) + ": " + shown(d->as_string()) +
                       " is not an ISO-8601 UTC time");
    return checked_date(name, *ms);
  }
  if (d->is_int64()) return checked_date(name, d->as_int64());
  if (d->is_uint64()) throw FieldError(std::string(name) + ": date outside the years 0000-9999");
  if (d->is_object()) {
    const json::value* n = d->as_object().if_contains("$numberLong");
    if (n != nullptr && n->is_string()) {
      const std::string_view digits = n->as_string();
      std::int64_t ms = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
      if (ec == std::errc() && end == digits.data() + digits.size()) return checked_date(name, ms);
    }
  }
  throw FieldError(expected);
}

std::int64_t object_id_time_ms(std::string_view id) {
  std::uint32_t seconds = 0;
  std::from_chars(id.data(), id.data() + 8, seconds, 16);
  return static_cast<std::int64_t>(seconds) * 1000;
}

// bcrypt as bcryptjs writes it: $2a$ or $2b$ ($2y$ from PHP), two cost digits, then 53
// characters of its base64 alphabet.
bool is_bcrypt_hash(std::string_view hash) {
  if (hash.size() != 60 ||
      !(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) {
    return false;
  }
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5])) || hash[6] != '$') {
    return false;
  }
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
  });
}

void set_times(const json::object& o, std::string_view id, std::int64_t& created,
               std::int64_t& updated) {
  created = date(o, "createdAt").value_or(object_id_time_ms(id));
  updated = date(o, "updatedAt").value_or(created);
}

// Runs convert, turning the ApiError of the shared validators into a field's message.
template <typename Fn>
auto validated(std::string_view name, Fn&& convert) {
  try {
    return convert();
  } catch (const ApiError& e) {
    throw FieldError(std::string(name) + ": " + e.what());
  }
}

UserRecord to_user(const json::object& o) {
  UserRecord u;
  u.id = object_id(o, "_id").value_or("");
  if (u.id.empty()) throw FieldError("_id: missing");
  const std::string name = required_string(o, "name");
  u.name = validated("name", [&] { return validate_name(name); });
  const std::string email = required_string(o, "email");
  u.email = validated("email", [&] { return normalize_email(email); });
  u.password_hash = required_string(o, "password");
  if (!is_bcrypt_hash(u.password_hash) && !u.password_hash.starts_with("$argon2id$")) {
    throw FieldError("password: not a bcrypt hash ($2a$, $2b$ or $2y$)");
  }
  u.role = optional_string(o, "role").value_or("user");
  if (u.role != "user" && u.role != "admin") {
    throw FieldError("role: " + shown(u.role) + " is neither \"user\" nor \"admin\"");
  }
  set_times(o, u.id, u.created_at_ms, u.updated_at_ms);
  return u;
}

std::string key_field(const json::object& o, std::string_view key_name, std::string_view url_name,
                      std::string_view prefix) {
  if (auto key = optional_string(o, key_name); key && !key->empty()) return *key;
  const auto url = optional_string(o, url_name);
  if (!url) throw FieldError(std::string(key_name) + ": missing, and no " + std::string(url_name));
  auto key = object_key_from_url(*url, prefix);
  if (!key) throw FieldError(std::string(url_name) + ": no object key in " + shown(*url));
  return *key;
}

TrackRecord to_track(const json::object& o) {
  TrackRecord t;
  t.id = object_id(o, "_id").value_or("");
  if (t.id.empty()) throw FieldError("_id: missing");
  t.title = required_string(o, "title");
  if (t.title.empty()) throw FieldError("title: empty");
  t.artist = optional_string(o, "artist").value_or("");
  t.file_key = key_field(o, "fileKey", "audioUrl", "audio");
  t.thumbnail_key = key_field(o, "thumbnailKey", "thumbnailUrl", "thumbnails");
  t.uploaded_by = object_id(o, "uploadedBy");
  set_times(o, t.id, t.created_at_ms, t.updated_at_ms);
  return t;
}

// Converts every document, recording what fails as "<where>: <why>".
template <typename Record, typename Convert>
std::vector<std::pair<Record, std::string>> convert_all(const std::optional<DumpFile>& file,
                                                        Convert convert,
                                                        std::vector<std::string>& problems) {
  std::vector<std::pair<Record, std::string>> out;
  if (!file) return out;
  for (auto& document : split_documents(*file)) {
    if (!document.problem.empty()) {
      problems.push_back(document.where + ": " + document.problem);
      continue;
    }
    try {
      out.emplace_back(convert(document.object), std::move(document.where));
    } catch (const FieldError& e) {
      problems.push_back(document.where + ": " + e.what());
    }
  }
  return out;
}

// Reports the second and later records that share a key with an earlier one.
template <typename Item>
void report_duplicates(const std::vector<Item>& items, std::string_view what,
                       const std::function<std::string(const Item&)>& key_of,
                       std::vector<std::string>& problems) {
  std::map<std::string, std::string> first_seen;
  for (const auto& item : items) {
    const std::string key = key_of(item);
    const auto [it, inserted] = first_seen.emplace(key, item.where);
    if (!inserted) {
      problems.push_back(item.where + ": " + std::string(what) + " " + shown(key) +
                         " is also used at " + it->second);
    }
  }
}

void warn_unservable_key(const DumpTrack& track, std::string_view field_name,
                         const std::string& key, std::vector<std::string>& warnings) {
  if (is_safe_storage_key(key)) return;
  warnings.push_back(track.where + ": " + std::string(field_name) + " " + shown(key) +
                     " has characters this server does not serve (allowed: letters, digits, "
                     "'.', '_', '-' and '/' between segments); the track is imported, but its "
                     "media cannot be fetched until the object is copied to a safe key");
}

}  // namespace

std::optional<std::string> object_key_from_url(std::string_view url, std::string_view prefix) {
  std::string_view path = url;
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    const auto slash = url.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  std::string key = percent_decode(path).value_or(std::string(path));
  key.erase(0, key.find_first_not_of('/'));
  const std::string wanted = std::string(prefix) + "/";
  if (!key.starts_with(wanted)) {
    const auto slash = key.find('/');
    if (slash != std::string::npos && key.compare(slash + 1, wanted.size(), wanted) == 0) {
      key.erase(0, slash + 1);
    }
  }
  if (key.empty() || key.back() == '/') return std::nullopt;
  return key;
}

MongoDump read_mongo_dump(const std::optional<DumpFile>& users_file,
                          const std::optional<DumpFile>& tracks_file) {
  MongoDump dump;
  for (auto& [record, where] : convert_all<UserRecord>(users_file, to_user, dump.problems)) {
    dump.users.push_back({std::move(record), std::move(where)});
  }
  for (auto& [record, where] : convert_all<TrackRecord>(tracks_file, to_track, dump.problems)) {
    dump.tracks.push_back({std::move(record), std::move(where)});
  }
  report_duplicates<DumpUser>(
      dump.users, "_id", [](const DumpUser& u) { return u.record.id; }, dump.problems);
  report_duplicates<DumpUser>(
      dump.users, "email", [](const DumpUser& u) { return u.record.email; }, dump.problems);
  report_duplicates<DumpTrack>(
      dump.tracks, "_id", [](const DumpTrack& t) { return t.record.id; }, dump.problems);
  for (const auto& track : dump.tracks) {
    warn_unservable_key(track, "fileKey", track.record.file_key, dump.warnings);
    warn_unservable_key(track, "thumbnail key", track.record.thumbnail_key, dump.warnings);
  }
  return dump;
}

}  // namespace volkrin
