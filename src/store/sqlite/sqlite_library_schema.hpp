// Script 3 of the SQLite store: the tracks' tags and the albums and artists derived from them.
#pragma once

#include <string_view>

namespace volkrin {

// Built once; valid for the life of the process.
std::string_view sqlite_library_script();

}  // namespace volkrin
