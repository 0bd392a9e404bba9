// The echo service across all shards: many concurrent connections, random message
// sizes from 1 B to 4 MiB (log-uniform), partial sends, peers resetting mid-message, and
// a buffer ring small enough to run dry.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <vector>

#include "ringtail/io/buffer_ring.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/event.h"
#include "ringtail/io/tcp.h"
#include "ringtail/io/timer.h"
#include "support/echo_server.h"
#include "support/run.h"

using namespace std::chrono_literals;
namespace io = ringtail::io;
using ringtail::testing::echo_server;
using ringtail::testing::run_on_shards;

namespace {

struct stats {
  std::atomic<int> connections_ok{0};
  std::atomic<int> mismatches{0};
  std::atomic<int> failures{0};
  std::atomic<uint64_t> bytes{0};
};

size_t random_size(std::mt19937_64& rng, size_t max_bytes) {
  // Log-uniform over [1, max]: small and huge messages both appear.
  std::uniform_real_distribution<double> d(0.0, std::log(static_cast<double>(max_bytes)));
  return std::max<size_t>(1, static_cast<size_t>(std::exp(d(rng))));
}

io::task<void> reader(int fd, const std::vector<std::byte>* expect, bool* ok, io::event* done, bool* finished) {
  std::vector<std::byte> got(expect->size());
  auto r = co_await io::recv_exact(fd, got);
  *ok = r.has_value() && got == *expect;
  *finished = true;
  done->notify_all();
}

// One client: several messages; for each, sends and receives concurrently (a 4 MiB
// message would otherwise fill both socket buffers and deadlock).
io::task<void> client(uint16_t port, uint64_t seed, int messages, size_t max_bytes, stats* st) {
  std::mt19937_64 rng(seed);
  const io::endpoint ep{"127.0.0.1", port};  // named: see the GCC 12 note in docs/ARCHITECTURE.md
  auto fd = co_await io::connect_tcp(ep);
  if (!fd) {
    st->failures++;
    co_return;
  }
  bool all_ok = true;
  for (int m = 0; m < messages && all_ok; ++m) {
    std::vector<std::byte> msg(random_size(rng, max_bytes));
    for (auto& b : msg) b = std::byte(static_cast<uint8_t>(rng()));
    io::event done;
    bool ok = false, finished = false;
    io::spawn(reader(fd->get(), &msg, &ok, &done, &finished));
    // Send in uneven pieces: the server sees arbitrary partial messages.
    std::span<const std::byte> rest(msg);
    while (!rest.empty()) {
      size_t piece = std::min(rest.size(), random_size(rng, 256 * 1024));
      auto s = co_await io::send_all(fd->get(), rest.first(piece));
      if (!s) break;
      rest = rest.subspan(piece);
    }
    while (!finished) (void)co_await done.wait();
    if (!ok) {
      st->mismatches++;
      all_ok = false;
    }
    st->bytes += msg.size();
  }
  (void)co_await fd->close();
  if (all_ok) st->connections_ok++;
}

// Sends half a message, then resets the connection (SO_LINGER 0 => RST).
io::task<void> resetting_client(uint16_t port, stats* st) {
  const io::endpoint ep{"127.0.0.1", port};  // named: see the GCC 12 note in docs/ARCHITECTURE.md
  auto fd = co_await io::connect_tcp(ep);
  if (!fd) co_return;
  std::vector<std::byte> half(300 * 1024, std::byte{0x5a});
  (void)co_await io::send_all(fd->get(), half);
  linger lg{1, 0};
  ::setsockopt(fd->get(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  (void)co_await fd->close();
  st->connections_ok++;
}

}  // namespace
io::task<void> clients_here(uint16_t port, int count, int messages, size_t max_bytes, stats* st, int resetters);
namespace {

io::task<void> run_clients_on(unsigned shard, uint16_t port, int count, int messages, size_t max_bytes, stats* st,
                              int resetters) {
  co_await io::submit_to(shard, [=] { return clients_here(port, count, messages, max_bytes, st, resetters); });
}

}  // namespace

namespace {

struct group {
  io::event done;
  int left = 0;
};

io::task<void> tracked(io::task<void> t, group* g) {
  co_await std::move(t);
  if (--g->left == 0) g->done.notify_all();
}

io::task<void> join_all(std::vector<io::task<void>> tasks) {
  group g;
  g.left = static_cast<int>(tasks.size());
  for (auto& t : tasks) io::spawn(tracked(std::move(t), &g));
  while (g.left > 0) (void)co_await g.done.wait();
}

}  // namespace

io::task<void> clients_here(uint16_t port, int count, int messages, size_t max_bytes, stats* st, int resetters) {
  std::vector<io::task<void>> ts;
  for (int i = 0; i < count; ++i)
    ts.push_back(client(port, 1000 * io::this_shard() + static_cast<uint64_t>(i), messages, max_bytes, st));
  for (int i = 0; i < resetters; ++i) ts.push_back(resetting_client(port, st));
  co_await join_all(std::move(ts));
}

namespace {

io::task<void> echo_scenario(unsigned shard_count, int per_shard, int messages, size_t max_bytes, int resetters,
                             stats* st, uint64_t* starvations) {
  echo_server srv;
  const uint16_t port = co_await echo_server::start(&srv);
  std::vector<io::task<void>> ts;
  for (unsigned s = 0; s < shard_count; ++s) ts.push_back(run_clients_on(s, port, per_shard, messages, max_bytes, st, resetters));
  co_await join_all(std::move(ts));
  for (unsigned s = 0; s < shard_count; ++s)
    *starvations += co_await io::submit_to(s, [] { return io::local().recv_buffers().starvations(); });
  co_await echo_server::stop(&srv);
}

}  // namespace

TEST(Echo, HundredsOfConnectionsAcrossShardsRandomSizesAndResets) {
  stats st;
  uint64_t starvations = 0;
  constexpr unsigned shard_count = 2;
  constexpr int per_shard = 150;  // 300 concurrent clients
  constexpr int resetters = 10;
  run_on_shards(shard_count, [&]() -> io::task<void> {
    return echo_scenario(shard_count, per_shard, 3, 4 << 20, resetters, &st, &starvations);
  });
  EXPECT_EQ(st.failures.load(), 0);
  EXPECT_EQ(st.mismatches.load(), 0);
  EXPECT_EQ(st.connections_ok.load(), static_cast<int>(shard_count * (per_shard + resetters)));
  EXPECT_GT(st.bytes.load(), 0u);
}

TEST(Echo, BufferRingExhaustionLosesNothing) {
  // 8 provided buffers of 4 KiB per shard for 64 connections moving up to 1 MiB each:
  // the ring runs dry constantly; starved receives must re-arm and every byte arrive.
  stats st;
  uint64_t starvations = 0;
  io::reactor_config rc;
  rc.recv_buffer_count = 8;
  rc.recv_buffer_bytes = 4096;
  run_on_shards(
      2, [&]() -> io::task<void> { return echo_scenario(2, 32, 4, 1 << 20, 0, &st, &starvations); }, rc);
  EXPECT_EQ(st.failures.load(), 0);
  EXPECT_EQ(st.mismatches.load(), 0);
  EXPECT_EQ(st.connections_ok.load(), 64);
  EXPECT_GT(starvations, 0u) << "the test did not exhaust the buffer ring";
}

namespace {

void append_chunk(std::string& out, const io::recv_buffer& b) {
  out.append(reinterpret_cast<const char*>(b.bytes().data()), b.bytes().size());
}

}  // namespace

TEST(RecvStream, TryRecvTakesWhatHasArrivedInOrderAndNeverWaits) {
  run_on_shards(1, []() -> io::task<void> {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    io::fd_handle a(sv[0]);
    io::fd_handle b(sv[1]);
    io::recv_stream rx(a.get());
    EXPECT_FALSE(rx.try_recv().has_value()) << "nothing sent yet";
    std::string want;
    for (int i = 0; i < 3; ++i) {
      const std::string m = "message-" + std::to_string(i);
      EXPECT_EQ(::send(b.get(), m.data(), m.size(), 0), static_cast<ssize_t>(m.size()));
      want += m;
    }
    std::string got;
    while (got.size() < want.size()) {
      if (auto queued = rx.try_recv()) {
        append_chunk(got, *queued);
        continue;
      }
      auto next = co_await rx.recv();
      EXPECT_TRUE(next.has_value());
      if (!next) break;
      append_chunk(got, *next);
    }
    EXPECT_EQ(got, want);
    EXPECT_FALSE(rx.try_recv().has_value()) << "everything was taken";
    (void)co_await b.close();
    auto end = co_await rx.recv();
    EXPECT_FALSE(end.has_value()) << "EOF is reported by recv(), not swallowed by try_recv()";
    co_await rx.close();
    (void)co_await a.close();
  });
}
