// The keys requests are counted under: a client's address, an account's email.
#pragma once

#include <string>
#include <string_view>

namespace volkrin {

// An IPv4 address as is (also when IPv4-mapped, "::ffff:192.0.2.1"); an IPv6 address as its
// /64 ("2001:db8:1:2::/64"), the block one subscriber usually holds, so that rotating
// through a prefix's addresses does not escape the limit. Anything else as is.
std::string address_key(std::string_view address);

// The email as login looks it up (trimmed, ASCII lower-case); long inputs are hashed so
// that a key stays small whatever the body says.
std::string account_key(std::string_view email);

}  // namespace volkrin
