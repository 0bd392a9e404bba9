// Echo load shared by bench/io_echo.cc and bench/echo_tool.cc: the two servers under
// comparison and the one client driver both are measured with.
//
//   uring_echo_host  the io runtime's echo service (tests/support/echo_server.h) on an
//                    N-shard runtime, run on its own std::thread; shard i pinned to CPU i.
//   epoll_echo_host  the baseline: N threads pinned the same way, each with its own epoll
//                    instance and its own SO_REUSEPORT listener; level-triggered,
//                    non-blocking sockets; per connection one page-aligned buffer of the
//                    same size as the runtime's provided buffers (64 KiB); a readable
//                    socket gets one read() and the bytes are written straight back; a
//                    partial write parks the connection on EPOLLOUT (no reads) until its
//                    bytes are out, so memory per connection stays bounded.
//   run_load         the client: one thread (pinned to the last CPU) driving `conns`
//                    connections over epoll. Each connection sends fixed-size messages,
//                    one send() per message, and keeps at most `window_messages` messages
//                    unanswered; echoed bytes are read with 256 KiB recv()s and counted.
//                    Bytes echoed during `measure` (after `warmup`) over elapsed time is
//                    the figure. The client is byte-for-byte the same for both servers.
//
// Everything here is a benchmark harness: failures abort with a message.
#pragma once

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/echo_server.h"

#include "ringtail/io/buffer_ring.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/tcp.h"
#include "ringtail/io/timer.h"

namespace ringtail::bench {

inline constexpr size_t echo_buffer_bytes = 64 * 1024;   // = reactor_config::recv_buffer_bytes
inline constexpr size_t client_recv_bytes = 256 * 1024;  // one client recv() at most
inline constexpr int epoll_events_max = 256;             // events per epoll_wait
static_assert(echo_buffer_bytes == io::reactor_config{}.recv_buffer_bytes,
              "the baseline's buffer must match the runtime's provided buffer size");

[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "echo bench: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

inline std::vector<unsigned> allowed_cpus() {
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

// Pins the calling thread to the index-th allowed CPU (modulo their count), as the
// runtime pins shard `index`.
inline void pin_to(unsigned index) {
  static const std::vector<unsigned> cpus = allowed_cpus();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpus[index % cpus.size()], &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

inline unsigned cpu_count() { return static_cast<unsigned>(allowed_cpus().size()); }

// A page-aligned buffer (MACHINE.md: misaligned copies are 5-6x slower).
class page_buffer {
 public:
  explicit page_buffer(size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (p == MAP_FAILED) die("mmap");
    data_ = static_cast<char*>(p);
    std::memset(data_, 0x5a, bytes);  // fault it in now, not on the data path
  }
  ~page_buffer() { munmap(data_, bytes_); }
  page_buffer(const page_buffer&) = delete;
  page_buffer& operator=(const page_buffer&) = delete;
  char* data() const noexcept { return data_; }

 private:
  char* data_;
  size_t bytes_;
};

// CPU time used so far by this process's threads whose name starts with `prefix`
// ("shard-" for the runtime, "epoll-" for the baseline). Reads each thread's CPU clock
// by its tid (the kernel's per-thread clock id encoding, as glibc builds it).
inline double threads_cpu_seconds(const char* prefix) {
  double total = 0;
  DIR* d = opendir("/proc/self/task");
  if (d == nullptr) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const std::string comm_path = std::string("/proc/self/task/") + e->d_name + "/comm";
    char comm[32] = {};
    FILE* f = std::fopen(comm_path.c_str(), "r");
    if (f == nullptr) continue;
    const size_t n = std::fread(comm, 1, sizeof comm - 1, f);
    std::fclose(f);
    comm[n] = 0;
    if (std::strncmp(comm, prefix, std::strlen(prefix)) != 0) continue;
    const pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    const clockid_t clock_id = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);  // per-thread, SCHED
    timespec ts{};
    if (clock_gettime(clock_id, &ts) == 0)
      total += static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  closedir(d);
  return total;
}

inline double this_thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// ---- the io_uring side ----------------------------------------------------------------

class uring_echo_host {
 public:
  // Starts an N-shard runtime serving echo on 127.0.0.1; returns once it listens.
  explicit uring_echo_host(unsigned shards) {
    thread_ = std::thread([this, shards] {
      io::runtime_config cfg;
      cfg.shards = shards;
      cfg.pin_threads = true;  // shard i on CPU i, as in production
      io::runtime rt(cfg);
      rt.run([this]() -> io::task<int> { return serve(this); });
    });
    while (port_.load(std::memory_order_acquire) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~uring_echo_host() { stop(); }
  uring_echo_host(const uring_echo_host&) = delete;
  uring_echo_host& operator=(const uring_echo_host&) = delete;

  uint16_t port() const noexcept { return port_.load(std::memory_order_acquire); }
  // Times a multishot recv found its shard's buffer ring empty (summed over shards),
  // valid after stop(). Each one costs an -ENOBUFS completion and a re-arm later.
  uint64_t starvations() const noexcept { return starvations_.load(std::memory_order_acquire); }
  void stop() {
    if (!thread_.joinable()) return;
    stop_.store(true, std::memory_order_release);
    thread_.join();
  }

 private:
  // Shard 0: start the service, poll the stop flag (a 20 ms timer: negligible next to
  // the data path, and the only way in from a foreign thread), stop the service.
  static io::task<int> serve(uring_echo_host* self) {
    testing::echo_server server;
    const uint16_t port = co_await testing::echo_server::start(&server);
    self->port_.store(port, std::memory_order_release);
    while (!self->stop_.load(std::memory_order_acquire)) {
      (void)co_await io::sleep_for(std::chrono::milliseconds(20));
    }
    co_await testing::echo_server::stop(&server);
    uint64_t starved = 0;
    for (unsigned s = 0; s < io::local().shard_count(); ++s) {
      starved += co_await io::submit_to(s, [] { return io::local().recv_buffers().starvations(); });
    }
    self->starvations_.store(starved, std::memory_order_release);
    co_return 0;
  }

  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> starvations_{0};
  std::thread thread_;
};

// ---- the epoll baseline ---------------------------------------------------------------

class epoll_echo_host {
 public:
  explicit epoll_echo_host(unsigned threads) {
    // Listeners are created here so the port is known before any thread runs.
    for (unsigned i = 0; i < threads; ++i) {
      auto w = std::make_unique<worker>();
      w->listen_fd = listen_on(port_);
      if (port_ == 0) {
        sockaddr_in a{};
        socklen_t len = sizeof a;
        if (getsockname(w->listen_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) die("getsockname");
        port_ = ntohs(a.sin_port);
      }
      w->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (w->stop_fd < 0) die("eventfd");
      workers_.push_back(std::move(w));
    }
    for (unsigned i = 0; i < threads; ++i) {
      worker* w = workers_[i].get();
      w->thread = std::thread([w, i] {
        pin_to(i);
        char name[16];
        std::snprintf(name, sizeof name, "epoll-%u", i);
        pthread_setname_np(pthread_self(), name);
        run(*w);
      });
    }
  }
  ~epoll_echo_host() {
    for (auto& w : workers_) {
      uint64_t one = 1;
      if (write(w->stop_fd, &one, sizeof one) != sizeof one) die("eventfd write");
    }
    for (auto& w : workers_) {
      w->thread.join();
      close(w->stop_fd);
      close(w->listen_fd);
    }
  }
  epoll_echo_host(const epoll_echo_host&) = delete;
  epoll_echo_host& operator=(const epoll_echo_host&) = delete;

  uint16_t port() const noexcept { return port_; }

 private:
  struct worker {
    int listen_fd = -1;
    int stop_fd = -1;
    std::thread thread;
  };
  struct connection {
    explicit connection(int f) : fd(f), buffer(echo_buffer_bytes) {}
    int fd;
    page_buffer buffer;
    size_t pending_begin = 0;  // bytes [begin, end) of `buffer` still to write back
    size_t pending_end = 0;
  };

  static int listen_on(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) die("SO_REUSEPORT");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("bind");
    if (listen(fd, 1024) != 0) die("listen");
    return fd;
  }

  static void set_interest(int ep, connection* c, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = c;
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0) die("epoll_ctl MOD");
  }

  // Writes the pending bytes; returns false if the connection is dead.
  static bool flush(connection* c) {
    while (c->pending_begin < c->pending_end) {
      ssize_t n = send(c->fd, c->buffer.data() + c->pending_begin, c->pending_end - c->pending_begin, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) return true;
        if (errno == EINTR) continue;
        return false;
      }
      c->pending_begin += static_cast<size_t>(n);
    }
    c->pending_begin = c->pending_end = 0;
    return true;
  }

  static void run(worker& w) {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &w.listen_fd;  // tags: pointers to the worker's fds
    if (epoll_ctl(ep, EPOLL_CTL_ADD, w.listen_fd, &ev) != 0) die("epoll_ctl listener");
    ev.data.ptr = &w.stop_fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, w.stop_fd, &ev) != 0) die("epoll_ctl eventfd");
    std::vector<std::unique_ptr<connection>> conns;  // owned; erased on close
    auto drop = [&](connection* c) {
      close(c->fd);  // also removes it from the epoll set
      for (auto& p : conns) {
        if (p.get() == c) {
          p = std::move(conns.back());
          conns.pop_back();
          break;
        }
      }
    };
    epoll_event events[epoll_events_max];
    for (bool running = true; running;) {
      const int n = epoll_wait(ep, events, epoll_events_max, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &w.stop_fd) {
          running = false;
          continue;
        }
        if (tag == &w.listen_fd) {
          for (;;) {
            int fd = accept4(w.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) break;  // EAGAIN (or a transient error): level-triggered, comes back
            auto c = std::make_unique<connection>(fd);
            epoll_event cev{};
            cev.events = EPOLLIN;
            cev.data.ptr = c.get();
            if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) != 0) die("epoll_ctl ADD");
            conns.push_back(std::move(c));
          }
          continue;
        }
        auto* c = static_cast<connection*>(tag);
        if (c->pending_end != 0) {
          // Parked on EPOLLOUT: finish the write, then listen for input again.
          if (!flush(c)) {
            drop(c);
          } else if (c->pending_end == 0) {
            set_interest(ep, c, EPOLLIN);
          }
          continue;
        }
        ssize_t got = recv(c->fd, c->buffer.data(), echo_buffer_bytes, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
          drop(c);
          continue;
        }
        if (got < 0) continue;
        c->pending_begin = 0;
        c->pending_end = static_cast<size_t>(got);
        if (!flush(c)) {
          drop(c);
        } else if (c->pending_end != 0) {
          set_interest(ep, c, EPOLLOUT);
        }
      }
    }
    for (auto& c : conns) close(c->fd);
    close(ep);
  }

  uint16_t port_ = 0;
  std::vector<std::unique_ptr<worker>> workers_;
};

// ---- the client -----------------------------------------------------------------------

struct load_config {
  unsigned conns = 8;
  size_t message_bytes = 64 * 1024;
  unsigned window_messages = 4;  // unanswered messages per connection at most
  std::chrono::milliseconds warmup{300};
  std::chrono::milliseconds measure{1000};
  int client_cpu = -1;  // index into the allowed CPUs; -1: not pinned
  // Server threads (in this process) whose CPU time is sampled over the measurement.
  const char* server_thread_prefix = nullptr;
  // Called every `report_every` during the measurement with bytes echoed in that slice
  // (echo_tool prints them); zero disables.
  std::chrono::milliseconds report_every{0};
  void (*report)(double seconds, uint64_t bytes) = nullptr;
};

struct load_result {
  uint64_t bytes = 0;             // echoed bytes received during the measurement
  double seconds = 0;             // its length
  double server_cpu_seconds = 0;  // CPU used by the server threads during it (0: not sampled)
  double client_cpu_seconds = 0;  // CPU used by the client thread during it
  double bytes_per_second() const noexcept { return seconds > 0 ? static_cast<double>(bytes) / seconds : 0; }
};

// Runs the client on a new thread (pinned as configured) and returns its result.
inline load_result run_load(uint16_t port, const load_config& cfg) {
  load_result out;
  std::thread t([&] {
    if (cfg.client_cpu >= 0) pin_to(static_cast<unsigned>(cfg.client_cpu));
    pthread_setname_np(pthread_self(), "echo-client");
    using clock = std::chrono::steady_clock;
    struct conn {
      int fd = -1;
      uint64_t sent = 0;          // bytes sent in total
      uint64_t received = 0;      // bytes echoed back in total
      size_t message_offset = 0;  // bytes of the current message already sent
      bool want_out = false;      // blocked on a full send buffer: EPOLLOUT armed
    };
    const uint64_t window_bytes = uint64_t{cfg.window_messages} * cfg.message_bytes;
    page_buffer payload(cfg.message_bytes);
    page_buffer scratch(client_recv_bytes);
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("client epoll_create1");
    std::vector<conn> conns(cfg.conns);
    for (auto& c : conns) {
      c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (c.fd < 0) die("client socket");
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(port);
      if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("client connect");
      int one = 1;
      setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = &c;
      if (epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev) != 0) die("client epoll_ctl");
    }
    // Sends whole messages while the window allows; one send() per message (a partial
    // send continues the same message).
    auto pump = [&](conn& c) {
      for (;;) {
        if (c.message_offset == 0 && c.sent - c.received + cfg.message_bytes > window_bytes) break;
        ssize_t n = send(c.fd, payload.data() + c.message_offset, cfg.message_bytes - c.message_offset, MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN) die("client send");
          if (!c.want_out) {
            c.want_out = true;
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLOUT;
            ev.data.ptr = &c;
            epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
          }
          return;
        }
        c.sent += static_cast<uint64_t>(n);
        c.message_offset += static_cast<size_t>(n);
        if (c.message_offset == cfg.message_bytes) c.message_offset = 0;
      }
      if (c.want_out) {
        c.want_out = false;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = &c;
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
      }
    };
    for (auto& c : conns) pump(c);
    uint64_t received_total = 0;
    const auto start = clock::now();
    const auto measure_begin = start + cfg.warmup;
    const auto measure_end = measure_begin + cfg.measure;
    bool measuring = false;
    uint64_t at_begin = 0;
    clock::time_point began{};
    auto next_report = measure_begin + cfg.report_every;
    uint64_t at_report = 0;
    epoll_event events[epoll_events_max];
    for (;;) {
      const int n = epoll_wait(ep, events, epoll_events_max, 10);
      if (n < 0 && errno != EINTR) die("client epoll_wait");
      for (int i = 0; i < n; ++i) {
        conn& c = *static_cast<conn*>(events[i].data.ptr);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
          ssize_t got = recv(c.fd, scratch.data(), client_recv_bytes, 0);
          if (got == 0) die("client: server closed the connection");
          if (got < 0 && errno != EAGAIN && errno != EINTR) die("client recv");
          if (got > 0) {
            c.received += static_cast<uint64_t>(got);
            received_total += static_cast<uint64_t>(got);
          }
        }
        pump(c);
      }
      const auto now = clock::now();
      if (!measuring && now >= measure_begin) {
        measuring = true;
        at_begin = at_report = received_total;
        began = now;
        if (cfg.server_thread_prefix) out.server_cpu_seconds = -threads_cpu_seconds(cfg.server_thread_prefix);
        out.client_cpu_seconds = -this_thread_cpu_seconds();
      }
      if (measuring && cfg.report && cfg.report_every.count() > 0 && now >= next_report) {
        cfg.report(std::chrono::duration<double>(cfg.report_every).count(), received_total - at_report);
        at_report = received_total;
        next_report += cfg.report_every;
      }
      if (now >= measure_end) {
        out.bytes = received_total - at_begin;
        out.seconds = std::chrono::duration<double>(now - began).count();
        if (cfg.server_thread_prefix) out.server_cpu_seconds += threads_cpu_seconds(cfg.server_thread_prefix);
        out.client_cpu_seconds += this_thread_cpu_seconds();
        break;
      }
    }
    for (auto& c : conns) close(c.fd);
    close(ep);
  });
  t.join();
  return out;
}

}  // namespace ringtail::bench
