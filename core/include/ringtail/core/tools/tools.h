// The admin and console tools: `ringtail <tool> [options]`, each mirroring one of
// Kafka's scripts — the same subcommand flags, option names and output shapes — and
// speaking only the Kafka protocol (core/client), so they work against any Kafka too.
//
//   topics            kafka-topics.sh            --list/--describe/--create/--alter/--delete
//   console-producer  kafka-console-producer.sh  stdin lines → records
//   console-consumer  kafka-console-consumer.sh  records → stdout
//   consumer-groups   kafka-consumer-groups.sh   --list/--describe/--delete/--reset-offsets/--delete-offsets
//   configs           kafka-configs.sh           --describe/--alter topics and brokers
//   get-offsets       kafka-get-offsets.sh       offsets by time
//
// Each takes the arguments after its name and returns the process exit code: 0 on
// success (and for --help), 1 on any error, which is printed as one line naming the
// problem (never a stack dump).
#pragma once

#include <string>
#include <vector>

namespace ringtail::core::tools {

int run_topics(const std::vector<std::string>& args);
int run_console_producer(const std::vector<std::string>& args);
int run_console_consumer(const std::vector<std::string>& args);
int run_consumer_groups(const std::vector<std::string>& args);
int run_configs(const std::vector<std::string>& args);
int run_get_offsets(const std::vector<std::string>& args);

}  // namespace ringtail::core::tools
