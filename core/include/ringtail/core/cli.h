// The `ringtail` command line: subcommand dispatch.
#pragma once

#include <string>
#include <vector>

namespace ringtail::core {

// Runs `ringtail <subcommand> [args...]`; returns the process exit code.
int run_cli(const std::vector<std::string>& args);

// `ringtail broker [--config FILE] [--override key=value ...]`
int run_broker_command(const std::vector<std::string>& args);

}  // namespace ringtail::core
