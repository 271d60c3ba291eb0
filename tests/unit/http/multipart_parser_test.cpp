// Unit tests of the streaming multipart/form-data parser: chunking, headers, limits, errors.
#include "http/multipart_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace volkrin::http {
namespace {

using namespace std::string_literals;
using Kind = MultipartParser::Kind;

constexpr std::string_view kBoundary = "boundary42xyz";

struct Part {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
  std::string data;
  bool operator==(const Part&) const = default;
};

void PrintTo(const Part& p, std::ostream* os) {
  *os << "{name=" << testing::PrintToString(p.name)
      << " filename=" << (p.filename ? testing::PrintToString(*p.filename) : "none")
      << " content_type=" << testing::PrintToString(p.content_type)
      << " data=" << testing::PrintToString(p.data) << "}";
}

struct Collected {
  std::vector<Part> parts;
  std::vector<std::vector<std::string>> chunks;  // the part_data events of each part
};

// Feeds the pieces one per need_more, then finish(); drains and checks the event order.
Collected parse_pieces(const std::vector<std::string_view>& pieces,
                       std::string_view boundary = kBoundary, MultipartParser::Limits limits = {}) {
  MultipartParser parser{std::string(boundary), limits};
  Collected out;
  std::size_t next_piece = 0;
  bool finished = false;
  bool in_part = false;
  for (;;) {
    MultipartParser::Event ev = parser.next();
    switch (ev.kind) {
      case Kind::need_more:
        if (finished) {
          ADD_FAILURE() << "need_more after finish";
          return out;
        }
        if (next_piece < pieces.size()) {
          std::string_view piece = pieces[next_piece++];
          parser.feed(piece);
          EXPECT_LE(parser.buffered_bytes(),
                    piece.size() + std::max(boundary.size() + 3, limits.max_part_header_bytes));
        } else {
          parser.finish();
          finished = true;
        }
        break;
      case Kind::part_begin:
        EXPECT_FALSE(in_part);
        EXPECT_NE(ev.header, nullptr);
        in_part = true;
        out.parts.push_back(
            Part{ev.header->name, ev.header->filename, ev.header->content_type, ""});
        out.chunks.emplace_back();
        break;
      case Kind::part_data:
        EXPECT_TRUE(in_part);
        EXPECT_FALSE(ev.data.empty());
        out.parts.back().data += ev.data;
        out.chunks.back().emplace_back(ev.data);
        break;
      case Kind::part_end:
        EXPECT_TRUE(in_part);
        in_part = false;
        break;
      case Kind::done:
        EXPECT_FALSE(in_part);
        EXPECT_EQ(parser.next().kind, Kind::done);
        return out;
    }
  }
}

Collected parse_whole(std::string_view body, std::string_view boundary = kBoundary,
                      MultipartParser::Limits limits = {}) {
  return parse_pieces({body}, boundary, limits);
}

std::vector<std::string_view> split_by_sizes(std::string_view body,
                                             const std::vector<std::size_t>& sizes) {
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  for (std::size_t n : sizes) {
    pieces.push_back(body.substr(at, n));
    at += n;
  }
  return pieces;
}

// A part as it goes on the wire: header lines (each ending in CRLF) and the expected result.
struct WirePart {
  std::string header_lines;
  Part expected;
};

std::string make_body(const std::vector<WirePart>& parts, std::string_view boundary = kBoundary,
                      std::string_view preamble = "", std::string_view epilogue = "\r\n") {
  std::string body(preamble);
  for (const WirePart& p : parts) {
    body +=
        "--" + std::string(boundary) + "\r\n" + p.header_lines + "\r\n" + p.expected.data + "\r\n";
  }
  body += "--" + std::string(boundary) + "--" + std::string(epilogue);
  return body;
}

std::string all_byte_values() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// Two text fields and two files; the file data is full of near-delimiters.
std::vector<WirePart> sample_parts() {
  std::string audio = "ID3\x03\0\0"s;
  audio += "\r\n--bound";              // starts like a delimiter
  audio += "\r"s + "\n"s + "\0\0\0"s;  // lone CR, lone LF, NULs
  audio += "\r\n--boundary42xy!";      // one byte short of a delimiter
  audio += "\n--boundary42xyz";        // the boundary after a bare LF is not a delimiter
  audio += "x--boundary42xyz";         // nor without a line break
  audio += "\r\n--boundary42xyZ";      // nor with a different last byte
  audio += "\r\r\n\r\n-\r";            // ends in CR, right before the delimiter's CRLF
  std::string thumbnail = "\x89PNG\r\n\x1a\n"s + all_byte_values() + all_byte_values() + "\r\n--";
  return {
      {"Content-Disposition: form-data; name=\"title\"\r\n",
       {"title", std::nullopt, "", "Night Drive"}},
      {"content-disposition: form-data; name=artist\r\nContent-Type: text/plain; charset=utf-8\r\n",
       {"artist", std::nullopt, "text/plain; charset=utf-8",
        "L\xc3\xa9"
        "a & the \xc3\x96"
        "des"}},
      {"Content-Disposition: form-data; name=\"file\"; filename=\"night drive.mp3\"\r\n"
       "Content-Type: audio/mpeg\r\n",
       {"file", "night drive.mp3", "audio/mpeg", audio}},
      {"Content-Disposition: form-data; name=\"thumbnail\"; filename=\"cover.png\"\r\n"
       "CONTENT-TYPE:image/png\r\n",
       {"thumbnail", "cover.png", "image/png", thumbnail}},
  };
}

std::vector<Part> expected_of(const std::vector<WirePart>& parts) {
  std::vector<Part> out;
  out.reserve(parts.size());
  for (const WirePart& p : parts) out.push_back(p.expected);
  return out;
}

// Every data chunk is the next slice of its part's data: no delimiter byte slipped in.
void expect_chunks_are_exact_slices(const Collected& got, const std::vector<Part>& expected) {
  ASSERT_EQ(got.chunks.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    std::size_t at = 0;
    for (const std::string& chunk : got.chunks[i]) {
      ASSERT_EQ(chunk, expected[i].data.substr(at, chunk.size())) << "part " << i;
      at += chunk.size();
    }
    EXPECT_EQ(at, expected[i].data.size());
  }
}

std::string simple_part(std::string_view name, std::string_view data) {
  return "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"" +
         std::string(name) + "\"\r\n\r\n" + std::string(data) + "\r\n";
}

std::string close_delimiter() {
  return "--" + std::string(kBoundary) + "--\r\n";
}

// Runs the parser over the whole body and returns the MultipartError message ("" if none).
std::string error_of(std::string_view body, MultipartParser::Limits limits = {}) {
  try {
    parse_whole(body, kBoundary, limits);
  } catch (const MultipartError& e) {
    return e.what();
  }
  return "";
}

Part single_part_of(const std::string& header_lines) {
  Collected got = parse_whole(make_body({{header_lines, {}}}));
  EXPECT_EQ(got.parts.size(), 1u);
  return got.parts.empty() ? Part{} : got.parts.front();
}

// --- chunking independence ---

TEST(MultipartParser, whole_body_yields_every_part_intact) {
  auto parts = sample_parts();
  Collected got = parse_whole(make_body(parts));
  EXPECT_EQ(got.parts, expected_of(parts));
  expect_chunks_are_exact_slices(got, expected_of(parts));
}

TEST(MultipartParser, every_single_split_point_yields_the_same_parts) {
  auto parts = sample_parts();
  std::string body = make_body(parts);
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    std::string_view v(body);
    Collected got = parse_pieces({v.substr(0, cut), v.substr(cut)});
    ASSERT_EQ(got.parts, expected_of(parts)) << "split at " << cut;
    expect_chunks_are_exact_slices(got, expected_of(parts));
  }
}

// A part_data view stays valid across next() until the next feed() or the part's end: a
// consumer may read it only then (as the upload does, writing while it reads more).
std::vector<Part> parse_reading_data_late(const std::vector<std::string_view>& pieces) {
  MultipartParser parser{std::string(kBoundary)};
  std::vector<Part> parts;
  std::string_view pending;  // part_data is never empty, so empty means none
  std::size_t next_piece = 0;
  for (;;) {
    const MultipartParser::Event ev = parser.next();
    if (!pending.empty() && (ev.kind != Kind::need_more || next_piece < pieces.size())) {
      parts.back().data += pending;  // just before the next feed or the next event
      pending = {};
    }
    switch (ev.kind) {
      case Kind::need_more:
        if (next_piece < pieces.size()) {
          parser.feed(pieces[next_piece++]);
        } else {
          parser.finish();
        }
        break;
      case Kind::part_begin:
        parts.push_back(Part{ev.header->name, ev.header->filename, ev.header->content_type, ""});
        break;
      case Kind::part_data:
        EXPECT_TRUE(pending.empty());
        pending = ev.data;
        break;
      case Kind::part_end:
        break;
      case Kind::done:
        return parts;
    }
  }
}

TEST(MultipartParser, data_views_outlive_need_more_until_the_next_feed) {
  auto parts = sample_parts();
  std::string body = make_body(parts);
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    std::string_view v(body);
    ASSERT_EQ(parse_reading_data_late({v.substr(0, cut), v.substr(cut)}), expected_of(parts))
        << "split at " << cut;
  }
}

TEST(MultipartParser, one_byte_at_a_time_yields_the_same_parts) {
  auto parts = sample_parts();
  std::string body = make_body(parts);
  Collected got = parse_pieces(split_by_sizes(body, std::vector<std::size_t>(body.size(), 1)));
  EXPECT_EQ(got.parts, expected_of(parts));
  expect_chunks_are_exact_slices(got, expected_of(parts));
}

TEST(MultipartParser, random_chunkings_yield_the_same_parts) {
  auto parts = sample_parts();
  std::string body = make_body(parts);
  std::mt19937 rng(20240611);
  const std::size_t max_sizes[] = {2, 7, 19, 64, 300};
  for (int round = 0; round < 400; ++round) {
    std::uniform_int_distribution<std::size_t> size_of(1, max_sizes[round % 5]);
    std::vector<std::size_t> sizes;
    for (std::size_t left = body.size(); left > 0;) {
      std::size_t n = std::min(left, size_of(rng));
      sizes.push_back(n);
      left -= n;
    }
    Collected got = parse_pieces(split_by_sizes(body, sizes));
    ASSERT_EQ(got.parts, expected_of(parts)) << "round " << round;
    expect_chunks_are_exact_slices(got, expected_of(parts));
  }
}

TEST(MultipartParser, empty_feeds_between_chunks_change_nothing) {
  auto parts = sample_parts();
  std::string body = make_body(parts);
  std::string_view v(body);
  std::size_t half = body.size() / 2;
  Collected got = parse_pieces({"", v.substr(0, half), "", "", v.substr(half), ""});
  EXPECT_EQ(got.parts, expected_of(parts));
}

// --- framing ---

TEST(MultipartParser, preamble_and_epilogue_are_ignored) {
  auto parts = sample_parts();
  // Near misses only: a real delimiter in the preamble would open a part.
  std::string preamble = "This is a preamble.\r\n--boundary42xy\r\n-\r\n--\r\nx--boundary42xyz\r\n";
  std::string epilogue =
      "\r\n--boundary42xyz\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"
      "epilogue bytes\r\n--boundary42xyz--\r\n";
  Collected got = parse_whole(make_body(parts, kBoundary, preamble, epilogue));
  EXPECT_EQ(got.parts, expected_of(parts));
}

TEST(MultipartParser, body_may_start_with_crlf_before_the_first_boundary) {
  Collected got = parse_whole("\r\n" + simple_part("a", "1") + close_delimiter());
  ASSERT_EQ(got.parts.size(), 1u);
  EXPECT_EQ(got.parts[0].data, "1");
}

TEST(MultipartParser, transport_padding_after_boundary_is_allowed) {
  std::string b(kBoundary);
  std::string body = "--" + b + " \t \r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--" +
                     b + "\t\r\nContent-Disposition: form-data; name=b\r\n\r\ny\r\n--" + b +
                     "--  \r\n";
  Collected got = parse_whole(body);
  ASSERT_EQ(got.parts.size(), 2u);
  EXPECT_EQ(got.parts[0].data, "x");
  EXPECT_EQ(got.parts[1].data, "y");
}

TEST(MultipartParser, close_delimiter_without_trailing_crlf_ends_the_body) {
  Collected got =
      parse_whole(simple_part("a", "1") + "--" + std::string(kBoundary) + "--", kBoundary);
  ASSERT_EQ(got.parts.size(), 1u);
}

TEST(MultipartParser, body_with_only_the_close_delimiter_has_no_parts) {
  EXPECT_TRUE(parse_whole(close_delimiter()).parts.empty());
}

TEST(MultipartParser, empty_part_data_yields_begin_and_end_only) {
  Collected got =
      parse_whole(simple_part("empty", "") + simple_part("next", "v") + close_delimiter());
  ASSERT_EQ(got.parts.size(), 2u);
  EXPECT_EQ(got.parts[0].name, "empty");
  EXPECT_EQ(got.parts[0].data, "");
  EXPECT_TRUE(got.chunks[0].empty());
  EXPECT_EQ(got.parts[1].data, "v");
}

TEST(MultipartParser, data_chunks_never_contain_delimiter_bytes) {
  // Data ending in CR, LF, "-" and a delimiter prefix, right before real delimiters.
  std::vector<std::string> datas = {"a\r", "b\r\n", "c\r\n-", "d\r\n--boundary42xy", "\r\n--"};
  std::string body;
  std::vector<Part> expected;
  for (std::size_t i = 0; i < datas.size(); ++i) {
    body += simple_part("f" + std::to_string(i), datas[i]);
    expected.push_back(Part{"f" + std::to_string(i), std::nullopt, "", datas[i]});
  }
  body += close_delimiter();
  const std::string delimiter = "\r\n--" + std::string(kBoundary);
  for (std::size_t chunk = 1; chunk <= body.size(); ++chunk) {
    Collected got = parse_pieces(split_by_sizes(body, [&] {
      std::vector<std::size_t> sizes;
      for (std::size_t at = 0; at < body.size(); at += chunk) {
        sizes.push_back(std::min(chunk, body.size() - at));
      }
      return sizes;
    }()));
    ASSERT_EQ(got.parts, expected) << "chunk size " << chunk;
    expect_chunks_are_exact_slices(got, expected);
    for (const auto& chunks : got.chunks) {
      for (const std::string& c : chunks) EXPECT_EQ(c.find(delimiter), std::string::npos);
    }
  }
}

TEST(MultipartParser, data_is_emitted_as_soon_as_it_is_certainly_data) {
  MultipartParser parser{std::string(kBoundary)};
  parser.feed("--" + std::string(kBoundary) +
              "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nhello");
  EXPECT_EQ(parser.next().kind, Kind::part_begin);
  auto ev = parser.next();
  ASSERT_EQ(ev.kind, Kind::part_data);
  EXPECT_EQ(ev.data, "hello");
  EXPECT_EQ(parser.next().kind, Kind::need_more);

  // Only the tail that could start a delimiter is held back...
  parser.feed(" world\r\n--bou");
  ev = parser.next();
  ASSERT_EQ(ev.kind, Kind::part_data);
  EXPECT_EQ(ev.data, " world");
  EXPECT_EQ(parser.next().kind, Kind::need_more);

  // ...and released as soon as it stops matching.
  parser.feed("nce\r");
  ev = parser.next();
  ASSERT_EQ(ev.kind, Kind::part_data);
  EXPECT_EQ(ev.data, "\r\n--bounce");
  EXPECT_EQ(parser.next().kind, Kind::need_more);

  parser.feed("\n--" + std::string(kBoundary) + "--");
  EXPECT_EQ(parser.next().kind, Kind::part_end);
  EXPECT_EQ(parser.next().kind, Kind::done);
}

TEST(MultipartParser, held_back_lookahead_never_exceeds_the_delimiter_length) {
  // Feeding the longest possible delimiter prefix: everything before it is released.
  MultipartParser parser{std::string(kBoundary)};
  parser.feed("--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=f\r\n\r\n");
  EXPECT_EQ(parser.next().kind, Kind::part_begin);
  EXPECT_EQ(parser.next().kind, Kind::need_more);
  std::string data(1000, 'x');
  std::string partial = "\r\n--" + std::string(kBoundary.substr(0, kBoundary.size() - 1));
  parser.feed(data + partial);
  auto ev = parser.next();
  ASSERT_EQ(ev.kind, Kind::part_data);
  EXPECT_EQ(ev.data.size(), data.size());
  EXPECT_LE(partial.size(), kBoundary.size() + 4);
  EXPECT_EQ(parser.next().kind, Kind::need_more);
}

TEST(MultipartParser, buffer_stays_bounded_whatever_the_body_size) {
  // 32 MiB of file data in 64 KiB feeds, with a delimiter prefix across every feed boundary.
  MultipartParser parser{std::string(kBoundary)};
  const std::size_t bound_extra = std::max(kBoundary.size() + 3, std::size_t{16} * 1024);
  std::string chunk(std::size_t{64} * 1024, 'a');
  chunk.replace(chunk.size() - 5, 5, "\r\n--b");
  std::size_t data_seen = 0;
  std::size_t max_buffered = 0;
  auto drain = [&] {
    for (;;) {
      auto ev = parser.next();
      if (ev.kind == Kind::need_more || ev.kind == Kind::done) return ev.kind;
      if (ev.kind == Kind::part_data) data_seen += ev.data.size();
    }
  };
  auto feed = [&](std::string_view bytes) {
    parser.feed(bytes);
    max_buffered = std::max(max_buffered, parser.buffered_bytes());
    EXPECT_LE(parser.buffered_bytes(), bytes.size() + bound_extra);
  };
  feed("--" + std::string(kBoundary) +
       "\r\nContent-Disposition: form-data; name=file; filename=big.bin\r\n\r\n");
  ASSERT_EQ(drain(), Kind::need_more);
  const std::size_t feeds = 512;
  for (std::size_t i = 0; i < feeds; ++i) {
    feed(chunk);
    ASSERT_EQ(drain(), Kind::need_more);
    // Everything but the possible delimiter start "\r\n--b" has been handed out.
    EXPECT_EQ(data_seen, (i + 1) * chunk.size() - 5);
  }
  feed("\r\n--" + std::string(kBoundary) + "--\r\n");
  EXPECT_EQ(drain(), Kind::done);
  EXPECT_EQ(data_seen, feeds * chunk.size());
  EXPECT_LE(max_buffered, chunk.size() + 5);
}

TEST(MultipartParser, bytes_fed_after_done_are_ignored) {
  MultipartParser parser{std::string(kBoundary)};
  parser.feed(simple_part("a", "1") + close_delimiter());
  EXPECT_EQ(parser.next().kind, Kind::part_begin);
  EXPECT_EQ(parser.next().kind, Kind::part_data);
  EXPECT_EQ(parser.next().kind, Kind::part_end);
  EXPECT_EQ(parser.next().kind, Kind::done);
  parser.feed(simple_part("b", "2"));
  EXPECT_EQ(parser.next().kind, Kind::done);
  parser.finish();
  EXPECT_EQ(parser.next().kind, Kind::done);
}

TEST(MultipartParser, feeding_before_events_are_drained_is_a_programming_error) {
  MultipartParser parser{std::string(kBoundary)};
  parser.feed(simple_part("a", "1"));
  EXPECT_EQ(parser.next().kind, Kind::part_begin);
  EXPECT_THROW(parser.feed("x"), std::logic_error);
}

TEST(MultipartParser, feeding_after_finish_is_a_programming_error) {
  MultipartParser parser{std::string(kBoundary)};
  parser.finish();
  EXPECT_THROW(parser.feed("x"), std::logic_error);
}

TEST(MultipartParser, invalid_boundary_is_rejected_by_the_constructor) {
  EXPECT_THROW(MultipartParser(""), std::invalid_argument);
  EXPECT_THROW(MultipartParser(std::string(71, 'a')), std::invalid_argument);
  EXPECT_THROW(MultipartParser("ends in space "), std::invalid_argument);
  EXPECT_THROW(MultipartParser("bad\rchar"), std::invalid_argument);
  EXPECT_NO_THROW(MultipartParser(std::string(70, 'a')));
}

// --- boundary from Content-Type ---

TEST(MultipartBoundary, token_boundary_is_returned) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type(
                "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
            "----WebKitFormBoundary7MA4YWxkTrZu0gW");
}

TEST(MultipartBoundary, type_and_parameter_name_are_case_insensitive) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("Multipart/Form-Data;BOUNDARY=abc"), "abc");
}

TEST(MultipartBoundary, quoted_boundary_may_contain_spaces_and_separators) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type(
                "multipart/form-data; boundary=\"my boundary:=1?\""),
            "my boundary:=1?");
}

TEST(MultipartBoundary, unquoted_boundary_with_equals_sign_is_accepted) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type(
                "multipart/form-data; boundary=----=_Part_0_1234.5678"),
            "----=_Part_0_1234.5678");
}

TEST(MultipartBoundary, other_parameters_are_skipped) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type(
                "multipart/form-data; charset=utf-8; boundary=abc; foo=\"b;ar\""),
            "abc");
}

TEST(MultipartBoundary, missing_boundary_gives_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data"), std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; charset=utf-8"),
            std::nullopt);
}

TEST(MultipartBoundary, empty_boundary_gives_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary="),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=\"\""),
            std::nullopt);
}

TEST(MultipartBoundary, boundary_longer_than_70_characters_gives_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=" +
                                                        std::string(71, 'a')),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=" +
                                                        std::string(70, 'a')),
            std::string(70, 'a'));
}

TEST(MultipartBoundary, boundary_ending_in_space_or_with_invalid_characters_gives_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=\"ab \""),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=\"a@b\""),
            std::nullopt);
}

TEST(MultipartBoundary, other_media_types_give_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/mixed; boundary=abc"),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("application/json; boundary=abc"),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-datax; boundary=abc"),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type(""), std::nullopt);
}

TEST(MultipartBoundary, duplicate_or_malformed_parameters_give_nothing) {
  EXPECT_EQ(MultipartParser::boundary_from_content_type(
                "multipart/form-data; boundary=abc; boundary=def"),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data; boundary=\"abc"),
            std::nullopt);
  EXPECT_EQ(MultipartParser::boundary_from_content_type("multipart/form-data boundary=abc"),
            std::nullopt);
}

TEST(MultipartParser, quoted_boundary_from_content_type_parses_the_body) {
  auto boundary = MultipartParser::boundary_from_content_type(
      "multipart/form-data; boundary=\"Volkrin upload:1\"");
  ASSERT_TRUE(boundary);
  auto parts = sample_parts();
  Collected got = parse_whole(make_body(parts, *boundary), *boundary);
  EXPECT_EQ(got.parts, expected_of(parts));
}

// --- part headers ---

TEST(MultipartParser, filename_star_with_percent_encoded_utf8_wins_over_filename) {
  Part p = single_part_of(
      "Content-Disposition: form-data; name=\"file\"; filename=\"rates.mp3\"; "
      "filename*=UTF-8''%E2%82%AC%20rates.mp3\r\n");
  EXPECT_EQ(p.filename, "\xe2\x82\xac rates.mp3");
  // Also when it comes first and the charset is in lower case.
  p = single_part_of(
      "Content-Disposition: form-data; filename*=utf-8'en'%C3%A9t%C3%A9.ogg; "
      "filename=\"ete.ogg\"; name=file\r\n");
  EXPECT_EQ(p.filename, "\xc3\xa9t\xc3\xa9.ogg");
}

TEST(MultipartParser, filename_star_in_another_charset_keeps_its_raw_value) {
  Part p = single_part_of(
      "Content-Disposition: form-data; name=file; filename=\"rates\"; "
      "filename*=iso-8859-1'en'%A3%20rates\r\n");
  EXPECT_EQ(p.filename, "iso-8859-1'en'%A3%20rates");
}

TEST(MultipartParser, filename_star_with_bad_percent_encoding_keeps_its_raw_value) {
  Part p = single_part_of("Content-Disposition: form-data; name=file; filename*=UTF-8''a%2\r\n");
  EXPECT_EQ(p.filename, "UTF-8''a%2");
}

TEST(MultipartParser, quoted_name_with_escaped_quote_is_unescaped) {
  Part p = single_part_of(
      "Content-Disposition: form-data; name=\"say \\\"hi\\\" \\\\ now\"; "
      "filename=\"a;b.txt\"\r\n");
  EXPECT_EQ(p.name, "say \"hi\" \\ now");
  EXPECT_EQ(p.filename, "a;b.txt");
}

TEST(MultipartParser, token_name_and_case_insensitive_parameters_are_accepted) {
  Part p = single_part_of("CONTENT-DISPOSITION: Form-Data; NAME=title; FileName=x.txt\r\n");
  EXPECT_EQ(p.name, "title");
  EXPECT_EQ(p.filename, "x.txt");
  EXPECT_EQ(p.content_type, "");
}

TEST(MultipartParser, part_without_filename_has_none) {
  Part p = single_part_of("Content-Disposition: form-data; name=\"title\"\r\n");
  EXPECT_EQ(p.filename, std::nullopt);
}

TEST(MultipartParser, unknown_part_headers_are_ignored) {
  Part p = single_part_of(
      "X-Custom: 1\r\nContent-Disposition: form-data; name=a\r\n"
      "Content-Transfer-Encoding: binary\r\n");
  EXPECT_EQ(p.name, "a");
}

// --- errors ---

TEST(MultipartParser, missing_final_boundary_is_an_error) {
  EXPECT_EQ(error_of(simple_part("a", "1")), "Malformed multipart body: missing final boundary");
  EXPECT_EQ(error_of(simple_part("a", "1") + "--" + std::string(kBoundary)),
            "Malformed multipart body: missing final boundary");
  EXPECT_EQ(error_of(simple_part("a", "1") + "--" + std::string(kBoundary) + "-"),
            "Malformed multipart body: missing final boundary");
}

TEST(MultipartParser, body_truncated_inside_headers_is_an_error) {
  std::string body = "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; na";
  EXPECT_EQ(error_of(body), "Malformed multipart body: truncated part headers");
  EXPECT_EQ(
      error_of("--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=a\r\n"),
      "Malformed multipart body: truncated part headers");
}

TEST(MultipartParser, body_without_any_boundary_is_an_error_at_finish) {
  MultipartParser parser{std::string(kBoundary)};
  parser.feed("this is not a multipart body at all\r\n--boundary42xy\r\n");
  EXPECT_EQ(parser.next().kind, Kind::need_more);
  parser.finish();
  EXPECT_THROW(parser.next(), MultipartError);
}

TEST(MultipartParser, header_section_larger_than_the_limit_is_an_error) {
  std::string lines =
      "Content-Disposition: form-data; name=a\r\nX-Pad: " + std::string(200, 'p') + "\r\n";
  std::size_t section = lines.size() + 2;  // plus the empty line
  std::string body = make_body({{lines, {}}});
  EXPECT_EQ(error_of(body, {section - 1, 16}), "Malformed multipart body: part headers too large");
  EXPECT_EQ(error_of(body, {section, 16}), "");
  // Also when the section never ends, byte by byte: the parser stops at the limit.
  MultipartParser parser{std::string(kBoundary), {64, 16}};
  parser.feed("--" + std::string(kBoundary) + "\r\n");
  EXPECT_EQ(parser.next().kind, Kind::need_more);
  bool threw = false;
  for (int i = 0; i < 1000 && !threw; ++i) {
    parser.feed("x");
    try {
      EXPECT_EQ(parser.next().kind, Kind::need_more);
    } catch (const MultipartError&) {
      threw = true;
      EXPECT_EQ(i, 64);
    }
  }
  EXPECT_TRUE(threw);
}

TEST(MultipartParser, more_parts_than_the_limit_is_an_error) {
  std::string two = simple_part("a", "1") + simple_part("b", "2");
  EXPECT_EQ(error_of(two + close_delimiter(), {1024, 2}), "");
  EXPECT_EQ(error_of(two + simple_part("c", "3") + close_delimiter(), {1024, 2}),
            "Malformed multipart body: too many parts");
}

TEST(MultipartParser, part_without_content_disposition_is_an_error) {
  EXPECT_EQ(error_of(make_body({{"Content-Type: text/plain\r\n", {}}})),
            "Malformed multipart body: part without Content-Disposition");
}

TEST(MultipartParser, part_without_name_is_an_error) {
  EXPECT_EQ(error_of(make_body({{"Content-Disposition: form-data; filename=\"a.txt\"\r\n", {}}})),
            "Malformed multipart body: part without a name");
}

TEST(MultipartParser, disposition_other_than_form_data_is_an_error) {
  EXPECT_EQ(error_of(make_body({{"Content-Disposition: attachment; name=a\r\n", {}}})),
            "Malformed multipart body: part is not form-data");
}

TEST(MultipartParser, malformed_disposition_parameters_are_an_error) {
  for (std::string bad : {"form-data; name=\"a", "form-data; name", "form-data name=a",
                          "form-data; =a", "form-data; name=a b", "form-data; name=a; name=b"}) {
    EXPECT_NE(error_of(make_body({{"Content-Disposition: " + bad + "\r\n", {}}})), "") << bad;
  }
}

TEST(MultipartParser, folded_header_line_is_an_error) {
  EXPECT_EQ(error_of(make_body({{"Content-Disposition: form-data; name=a\r\nContent-Type: "
                                 "text/plain;\r\n charset=utf-8\r\n",
                                 {}}})),
            "Malformed multipart body: folded part header");
}

TEST(MultipartParser, malformed_header_lines_are_an_error) {
  for (const std::string& bad : std::vector<std::string>{
           "no colon here", ": empty name", "Bad Name: x", "X-Nul: a\0b"s, "X-Lf: a\nb"}) {
    EXPECT_NE(
        error_of(make_body({{"Content-Disposition: form-data; name=a\r\n" + bad + "\r\n", {}}})),
        "")
        << bad;
  }
}

TEST(MultipartParser, duplicate_disposition_or_content_type_is_an_error) {
  EXPECT_NE(error_of(make_body({{"Content-Disposition: form-data; name=a\r\n"
                                 "Content-Disposition: form-data; name=b\r\n",
                                 {}}})),
            "");
  EXPECT_NE(error_of(make_body({{"Content-Disposition: form-data; name=a\r\n"
                                 "Content-Type: a/b\r\nContent-Type: c/d\r\n",
                                 {}}})),
            "");
}

TEST(MultipartParser, boundary_followed_by_other_bytes_is_an_error) {
  std::string b(kBoundary);
  EXPECT_EQ(error_of(simple_part("a", "x\r\n--" + b + "X") + close_delimiter()),
            "Malformed multipart body: invalid boundary line");
  EXPECT_EQ(error_of("--" + b + " x\r\n"), "Malformed multipart body: invalid boundary line");
  EXPECT_EQ(error_of("--" + b + "-x"), "Malformed multipart body: invalid boundary line");
  EXPECT_EQ(error_of("--" + b + "\rx"), "Malformed multipart body: invalid boundary line");
}

TEST(MultipartParser, errors_are_sticky_across_calls) {
  MultipartParser parser{std::string(kBoundary)};
  parser.feed(make_body({{"Content-Type: text/plain\r\n", {}}}));
  EXPECT_THROW(parser.next(), MultipartError);
  EXPECT_THROW(parser.next(), MultipartError);
}

}  // namespace
}  // namespace volkrin::http
