// ringtail: one binary, subcommands in the spirit of Kafka's scripts. `perf` lives in
// perf/ (above core/), everything else in core/.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifdef RINGTAIL_USE_MIMALLOC
#include <mimalloc-new-delete.h>
#endif

#include "ringtail/core/cli.h"
#if __has_include("ringtail/perf/perf_command.h")
#include "ringtail/perf/perf_command.h"
#define RINGTAIL_HAS_PERF 1
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
#ifdef RINGTAIL_HAS_PERF
  if (!args.empty() && args[0] == "perf") {
    return ringtail::perf::run_perf_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
#endif
  return ringtail::core::run_cli(args);
}
