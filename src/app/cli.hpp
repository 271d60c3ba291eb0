// The command line: `volkrin [serve]`, `user create`, `demo`, `healthcheck`, `import-mongo`,
// `routes`, `--version`, `--help`.
#pragma once

namespace volkrin {

int run_cli(int argc, char** argv);

}  // namespace volkrin
