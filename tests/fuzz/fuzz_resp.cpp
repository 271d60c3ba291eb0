// libFuzzer target: the RESP parser never crashes, ignores read boundaries, round-trips.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/resp.hpp"

namespace {

using volkrin::redis::RespParser;
using volkrin::redis::RespProtocolError;
using volkrin::redis::RespValue;
using Type = RespValue::Type;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Outcome {
  std::vector<RespValue> replies;
  bool protocol_error = false;
  std::size_t left_over = 0;
};

bool same(const RespValue& a, const RespValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case Type::simple_string:
    case Type::error:
    case Type::bulk_string:
      return a.text == b.text;
    case Type::integer:
      return a.integer == b.integer;
    case Type::null:
      return true;
    case Type::array:
      if (a.elements.size() != b.elements.size()) return false;
      for (std::size_t i = 0; i < a.elements.size(); ++i) {
        if (!same(a.elements[i], b.elements[i])) return false;
      }
      return true;
  }
  return false;
}

void encode(const RespValue& value, std::string& out) {
  switch (value.type) {
    case Type::simple_string:
      out += "+" + value.text + "\r\n";
      break;
    case Type::error:
      out += "-" + value.text + "\r\n";
      break;
    case Type::integer:
      out += ":" + std::to_string(value.integer) + "\r\n";
      break;
    case Type::bulk_string:
      out += "$" + std::to_string(value.text.size()) + "\r\n" + value.text + "\r\n";
      break;
    case Type::null:
      out += "$-1\r\n";
      break;
    case Type::array:
      out += "*" + std::to_string(value.elements.size()) + "\r\n";
      for (const auto& element : value.elements) encode(element, out);
      break;
  }
}

// Feeds `data` in pieces that end at the given offsets (and at the end).
Outcome parse(std::string_view data, const std::vector<std::size_t>& cuts) {
  Outcome outcome;
  RespParser parser;
  std::size_t from = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(data.size());
  try {
    for (const std::size_t end : ends) {
      if (end < from) continue;
      parser.feed(data.substr(from, end - from));
      from = end;
      while (auto reply = parser.next()) outcome.replies.push_back(std::move(*reply));
    }
  } catch (const RespProtocolError&) {
    outcome.protocol_error = true;
  }
  outcome.left_over = parser.buffered();
  check(outcome.left_over <= data.size());
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  const Outcome whole = parse(data, {});

  // Split in two at a point chosen by the input, and (for short inputs) byte by byte.
  std::vector<std::vector<std::size_t>> splits;
  if (size > 1) splits.push_back({1 + bytes[0] % (size - 1)});
  if (size <= 512) {
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < size; ++i) every.push_back(i);
    splits.push_back(std::move(every));
  }
  for (const auto& cuts : splits) {
    const Outcome split = parse(data, cuts);
    check(split.protocol_error == whole.protocol_error);
    check(split.replies.size() == whole.replies.size());
    for (std::size_t i = 0; i < whole.replies.size(); ++i) {
      check(same(split.replies[i], whole.replies[i]));
    }
    if (!whole.protocol_error) check(split.left_over == whole.left_over);
  }

  // What parsed, encoded again, parses to the same replies with nothing left over.
  std::string again;
  for (const auto& reply : whole.replies) encode(reply, again);
  const Outcome round = parse(again, {});
  check(!round.protocol_error);
  {
    check(round.left_over == 0);
    check(round.replies.size() == whole.replies.size());
    for (std::size_t i = 0; i < whole.replies.size(); ++i) {
      check(same(round.replies[i], whole.replies[i]));
    }
  }
  return 0;
}
