// Cross-shard messages (io::submit_to) between shard 0 and shard 1 of a 2-shard runtime,
// threads pinned (shard i on CPU i) as in production.
//
//   BM_submit_to_round_trip   one message outstanding: each iteration is one round trip
//                             0 -> 1 -> 0 (time per iteration = ns per round trip). With one
//                             message in flight both shards sleep between messages, so a
//                             round trip includes two MSG_RING wake-ups of a sleeping ring.
//   BM_baseline_eventfd_round_trip
//                             the same round trip without the runtime: two threads pinned
//                             to CPU 0 and 1 ping-pong through two eventfds with blocking
//                             read()/write() (each side sleeps in the kernel, as the
//                             shards do). On this VM a cross-CPU wake-up of a sleeping
//                             thread dominates both; compare the two.
//   BM_submit_to_throughput   `outstanding` tasks on shard 0 each send messages back to
//                             back (up to mailbox_capacity = 256 in flight per pair, more
//                             queue as back-pressure); counter msgs_per_s.
//
// The benchmark loop itself runs inside a task on shard 0 (the timer is read on the shard
// thread). Counters: wakeups_sent and sleeps of shard 0 per message show how often the
// loop had to block.
//
//   build/h-iob/bench/bench_io --benchmark_filter=BM_submit_to --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "ringtail/io/cross_shard.h"
#include "ringtail/io/event.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/task.h"

namespace {

namespace io = ringtail::io;

constexpr unsigned shard_count = 2;
constexpr unsigned target_shard = 1;
// Messages per benchmark iteration: enough to amortize the spawns, few enough that one
// outstanding message (each round trip a wake-up, ~50-100 us on this VM) stays ~0.5 s.
constexpr int throughput_batch_per_sender = 4096;
constexpr int throughput_batch_messages_max = 1 << 16;

template <io::task<void> (*Body)(benchmark::State*)>
io::task<int> run_body(benchmark::State* state) {
  co_await Body(state);
  co_return 0;
}

// Runs body(state) as the main task of a fresh 2-shard runtime.
template <io::task<void> (*Body)(benchmark::State*)>
void on_runtime(benchmark::State& state) {
  io::runtime_config cfg;
  cfg.shards = shard_count;
  cfg.pin_threads = true;
  io::runtime rt(cfg);
  benchmark::State* s = &state;
  rt.run([s]() -> io::task<int> { return run_body<Body>(s); });
}

void report_reactor_counters(benchmark::State* state, const io::reactor_stats& before, uint64_t messages) {
  const io::reactor_stats& after = io::local().stats();
  const double n = static_cast<double>(messages);
  state->counters["shard0_sleeps_per_msg"] = static_cast<double>(after.sleeps - before.sleeps) / n;
  state->counters["shard0_wakeups_per_msg"] = static_cast<double>(after.wakeups_sent - before.wakeups_sent) / n;
}

io::task<void> round_trips(benchmark::State* state) {
  const io::reactor_stats before = io::local().stats();
  uint64_t sum = 0;
  for (auto _ : *state) {
    const unsigned where = co_await io::submit_to(target_shard, [] { return io::this_shard(); });
    sum += where;
  }
  benchmark::DoNotOptimize(sum);
  report_reactor_counters(state, before, state->iterations());
}

void BM_submit_to_round_trip(benchmark::State& state) { on_runtime<round_trips>(state); }
BENCHMARK(BM_submit_to_round_trip)->UseRealTime()->Unit(benchmark::kNanosecond)->MinTime(1.0);

void pin_self(unsigned cpu_index) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof allowed, &allowed);
  unsigned seen = 0;
  for (unsigned c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &allowed)) continue;
    if (seen++ == cpu_index) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(c, &one);
      pthread_setaffinity_np(pthread_self(), sizeof one, &one);
      return;
    }
  }
}

void BM_baseline_eventfd_round_trip(benchmark::State& state) {
  const int ping = eventfd(0, EFD_CLOEXEC);
  const int pong = eventfd(0, EFD_CLOEXEC);
  if (ping < 0 || pong < 0) std::abort();
  std::thread peer([ping, pong] {
    pin_self(1);
    for (;;) {
      uint64_t v = 0;
      if (read(ping, &v, sizeof v) != sizeof v) std::abort();
      if (v > 1) break;  // 2 = stop
      if (write(pong, &v, sizeof v) != sizeof v) std::abort();
    }
  });
  cpu_set_t saved;
  pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
  pin_self(0);
  for (auto _ : state) {
    uint64_t v = 1;
    if (write(ping, &v, sizeof v) != sizeof v) std::abort();
    if (read(pong, &v, sizeof v) != sizeof v) std::abort();
  }
  const uint64_t stop = 2;
  if (write(ping, &stop, sizeof stop) != sizeof stop) std::abort();
  peer.join();
  pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  close(ping);
  close(pong);
}
BENCHMARK(BM_baseline_eventfd_round_trip)->UseRealTime()->Unit(benchmark::kNanosecond)->MinTime(1.0);

// One sender: `messages` round trips back to back; the last one to finish notifies.
io::task<void> sender(int messages, int* left, io::event* done) {
  uint64_t sum = 0;
  for (int i = 0; i < messages; ++i) {
    sum += co_await io::submit_to(target_shard, [] { return io::this_shard(); });
  }
  benchmark::DoNotOptimize(sum);
  if (--*left == 0) done->notify_all();
}

io::task<void> many_outstanding(benchmark::State* state) {
  const int outstanding = static_cast<int>(state->range(0));
  const int per_sender = std::min(throughput_batch_per_sender, throughput_batch_messages_max / outstanding);
  const io::reactor_stats before = io::local().stats();
  for (auto _ : *state) {
    io::event done;
    int left = outstanding;
    for (int i = 0; i < outstanding; ++i) io::spawn(sender(per_sender, &left, &done));
    while (left > 0) (void)co_await done.wait();
  }
  const uint64_t messages =
      state->iterations() * static_cast<uint64_t>(per_sender) * static_cast<uint64_t>(outstanding);
  state->SetItemsProcessed(static_cast<int64_t>(messages));
  state->counters["msgs_per_s"] = benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
  report_reactor_counters(state, before, messages);
}

void BM_submit_to_throughput(benchmark::State& state) { on_runtime<many_outstanding>(state); }
BENCHMARK(BM_submit_to_throughput)
    ->ArgName("outstanding")
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->Arg(1024)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

}  // namespace
