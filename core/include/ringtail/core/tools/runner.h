// runner: how a tool runs its client. Each tool is one coroutine on shard 0 of a small
// io::runtime of its own (one shard, not pinned: the tool is a client process and may
// share the machine with a broker), like `ringtail perf` does with more shards.
//
// The runtime blocks SIGINT/SIGTERM in every thread and shard 0 reads them from a
// signalfd, so a tool sees Ctrl-C as a task waking up: the runner's watcher calls the
// tool's `on_interrupt` (the console tools stop reading and close cleanly); without
// one, or on a second Ctrl-C, it exits at once with code 130 (nothing an admin call
// leaves half-done on the client needs cleaning up). Exceptions never escape as a stack
// dump: they end the tool with a one-line message.
//
// Also the bootstrap step every tool shares: connect to the --bootstrap-server list
// within a deadline and fail with a message naming the servers when none answers; and
// the whole of an admin tool's entry point, from its command line to its admin client.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/client/cluster.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/io/task.h"

namespace ringtail::core::tools {

// Lives on shard 0 for the whole run.
struct tool_context {
  // Set by the signal watcher; console tools poll it between waits.
  bool interrupted = false;
  // Called (on shard 0) on the first SIGINT/SIGTERM. Empty: exit 130 at once.
  std::function<void()> on_interrupt;
};

// Runs `main` on a one-shard runtime and returns its exit code (exit_error when the
// runtime cannot start or `main` throws). `name` prefixes error lines.
int run_tool(const std::string& name, std::function<io::task<int>(tool_context&)> main);

// A client configuration for `bootstrap` ("host:port,..."): client.id, request timeout,
// and retries that fit a command-line tool.
client::client_config tool_client_config(const std::string& bootstrap, const std::string& client_id, int timeout_ms);

// Waits (up to `timeout_ms`) until one bootstrap server answers ApiVersions, then loads
// the cluster's metadata. On failure returns a message naming the servers and the
// cause ("cannot reach bootstrap server(s) h:p within 1500 ms: network error: ...").
io::task<std::optional<std::string>> connect_cluster(client::cluster& c, std::string bootstrap, int timeout_ms);

// Connects `c` to `bootstrap` (connect_cluster, within `timeout_ms`) and runs `body` on
// it; when no server answers, prints the reason with `print_error` and returns
// exit_error. Closes `c` after, either way.
io::task<int> run_connected(client::cluster& c, std::string bootstrap, int timeout_ms,
                            void (*print_error)(const std::string&),
                            std::function<io::task<int>(client::cluster&)> body);

// What an admin tool does with its admin client; returns the exit code.
using admin_tool_body = std::function<io::task<int>(client::admin&)>;

// run_tool for an admin tool: a cluster for `bootstrap` with client.id "ringtail-<name>",
// run_connected, and `body` with an admin client whose calls have `timeout_ms` each.
int run_with_admin(const std::string& name, const std::string& bootstrap, int timeout_ms,
                   void (*print_error)(const std::string&), admin_tool_body body);

// An admin tool (topics, configs, consumer-groups, get-offsets) as its entry point runs
// it. `Options` are the tool's parsed options, with `bootstrap` and `timeout_ms` among
// them.
template <typename Options>
struct admin_tool {
  std::string name;  // "topics": error lines, and client.id "ringtail-topics"
  option_parser (*make_parser)();
  // Fills the options; returns an error message, "" when they are valid.
  std::string (*check)(const option_parser&, Options&);
  // The work, with the cluster reachable: returns the exit code.
  io::task<int> (*run)(client::admin&, const Options*);
  // How the tool words an error (a cluster it cannot reach).
  void (*print_error)(const std::string&);
  // How it reports a bad command line.
  int (*report_usage)(const option_parser&, const std::string&) = usage_error;
};

// An admin tool's entry point: read_command_line (the help when there is no argument),
// then run_with_admin. Returns the process exit code.
template <typename Options>
int run_admin_tool(const admin_tool<Options>& tool, const std::vector<std::string>& args) {
  option_parser p = tool.make_parser();
  Options o;
  auto check_into = [&tool, &o](const option_parser& parsed) { return tool.check(parsed, o); };
  if (auto stop = read_command_line(p, args, no_arguments::print_help, check_into, tool.report_usage)) return *stop;
  const Options* op = &o;
  auto run = tool.run;
  return run_with_admin(tool.name, o.bootstrap, o.timeout_ms, tool.print_error,
                        [run, op](client::admin& admin) { return run(admin, op); });
}

}  // namespace ringtail::core::tools
