#include "ringtail/core/cli.h"
#include "ringtail/core/log/dump_log.h"

#include <cstdio>
#include <cstring>

namespace ringtail::core {

namespace {
void usage() {
  std::fprintf(stderr,
               "usage: ringtail <command> [options]\n"
               "\n"
               "commands:\n"
               "  broker [--config server.properties] [--override key=value ...]\n"
               "                 start the broker (Kafka property names; see docs/CONFIGURATION.md)\n"
               "  dump-log --files F[,F...] [--print-data-log] [--verify-index-only]\n"
               "                 print segment, offset index and time index files\n"
               "  perf produce|consume|e2e ...\n"
               "                 the load generator (ringtail perf --help)\n"
               "  help           this text\n");
}
}  // namespace

int run_cli(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    usage();
    return args.empty() ? 2 : 0;
  }
  const std::string& cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "broker") return run_broker_command(rest);
  if (cmd == "dump-log") return log::run_dump_log_command(rest);
  std::fprintf(stderr, "ringtail: unknown command '%s'\n\n", cmd.c_str());
  usage();
  return 2;
}

}  // namespace ringtail::core
