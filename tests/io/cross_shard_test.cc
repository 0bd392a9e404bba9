#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "ringtail/io/cross_shard.h"
#include "ringtail/io/event.h"
#include "ringtail/io/timer.h"
#include "support/run.h"

using namespace std::chrono_literals;
namespace io = ringtail::io;
using ringtail::testing::run_on_shards;

namespace {

constexpr unsigned shards = 4;  // more shards than cores: also exercises sleeping/wake-ups

io::task<void> ping_pong(unsigned from, unsigned to, int rounds, std::atomic<int>* ok) {
  for (int i = 0; i < rounds; ++i) {
    const unsigned where = co_await io::submit_to(to, [] { return io::this_shard(); });
    if (where == to && io::this_shard() == from) ok->fetch_add(1);
  }
}

io::task<void> ping_pong_on(unsigned from, unsigned to, int rounds, std::atomic<int>* ok, io::event* done, int* left) {
  co_await io::submit_to(from, [from, to, rounds, ok] { return ping_pong(from, to, rounds, ok); });
  if (--*left == 0) done->notify_all();
}

}  // namespace

TEST(CrossShard, PingPongBetweenEveryPair) {
  std::atomic<int> ok{0};
  constexpr int rounds = 200;
  run_on_shards(shards, [&]() -> io::task<void> {
    io::event done;
    int left = shards * (shards - 1);
    for (unsigned a = 0; a < shards; ++a)
      for (unsigned b = 0; b < shards; ++b)
        if (a != b) io::spawn(ping_pong_on(a, b, rounds, &ok, &done, &left));
    while (left > 0) (void)co_await done.wait();
  });
  EXPECT_EQ(ok.load(), static_cast<int>(shards * (shards - 1) * rounds));
}

TEST(CrossShard, ValueTaskAndExceptionTravelBack) {
  std::string s;
  int v = 0;
  bool caught = false;
  run_on_shards(2, [&]() -> io::task<void> {
    s = co_await io::submit_to(1, [] { return std::string("from shard ") + std::to_string(io::this_shard()); });
    v = co_await io::submit_to(1, []() -> io::task<int> {
      (void)co_await io::sleep_for(1ms);
      co_return 42;
    });
    try {
      co_await io::submit_to(1, []() -> int { throw std::runtime_error("remote"); });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    // Same shard: no mailbox, same semantics.
    v += co_await io::submit_to(0, [] { return 1; });
  });
  EXPECT_EQ(s, "from shard 1");
  EXPECT_EQ(v, 43);
  EXPECT_TRUE(caught);
}

namespace {
// Each message is its own spawned task, so nothing but the mailbox orders them.
io::task<void> one_message(std::vector<int>* seen, int i, io::event* done, int* left) {
  co_await io::submit_to(1, [seen, i] { seen->push_back(i); });
  if (--*left == 0) done->notify_all();
}
}  // namespace

TEST(CrossShard, MessagesOfOnePairArriveInSendOrderUnderBackPressure) {
  // Far more concurrent messages than the mailbox holds: the surplus waits in the
  // back-pressure queue, and everything still arrives in the order it was sent.
  constexpr int n = static_cast<int>(io::mailbox_capacity) * 8;
  std::vector<int> seen;
  run_on_shards(2, [&]() -> io::task<void> {
    io::event done;
    int left = n;
    for (int i = 0; i < n; ++i) io::spawn(one_message(&seen, i, &done, &left));
    while (left > 0) (void)co_await done.wait();
  });
  ASSERT_EQ(seen.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ASSERT_EQ(seen[i], i) << "at " << i;
}

namespace {
// Holds a mailbox slot for a while on shard 1.
io::task<void> block_target() { (void)co_await io::sleep_for(100ms); }
io::task<void> occupy(io::event* done, int* left) {
  co_await io::submit_to(1, [] { return block_target(); });
  if (--*left == 0) done->notify_all();
}
}  // namespace

TEST(CrossShard, WaitingForAMailboxSlotCanBeCancelled) {
  io::errc got = io::errc::ok;
  bool slot_freed_later = false;
  run_on_shards(2, [&]() -> io::task<void> {
    // Fill the pair's in-flight budget with requests that hold shard 1 for 100 ms.
    io::event done;
    int left = static_cast<int>(io::mailbox_capacity);
    for (size_t i = 0; i < io::mailbox_capacity; ++i) io::spawn(occupy(&done, &left));
    (void)co_await io::sleep_for(5ms);
    // The next one must wait for a slot; cancel it while it waits.
    io::cancel_token token;
    io::timeout_guard g(token, 5ms);
    auto r = co_await io::submit_to(1, [] { return 7; }, token);
    if (!r) got = r.error().code;
    while (left > 0) (void)co_await done.wait();
    slot_freed_later = (co_await io::submit_to(1, [] { return 7; })) == 7;
  });
  EXPECT_EQ(got, io::errc::cancelled);
  EXPECT_TRUE(slot_freed_later);
}
