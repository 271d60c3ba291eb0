// Entry point of the volkrin executable.
#include "app/cli.hpp"

int main(int argc, char** argv) { return volkrin::run_cli(argc, argv); }
