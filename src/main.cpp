// Entry point of the volkrin executable.
#include <csignal>

#include "app/cli.hpp"

int main(int argc, char** argv) {
  // A client that hangs up while a file is being sent with sendfile(2) must cost that
  // connection an EPIPE, not the process its life.
  std::signal(SIGPIPE, SIG_IGN);
  return volkrin::run_cli(argc, argv);
}
