// X-Request-Id: keep a sane incoming id, otherwise make one.
#pragma once

#include <string>
#include <string_view>

namespace volkrin::http {

// 1..128 characters of [A-Za-z0-9._:-].
bool is_sane_request_id(std::string_view id);
// A random UUID v4 in its usual text form.
std::string new_request_id();

}  // namespace volkrin::http
