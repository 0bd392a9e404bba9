// The echo benchmark's servers and client as separate processes, so strace and perf can
// look at a server alone (scripts/strace-echo.sh).
//
//   echo_tool serve uring|epoll THREADS SECONDS
//       prints "port N", serves echo on 127.0.0.1:N for SECONDS, exits
//   echo_tool client PORT CONNS MESSAGE_BYTES WINDOW_MESSAGES SECONDS
//       drives the server (bench/echo_load.h); prints MB/s each second and the total
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "echo_load.h"

namespace {

using namespace ringtail::bench;

int usage() {
  std::fprintf(stderr,
               "usage: echo_tool serve uring|epoll THREADS SECONDS\n"
               "       echo_tool client PORT CONNS MESSAGE_BYTES WINDOW_MESSAGES SECONDS\n");
  return 2;
}

template <typename Host>
int serve(unsigned threads, unsigned seconds) {
  Host host(threads);
  std::printf("port %u\n", host.port());
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return 0;
}

void print_slice(double seconds, uint64_t bytes) {
  std::printf("%.1f MB/s\n", static_cast<double>(bytes) / seconds / 1e6);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "serve") == 0) {
    const unsigned threads = static_cast<unsigned>(std::atoi(argv[3]));
    const unsigned seconds = static_cast<unsigned>(std::atoi(argv[4]));
    if (std::strcmp(argv[2], "uring") == 0) return serve<uring_echo_host>(threads, seconds);
    if (std::strcmp(argv[2], "epoll") == 0) return serve<epoll_echo_host>(threads, seconds);
    return usage();
  }
  if (argc == 7 && std::strcmp(argv[1], "client") == 0) {
    load_config cfg;
    const auto port = static_cast<uint16_t>(std::atoi(argv[2]));
    cfg.conns = static_cast<unsigned>(std::atoi(argv[3]));
    cfg.message_bytes = static_cast<size_t>(std::atoll(argv[4]));
    cfg.window_messages = static_cast<unsigned>(std::atoi(argv[5]));
    cfg.warmup = std::chrono::milliseconds(0);
    cfg.measure = std::chrono::seconds(std::atoi(argv[6]));
    cfg.client_cpu = static_cast<int>(cpu_count()) - 1;
    cfg.report_every = std::chrono::seconds(1);
    cfg.report = &print_slice;
    const load_result r = run_load(port, cfg);
    std::printf("total %llu bytes in %.2f s: %.1f MB/s\n", static_cast<unsigned long long>(r.bytes), r.seconds,
                r.bytes_per_second() / 1e6);
    return 0;
  }
  return usage();
}
