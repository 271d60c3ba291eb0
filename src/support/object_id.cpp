// Generation and validation of MongoDB ObjectId-style identifiers.
#include "support/object_id.hpp"

#include <atomic>
#include <chrono>

#include "support/crypto.hpp"

namespace volkrin {

namespace {

struct ProcessState {
  std::string random5;  // fixed per process
  std::atomic<std::uint32_t> counter;

  ProcessState() : random5(crypto::random_bytes(5)), counter(initial_counter()) {}

  static std::uint32_t initial_counter() {
    const std::string r = crypto::random_bytes(3);
    return (std::uint32_t{static_cast<unsigned char>(r[0])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(r[1])} << 8) |
           std::uint32_t{static_cast<unsigned char>(r[2])};
  }
};

ProcessState& process_state() {
  static ProcessState state;  // initialisation is thread-safe
  return state;
}

}  // namespace

std::string new_object_id() {
  ProcessState& state = process_state();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  // The 4-byte field wraps in 2106, as MongoDB's does.
  const auto ts = static_cast<std::uint32_t>(seconds);
  const std::uint32_t count = state.counter.fetch_add(1, std::memory_order_relaxed) & 0xFFFFFF;

  std::string raw;
  raw.reserve(12);
  raw.push_back(static_cast<char>(ts >> 24));
  raw.push_back(static_cast<char>(ts >> 16));
  raw.push_back(static_cast<char>(ts >> 8));
  raw.push_back(static_cast<char>(ts));
  raw += state.random5;
  raw.push_back(static_cast<char>(count >> 16));
  raw.push_back(static_cast<char>(count >> 8));
  raw.push_back(static_cast<char>(count));
  return crypto::hex_encode(raw);
}

bool is_object_id(std::string_view text) {
  if (text.size() != 24) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace volkrin
