#include "ringtail/core/cli.h"
#include "ringtail/core/log/dump_log.h"
#include "ringtail/core/tools/tools.h"

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
               "\n"
               "Kafka-style tools (any Kafka broker too; 'ringtail <tool> --help' for options):\n"
               "  topics --bootstrap-server H:P --list|--describe|--create|--alter|--delete\n"
               "                 list, describe, create, grow and delete topics (kafka-topics.sh)\n"
               "  console-producer --bootstrap-server H:P --topic T\n"
               "                 send stdin lines as records (kafka-console-producer.sh)\n"
               "  console-consumer --bootstrap-server H:P --topic T [--from-beginning] [--group G]\n"
               "                 print records to stdout (kafka-console-consumer.sh)\n"
               "  consumer-groups --bootstrap-server H:P --list|--describe|--delete|--reset-offsets\n"
               "                 inspect groups, their lag and committed offsets (kafka-consumer-groups.sh)\n"
               "  configs --bootstrap-server H:P --entity-type topics|brokers --describe|--alter\n"
               "                 describe and change topic configs (kafka-configs.sh)\n"
               "  get-offsets --bootstrap-server H:P [--topic T] [--time earliest|latest|MS]\n"
               "                 partition offsets at a time (kafka-get-offsets.sh)\n"
               "\n"
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
  if (cmd == "topics") return tools::run_topics(rest);
  if (cmd == "console-producer") return tools::run_console_producer(rest);
  if (cmd == "console-consumer") return tools::run_console_consumer(rest);
  if (cmd == "consumer-groups") return tools::run_consumer_groups(rest);
  if (cmd == "configs") return tools::run_configs(rest);
  if (cmd == "get-offsets") return tools::run_get_offsets(rest);
  std::fprintf(stderr, "ringtail: unknown command '%s'\n\n", cmd.c_str());
  usage();
  return 2;
}

}  // namespace ringtail::core
