// The command line: `volkrin [serve]`, `volkrin user create ...`, `--version`, `--help`.
#pragma once

namespace volkrin {

int run_cli(int argc, char** argv);

}  // namespace volkrin
