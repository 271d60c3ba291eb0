// Incremental multipart/form-data parsing: delimiter scanning, part headers, Content-Disposition.
#include "http/multipart_parser.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "http/http_text.hpp"
#include "support/ascii.hpp"
#include "support/percent_decode.hpp"

namespace volkrin::http {

namespace {

constexpr std::size_t kMaxBoundaryLength = 70;
constexpr std::string_view kErrorPrefix = "Malformed multipart body: ";

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  return is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

// RFC 2046 bchars (bcharsnospace plus space).
bool is_bchar(char c) {
  return is_alnum(c) || (c != '\0' && std::strchr("'()+_,-./:=? ", c) != nullptr);
}

bool is_valid_boundary(std::string_view b) {
  return !b.empty() && b.size() <= kMaxBoundaryLength && b.back() != ' ' &&
         std::all_of(b.begin(), b.end(), is_bchar);
}

bool is_ctl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Reads "; name=value" parameters of a header value (RFC 9110 parameters, with optional
// whitespace around '=' tolerated). Values are tokens or quoted-strings with backslash
// escapes; `loose_tokens` also accepts unquoted values with separators such as '=' or '/',
// which real clients put in boundaries.
class ParameterReader {
 public:
  ParameterReader(std::string_view text, bool loose_tokens)
      : text_(text), loose_tokens_(loose_tokens) {}

  std::string_view token() {
    std::size_t start = i_;
    while (i_ < text_.size() && is_tchar(text_[i_])) ++i_;
    return text_.substr(start, i_ - start);
  }

  bool consume(char c) {
    if (i_ < text_.size() && text_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  void skip_ows() {
    while (i_ < text_.size() && is_ows(text_[i_])) ++i_;
  }

  bool at_end() const { return i_ == text_.size(); }

  // After the leading value: false at the end, true with name and value set for one more
  // parameter; nullopt when the text is malformed. A trailing ';' is tolerated.
  std::optional<bool> next_parameter(std::string_view& name, std::string& value) {
    skip_ows();
    if (at_end()) return false;
    if (!consume(';')) return std::nullopt;
    skip_ows();
    if (at_end()) return false;
    name = token();
    if (name.empty()) return std::nullopt;
    skip_ows();
    if (!consume('=')) return std::nullopt;
    skip_ows();
    value.clear();
    if (consume('"')) {
      for (;;) {
        if (at_end()) return std::nullopt;
        char c = text_[i_++];
        if (c == '"') break;
        if (c == '\\') {
          if (at_end()) return std::nullopt;
          c = text_[i_++];
        }
        if (is_ctl(c) && c != '\t') return std::nullopt;
        value.push_back(c);
      }
      return true;
    }
    std::size_t start = i_;
    while (i_ < text_.size()) {
      char c = text_[i_];
      bool ok = loose_tokens_ ? !(is_ctl(c) || is_ows(c) || c == ';' || c == '"' || c == ',')
                              : is_tchar(c);
      if (!ok) break;
      ++i_;
    }
    if (i_ == start) return std::nullopt;
    value.assign(text_.substr(start, i_ - start));
    return true;
  }

 private:
  std::string_view text_;
  bool loose_tokens_;
  std::size_t i_ = 0;
};

// RFC 8187 ext-value "UTF-8'<lang>'<pct-encoded>": the decoded bytes, or nullopt for any
// other charset or a malformed value.
std::optional<std::string> decode_utf8_ext_value(std::string_view raw) {
  std::size_t q1 = raw.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  std::size_t q2 = raw.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  if (!iequals(raw.substr(0, q1), "utf-8")) return std::nullopt;
  return percent_decode(raw.substr(q2 + 1));
}

}  // namespace

MultipartParser::MultipartParser(std::string boundary, Limits limits) : limits_(limits) {
  if (!is_valid_boundary(boundary)) {
    throw std::invalid_argument("multipart boundary must be 1..70 bchars");
  }
  delimiter_ = "\r\n--" + std::move(boundary);
  // The first delimiter may open the body without a preceding line break: pretend one was
  // there. Preamble bytes are never reported, so this is invisible to callers.
  buffer_ = "\r\n";
}

std::optional<std::string> MultipartParser::boundary_from_content_type(
    std::string_view content_type) {
  ParameterReader reader(content_type, /*loose_tokens=*/true);
  reader.skip_ows();
  std::string_view type = reader.token();
  if (!reader.consume('/')) return std::nullopt;
  std::string_view subtype = reader.token();
  if (!iequals(type, "multipart") || !iequals(subtype, "form-data")) return std::nullopt;

  std::optional<std::string> boundary;
  std::string_view name;
  std::string value;
  for (;;) {
    std::optional<bool> more = reader.next_parameter(name, value);
    if (!more) return std::nullopt;
    if (!*more) break;
    if (iequals(name, "boundary")) {
      if (boundary) return std::nullopt;
      boundary = value;
    }
  }
  if (!boundary || !is_valid_boundary(*boundary)) return std::nullopt;
  return boundary;
}

void MultipartParser::feed(std::string_view bytes) {
  if (finished_) throw std::logic_error("MultipartParser::feed after finish");
  if (!may_feed_) throw std::logic_error("MultipartParser::feed before events were drained");
  if (error_ || state_ == State::epilogue) return;
  buffer_.erase(0, pos_);
  pos_ = 0;
  buffer_.append(bytes);
  may_feed_ = false;
}

void MultipartParser::finish() {
  finished_ = true;
}

MultipartParser::Event MultipartParser::next() {
  if (error_) throw MultipartError(*error_);
  try {
    Event event = step();
    may_feed_ = event.kind == Kind::need_more || event.kind == Kind::done;
    return event;
  } catch (const MultipartError& e) {
    error_ = e.what();
    throw;
  }
}

void MultipartParser::fail(std::string_view what) {
  throw MultipartError(std::string(kErrorPrefix) + std::string(what));
}

MultipartParser::Event MultipartParser::need_more() {
  if (!finished_) return Event{Kind::need_more, nullptr, {}};
  switch (state_) {
    case State::preamble:
      fail("no boundary found");
    case State::headers:
      fail("truncated part headers");
    case State::boundary_line:
    case State::body:
      fail("missing final boundary");
    case State::epilogue:
      break;
  }
  return Event{Kind::done, nullptr, {}};
}

std::size_t MultipartParser::possible_delimiter_start(std::string_view bytes) const {
  // Length of the longest tail of `bytes` that is a proper prefix of the delimiter. The
  // delimiter starts with CR and holds no other CR, so only a CR can start such a tail.
  std::size_t window = std::min(bytes.size(), delimiter_.size() - 1);
  for (std::size_t i = bytes.size() - window; i < bytes.size(); ++i) {
    if (bytes[i] != '\r') continue;
    std::string_view tail = bytes.substr(i);
    if (delimiter_.compare(0, tail.size(), tail) == 0) return tail.size();
  }
  return 0;
}

MultipartParser::Event MultipartParser::step() {
  for (;;) {
    const std::string_view avail(buffer_.data() + pos_, buffer_.size() - pos_);
    std::optional<Event> event;
    switch (state_) {
      case State::preamble:
        event = skip_preamble(avail);
        break;
      case State::boundary_line:
        event = read_boundary_line(avail);
        break;
      case State::headers:
        event = read_part_header_line(avail);
        break;
      case State::body:
        event = read_part_body(avail);
        break;
      case State::epilogue:
        buffer_.clear();
        pos_ = 0;
        return Event{Kind::done, nullptr, {}};
    }
    if (event) return *event;
  }
}

std::optional<MultipartParser::Event> MultipartParser::skip_preamble(std::string_view avail) {
  const std::size_t at = avail.find(delimiter_);
  if (at == std::string_view::npos) {
    pos_ += avail.size() - possible_delimiter_start(avail);
    return need_more();
  }
  pos_ += at + delimiter_.size();
  state_ = State::boundary_line;
  padding_seen_ = false;
  return std::nullopt;
}

std::optional<MultipartParser::Event> MultipartParser::read_boundary_line(std::string_view avail) {
  if (avail.empty()) return need_more();
  const char c = avail[0];
  if (is_ows(c)) {
    padding_seen_ = true;
    while (pos_ < buffer_.size() && is_ows(buffer_[pos_])) ++pos_;
    return std::nullopt;
  }
  if (c == '-' && !padding_seen_) {
    if (avail.size() < 2) return need_more();
    if (avail[1] != '-') fail("invalid boundary line");
    // Close delimiter: everything after it is the epilogue.
    state_ = State::epilogue;
    buffer_.clear();
    pos_ = 0;
    return std::nullopt;
  }
  if (c != '\r') fail("invalid boundary line");
  if (avail.size() < 2) return need_more();
  if (avail[1] != '\n') fail("invalid boundary line");
  pos_ += 2;
  if (parts_ == limits_.max_parts) fail("too many parts");
  ++parts_;
  header_ = MultipartPartHeader{};
  seen_disposition_ = false;
  seen_content_type_ = false;
  header_bytes_ = 0;
  header_scanned_ = 0;
  state_ = State::headers;
  return std::nullopt;
}

std::optional<MultipartParser::Event> MultipartParser::read_part_header_line(
    std::string_view avail) {
  const std::size_t from = header_scanned_ > 0 ? header_scanned_ - 1 : 0;
  const std::size_t eol = avail.find("\r\n", from);
  if (eol == std::string_view::npos) {
    if (header_bytes_ + avail.size() > limits_.max_part_header_bytes) {
      fail("part headers too large");
    }
    header_scanned_ = avail.size();
    return need_more();
  }
  header_bytes_ += eol + 2;
  if (header_bytes_ > limits_.max_part_header_bytes) fail("part headers too large");
  const std::string_view line = avail.substr(0, eol);
  pos_ += eol + 2;
  header_scanned_ = 0;
  if (!line.empty()) {
    parse_header_line(line);
    return std::nullopt;
  }
  if (!seen_disposition_) fail("part without Content-Disposition");
  state_ = State::body;
  return Event{Kind::part_begin, &header_, {}};
}

std::optional<MultipartParser::Event> MultipartParser::read_part_body(std::string_view avail) {
  const std::size_t at = avail.find(delimiter_);
  if (at == std::string_view::npos) {
    const std::size_t n = avail.size() - possible_delimiter_start(avail);
    if (n == 0) return need_more();
    pos_ += n;
    return Event{Kind::part_data, &header_, avail.substr(0, n)};
  }
  if (at > 0) {
    pos_ += at;
    return Event{Kind::part_data, &header_, avail.substr(0, at)};
  }
  pos_ += delimiter_.size();
  state_ = State::boundary_line;
  padding_seen_ = false;
  return Event{Kind::part_end, &header_, {}};
}

void MultipartParser::parse_header_line(std::string_view line) {
  if (is_ows(line.front())) fail("folded part header");
  for (char c : line) {
    if (is_ctl(c) && c != '\t') fail("invalid character in part header");
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) fail("invalid part header");
  std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_tchar)) fail("invalid part header");
  std::string_view value = trim_ows(line.substr(colon + 1));

  if (iequals(name, "content-disposition")) {
    if (seen_disposition_) fail("duplicate Content-Disposition");
    seen_disposition_ = true;
    parse_content_disposition(value);
  } else if (iequals(name, "content-type")) {
    if (seen_content_type_) fail("duplicate part Content-Type");
    seen_content_type_ = true;
    header_.content_type = std::string(value);
  }
  // Other part headers (Content-Transfer-Encoding and the like) carry nothing for form-data.
}

void MultipartParser::parse_content_disposition(std::string_view value) {
  ParameterReader reader(value, /*loose_tokens=*/false);
  if (!iequals(reader.token(), "form-data")) fail("part is not form-data");

  std::optional<std::string> name;
  std::optional<std::string> filename;
  std::optional<std::string> filename_ext;
  std::string_view param;
  std::string param_value;
  for (;;) {
    std::optional<bool> more = reader.next_parameter(param, param_value);
    if (!more) fail("invalid Content-Disposition");
    if (!*more) break;
    std::optional<std::string>* slot = nullptr;
    if (iequals(param, "name")) {
      slot = &name;
    } else if (iequals(param, "filename")) {
      slot = &filename;
    } else if (iequals(param, "filename*")) {
      slot = &filename_ext;
    } else {
      continue;
    }
    if (*slot) fail("duplicate Content-Disposition parameter");
    *slot = std::move(param_value);
    param_value = std::string();
  }
  if (!name) fail("part without a name");
  header_.name = std::move(*name);
  if (filename_ext) {
    std::optional<std::string> decoded = decode_utf8_ext_value(*filename_ext);
    header_.filename = decoded ? std::move(decoded) : std::move(filename_ext);
  } else {
    header_.filename = std::move(filename);
  }
}

}  // namespace volkrin::http
