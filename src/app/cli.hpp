// The command line: `volkrin [serve]`, `volkrin user create ...`, `volkrin demo`, `--version`, `--help`.
#pragma once

namespace volkrin {

int run_cli(int argc, char** argv);

}  // namespace volkrin
