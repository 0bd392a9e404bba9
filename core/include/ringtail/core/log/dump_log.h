// `ringtail dump-log`: prints segment files in the spirit of Kafka's kafka-dump-log.sh.
//
//   ringtail dump-log --files <a.log,b.index,c.timeindex,...> [--print-data-log]
//                     [--verify-index-only]
//
// .log: every batch with its offsets, position, timestamps, producer id/epoch/sequence,
// size and CRC validity (and each record with --print-data-log); a torn or corrupt tail
// is reported where it starts. .index / .timeindex: every entry, checked against the
// .log next to it (an entry must point at a batch holding its offset; entries must
// increase); --verify-index-only prints only the inconsistencies. An offline tool: it
// reads files with plain blocking I/O, never on a shard.
#pragma once

#include <string>
#include <vector>

namespace ringtail::core::log {

// Returns the process exit code (0 ok, 1 inconsistencies or errors found, 2 usage).
int run_dump_log_command(const std::vector<std::string>& args);

}  // namespace ringtail::core::log
