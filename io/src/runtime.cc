#include "ringtail/io/runtime.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "ringtail/io/signals.h"
#include "ringtail/io/timer.h"

namespace ringtail::io {

namespace {

struct shared_state {
  std::vector<std::unique_ptr<reactor>> reactors;
  std::unique_ptr<cross_shard> mailboxes;
  std::atomic<unsigned> constructed{0};
  std::atomic<unsigned> exited{0};
  std::atomic<bool> failed{false};
  std::string failure;
};

shared_state* g_state = nullptr;  // valid while a runtime runs (one at a time per process)

std::vector<unsigned> online_cpus() {
  std::vector<unsigned> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (unsigned i = 0; i < CPU_SETSIZE; ++i)
      if (CPU_ISSET(i, &set)) cpus.push_back(i);
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

task<void> run_main(std::function<task<int>()>* main, int* exit_code, std::chrono::milliseconds drain_timeout) {
  try {
    *exit_code = co_await (*main)();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ringtail: %s\n", e.what());
    *exit_code = 1;
  }
  const bool drained = co_await drain_all_shards(drain_timeout);
  if (!drained) std::fprintf(stderr, "ringtail: shutdown: tasks still running after the drain timeout\n");
  local().mailboxes().request_exit(local().shard_id());
}

}  // namespace

runtime::runtime(runtime_config cfg) : cfg_(std::move(cfg)) {
  features_ = probe_kernel();
  if (!features_.missing.empty()) {
    std::string msg = "the kernel lacks io_uring features Ringtail requires:";
    for (const auto& m : features_.missing) msg += "\n  - " + m;
    throw startup_error(msg);
  }
  shard_count_ = cfg_.shards != 0 ? cfg_.shards : static_cast<unsigned>(online_cpus().size());
  if (shard_count_ > max_shards) throw startup_error("num.shards must be at most " + std::to_string(max_shards));
}

runtime::~runtime() = default;

void runtime::shard_thread(unsigned id, std::function<task<int>()>* main, int* exit_code) {
  block_shutdown_signals();
  if (cfg_.pin_threads) {
    const auto cpus = online_cpus();
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus[id % cpus.size()], &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  }
  char name[16];
  std::snprintf(name, sizeof name, "shard-%u", id);
  pthread_setname_np(pthread_self(), name);

  shared_state& st = *g_state;
  try {
    // Each ring is created on the thread that will submit to it (SINGLE_ISSUER).
    st.reactors[id] = std::make_unique<reactor>(id, shard_count_, cfg_.reactor);
  } catch (const std::exception& e) {
    st.failure = e.what();
    st.failed = true;
  }
  st.constructed.fetch_add(1);
  while (st.constructed.load() < shard_count_) std::this_thread::yield();
  if (st.failed) return;
  // Shard 0 wires the mailboxes; the others wait until it has.
  if (id == 0) {
    std::vector<reactor*> rs;
    for (auto& r : st.reactors) rs.push_back(r.get());
    st.mailboxes = std::make_unique<cross_shard>(std::move(rs));
    st.constructed.fetch_add(1);
  } else {
    while (st.constructed.load() < shard_count_ + 1) std::this_thread::yield();
  }
  reactor& r = *st.reactors[id];
  if (id == 0) {
    detail::set_local(&r);
    spawn(run_main(main, exit_code, cfg_.drain_timeout));
  }
  r.run();
  // Every shard leaves its loop before any ring goes away: until then another shard may
  // still read this one's sleeping flag or send it a wake-up. Each ring is torn down by
  // its own thread (SINGLE_ISSUER).
  st.exited.fetch_add(1);
  while (st.exited.load() < shard_count_) std::this_thread::yield();
  st.reactors[id].reset();
}

int runtime::run(std::function<task<int>()> main) {
  RT_ASSERT(g_state == nullptr, "one runtime runs at a time");
  block_shutdown_signals();
  shared_state st;
  st.reactors.resize(shard_count_);
  g_state = &st;
  int exit_code = 0;
  std::vector<std::thread> threads;
  threads.reserve(shard_count_);
  for (unsigned i = 0; i < shard_count_; ++i) threads.emplace_back([this, i, &main, &exit_code] { shard_thread(i, &main, &exit_code); });
  for (auto& t : threads) t.join();
  st.reactors.clear();
  st.mailboxes.reset();
  g_state = nullptr;
  if (st.failed) throw startup_error("could not start a shard: " + st.failure);
  return exit_code;
}

task<bool> drain_all_shards(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  reactor& self = local();
  for (;;) {
    bool busy = self.live_tasks() > 1;  // the caller's own chain counts once
    for (unsigned s = 0; s < self.shard_count() && !busy; ++s) {
      if (s == self.shard_id()) continue;
      const uint64_t n = co_await submit_to(s, [] { return local().live_tasks(); });
      busy = n > 0;
    }
    if (!busy) co_return true;
    if (clock::now() >= deadline) co_return false;
    (void)co_await sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace ringtail::io
