// MongoDB ObjectId-style identifiers, so records imported from the original keep their ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volkrin {

// 24 lower-case hex characters: 4-byte big-endian seconds, 5 random bytes fixed per
// process, 3-byte counter starting at a random value. Thread-safe.
std::string new_object_id();

// Exactly 24 lower-case hex characters.
bool is_object_id(std::string_view text);

}  // namespace volkrin
