// `volkrin import DIR...`: brings folders of audio files into the library.
#pragma once

#include <string>
#include <vector>

#include "support/config.hpp"

namespace volkrin {

// args: one or more folders (or files), then options: --as EMAIL (the admin the tracks are
// uploaded by; default the first admin, or none), --progress SECONDS (the interval of plain
// progress lines when standard error is not a terminal; 0 for none). Exit codes: 0 done,
// 3 done but some files refused, 130 stopped by SIGINT or SIGTERM (after the files in
// progress), 1 stopped by a failure of the database or the media store, 2 usage.
int import_library(const Config& config, const std::vector<std::string>& args);

}  // namespace volkrin
