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
// within a deadline and fail with a message naming the servers when none answers.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ringtail/core/client/cluster.h"
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

}  // namespace ringtail::core::tools
