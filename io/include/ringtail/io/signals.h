// Signals as an awaitable: the runtime blocks SIGINT and SIGTERM in every thread and
// shard 0 reads them from a signalfd through its ring, so no signal handler ever runs
// on a shard and shutdown starts as ordinary task code.
#pragma once

#include "ringtail/io/cancel.h"
#include "ringtail/io/error.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

// Waits for SIGINT or SIGTERM; returns the signal number, or errc::cancelled.
task<result<int>> wait_for_shutdown_signal(cancel_token* token = nullptr);

// Blocks SIGINT/SIGTERM/SIGPIPE in the calling thread (threads created later inherit it).
void block_shutdown_signals();

}  // namespace ringtail::io
