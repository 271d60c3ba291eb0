// libFuzzer target for the multipart parser: input byte 0 picks the chunk size, the rest is a body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart_parser.hpp"

namespace {

using volkrin::http::MultipartError;
using volkrin::http::MultipartParser;
using Kind = MultipartParser::Kind;

constexpr std::string_view kBoundary = "fuzzboundary";
constexpr std::string_view kDelimiter = "\r\n--fuzzboundary";
constexpr MultipartParser::Limits kLimits{512, 8};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
  std::string data;
  bool operator==(const Part&) const = default;
};

struct Outcome {
  bool ok = false;
  std::vector<Part> parts;
};

// Feeds `body` in chunks of `chunk` bytes, drains every event, checks what must always hold.
Outcome run(std::string_view body, std::size_t chunk) {
  MultipartParser parser{std::string(kBoundary), kLimits};
  Outcome out;
  std::size_t fed = 0;
  std::size_t data_total = 0;
  bool finished = false;
  bool in_part = false;
  try {
    for (;;) {
      MultipartParser::Event ev = parser.next();
      switch (ev.kind) {
        case Kind::need_more: {
          check(!finished);
          if (fed == body.size()) {
            parser.finish();
            finished = true;
            break;
          }
          std::size_t n = std::min(chunk, body.size() - fed);
          parser.feed(body.substr(fed, n));
          fed += n;
          // The documented memory bound.
          check(parser.buffered_bytes() <=
                n + std::max(kBoundary.size() + 3, kLimits.max_part_header_bytes));
          break;
        }
        case Kind::part_begin:
          check(!in_part && ev.header != nullptr && ev.data.empty());
          in_part = true;
          check(out.parts.size() < kLimits.max_parts);
          out.parts.push_back(
              Part{ev.header->name, ev.header->filename, ev.header->content_type, {}});
          break;
        case Kind::part_data:
          check(in_part && ev.header != nullptr && !ev.data.empty());
          data_total += ev.data.size();
          check(data_total <= fed);
          check(ev.data.find(kDelimiter) == std::string_view::npos);
          out.parts.back().data.append(ev.data);
          break;
        case Kind::part_end:
          check(in_part && ev.header != nullptr && ev.data.empty());
          in_part = false;
          break;
        case Kind::done:
          check(!in_part && ev.data.empty());
          check(parser.next().kind == Kind::done);
          out.ok = true;
          return out;
      }
    }
  } catch (const MultipartError& e) {
    check(std::string_view(e.what()).starts_with("Malformed multipart body: "));
    // Errors are sticky.
    try {
      parser.next();
      check(false);
    } catch (const MultipartError&) {
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = std::size_t{data[0]} + 1;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  Outcome chunked = run(body, chunk);
  // How the body is cut must not matter: whether it parses, and into what.
  Outcome whole = run(body, body.size() + 1);
  check(chunked.ok == whole.ok);
  if (chunked.ok) check(chunked.parts == whole.parts);
  return 0;
}
