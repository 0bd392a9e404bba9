// Echo over loopback: the io runtime's echo service (multishot recv into provided
// buffers, send from the buffer it arrived in; tests/support/echo_server.h) against a
// competent epoll echo server (bench/echo_load.h), driven by the same client.
//
// Fairness: both servers get the same number of threads, pinned to the same CPUs
// (server thread / shard i on CPU i); the client is one epoll thread pinned to the last
// CPU. With one server thread on this 2-vCPU VM, server and client each own a core.
//
// Each benchmark iteration is one round of each server (fresh server, fresh connections,
// `warmup` then `measure`), in alternating order, so host noise hits both alike. The
// counters are summed over the iterations:
//   uring_MBps, epoll_MBps   echoed bytes per second (10^6 B/s, one direction)
//   ratio                    uring_MBps / epoll_MBps (> 1: the runtime is faster)
//   uring_cpu, epoll_cpu     server CPU during the measurement, in cores (threads'
//                            CPU clocks); client_cpu the same for the client thread
//   *_MB_per_cpu_s, eff_ratio  echoed MB per server CPU-second and uring/epoll of that:
//                            when the client saturates its core (client_cpu ~ 1) both
//                            servers see the same offered load and this is the measure
// The manual time is the io_uring rounds' measured seconds; bytes_per_second is the
// runtime's throughput.
//
//   build/h-iob/bench/bench_io --benchmark_filter=BM_echo --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <chrono>

#include "echo_load.h"

namespace {

using namespace ringtail::bench;

// Args: message bytes, connections, server threads, window (messages per connection).
void BM_echo(benchmark::State& state) {
  load_config cfg;
  cfg.message_bytes = static_cast<size_t>(state.range(0));
  cfg.conns = static_cast<unsigned>(state.range(1));
  const unsigned server_threads = static_cast<unsigned>(state.range(2));
  cfg.window_messages = static_cast<unsigned>(state.range(3));
  cfg.warmup = std::chrono::milliseconds(300);
  cfg.measure = std::chrono::milliseconds(1000);
  cfg.client_cpu = static_cast<int>(cpu_count()) - 1;

  struct totals {
    uint64_t bytes = 0;
    double seconds = 0, server_cpu = 0, client_cpu = 0;
    void add(const load_result& r) {
      bytes += r.bytes;
      seconds += r.seconds;
      server_cpu += r.server_cpu_seconds;
      client_cpu += r.client_cpu_seconds;
    }
    double rate() const { return static_cast<double>(bytes) / seconds; }
  };
  totals uring, epoll;
  uint64_t uring_starvations = 0;
  int round = 0;
  auto run_uring = [&] {
    uring_echo_host host(server_threads);
    load_config c = cfg;
    c.server_thread_prefix = "shard-";
    const load_result r = run_load(host.port(), c);
    host.stop();
    uring_starvations += host.starvations();
    uring.add(r);
    return r.seconds;
  };
  auto run_epoll = [&] {
    epoll_echo_host host(server_threads);
    load_config c = cfg;
    c.server_thread_prefix = "epoll-";
    epoll.add(run_load(host.port(), c));
  };
  for (auto _ : state) {
    double s = 0;
    if (round++ % 2 == 0) {
      s = run_uring();
      run_epoll();
    } else {
      run_epoll();
      s = run_uring();
    }
    state.SetIterationTime(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(uring.bytes));
  state.counters["uring_MBps"] = uring.rate() / 1e6;
  state.counters["epoll_MBps"] = epoll.rate() / 1e6;
  state.counters["ratio"] = uring.rate() / epoll.rate();
  // Server CPU (cores busy) and bytes per server CPU-second: when the client is the
  // bottleneck (client_cpu near 1) throughput ties and efficiency tells the servers apart.
  state.counters["uring_cpu"] = uring.server_cpu / uring.seconds;
  state.counters["epoll_cpu"] = epoll.server_cpu / epoll.seconds;
  state.counters["client_cpu"] = (uring.client_cpu + epoll.client_cpu) / (uring.seconds + epoll.seconds);
  const double uring_eff = static_cast<double>(uring.bytes) / uring.server_cpu;
  const double epoll_eff = static_cast<double>(epoll.bytes) / epoll.server_cpu;
  state.counters["uring_MB_per_cpu_s"] = uring_eff / 1e6;
  state.counters["epoll_MB_per_cpu_s"] = epoll_eff / 1e6;
  state.counters["eff_ratio"] = uring_eff / epoll_eff;
  state.counters["uring_starved"] = static_cast<double>(uring_starvations);
}

BENCHMARK(BM_echo)
    ->ArgNames({"msg", "conns", "threads", "window"})
    ->Args({64 * 1024, 8, 1, 4})
    ->Args({64 * 1024, 64, 1, 4})
    ->Args({1024, 8, 1, 16})
    ->Args({1024, 64, 1, 16})
    ->Args({64 * 1024, 64, 2, 4})
    ->Args({1024, 64, 2, 16})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
