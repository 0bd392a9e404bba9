// runtime: N shards, each a thread pinned to one core with its own reactor (io_uring,
// buffer ring, timers) and its ends of the cross-shard mailboxes.
//
// Lifecycle: construct (probes the kernel, refuses to start naming what is missing),
// run(main) starts the shard threads and runs `main` as a task on shard 0. When main
// returns, shard 0 waits for every shard's detached tasks to finish (up to
// `drain_timeout`), asks every shard to leave its loop, and joins the threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ringtail/io/cross_shard.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

struct runtime_config {
  unsigned shards = 0;  // 0 = one per online core
  bool pin_threads = true;
  reactor_config reactor;
  std::chrono::milliseconds drain_timeout{10'000};
};

class startup_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class runtime {
 public:
  // Throws startup_error if the kernel lacks a required io_uring feature.
  explicit runtime(runtime_config cfg = {});
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  unsigned shard_count() const noexcept { return shard_count_; }
  const kernel_features& features() const noexcept { return features_; }

  // Runs `main` on shard 0; returns its value once every shard has stopped.
  int run(std::function<task<int>()> main);

 private:
  void shard_thread(unsigned id, std::function<task<int>()>* main, int* exit_code);

  runtime_config cfg_;
  unsigned shard_count_;
  kernel_features features_;
};

// On shard 0 inside run(): waits until every shard has no detached task left but the
// caller's own (or the timeout passes). Exposed for the shutdown path of applications.
task<bool> drain_all_shards(std::chrono::milliseconds timeout);

}  // namespace ringtail::io
