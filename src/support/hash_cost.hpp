// The password-hashing cost presets, as PASSWORD_HASH_COST names them.
#pragma once

namespace volkrin {

// Argon2id cost presets; `min` exists for tests only.
enum class HashCost { min, interactive, moderate, sensitive };

}  // namespace volkrin
