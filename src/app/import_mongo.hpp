// `volkrin import-mongo`: moves the original's users and tracks into this server's database.
#pragma once

#include <string>
#include <vector>

#include "support/config.hpp"

namespace volkrin {

// args: --users FILE, --tracks FILE (at least one), --dry-run. Validates the whole dump
// first (every problem printed with its file and line), then stores it in one
// transaction; records whose id is already stored are skipped, so a second run adds
// nothing. Returns the exit code: 0 imported (or dry run), 1 nothing imported, 2 usage.
int import_mongo(const Config& config, const std::vector<std::string>& args);

}  // namespace volkrin
