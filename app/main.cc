// ringtail: one binary, subcommands in the spirit of Kafka's scripts.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifdef RINGTAIL_USE_MIMALLOC
#include <mimalloc-new-delete.h>
#endif

#include "ringtail/core/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ringtail::core::run_cli(args);
}
