// `ringtail perf produce|consume|e2e|workload`: the bundled load generator.
#pragma once

#include <string>
#include <vector>

namespace ringtail::perf {
// Runs the subcommand in `args` (without the leading "perf"); returns the exit code.
int run_perf_command(const std::vector<std::string>& args);
}  // namespace ringtail::perf
