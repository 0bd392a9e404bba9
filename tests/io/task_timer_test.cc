#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "ringtail/io/event.h"
#include "ringtail/io/timer.h"
#include "support/run.h"

using namespace std::chrono_literals;
namespace io = ringtail::io;
using ringtail::testing::run_on_shards;

namespace {

io::task<int> add_later(int a, int b) {
  (void)co_await io::sleep_for(1ms);
  co_return a + b;
}

io::task<int> throws_later() {
  (void)co_await io::sleep_for(1ms);
  throw std::runtime_error("boom");
}

io::task<void> record_after(std::vector<int>* order, int id, std::chrono::milliseconds d) {
  (void)co_await io::sleep_for(d);
  order->push_back(id);
}

io::task<void> wait_event(io::event* ev, int* woke) {
  auto r = co_await ev->wait();
  if (r) ++*woke;
}

}  // namespace

TEST(Task, AwaitsValuesAndPropagatesExceptions) {
  int sum = 0;
  bool caught = false;
  run_on_shards(1, [&]() -> io::task<void> {
    sum = co_await add_later(2, 3);
    try {
      (void)co_await throws_later();
    } catch (const std::runtime_error&) {
      caught = true;
    }
  });
  EXPECT_EQ(sum, 5);
  EXPECT_TRUE(caught);
}

TEST(Timer, FiresInDeadlineOrder) {
  std::vector<int> order;
  run_on_shards(1, [&]() -> io::task<void> {
    io::spawn(record_after(&order, 3, 30ms));
    io::spawn(record_after(&order, 1, 5ms));
    io::spawn(record_after(&order, 2, 15ms));
    (void)co_await io::sleep_for(60ms);
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Timer, SleepsAtLeastItsDuration) {
  std::chrono::steady_clock::duration took{};
  run_on_shards(1, [&]() -> io::task<void> {
    auto t0 = std::chrono::steady_clock::now();
    (void)co_await io::sleep_for(20ms);
    took = std::chrono::steady_clock::now() - t0;
  });
  EXPECT_GE(took, 20ms);
  EXPECT_LT(took, 2s);
}

TEST(Timer, CancelledSleepReturnsCancelledAtOnce) {
  io::errc got = io::errc::ok;
  std::chrono::steady_clock::duration took{};
  run_on_shards(1, [&]() -> io::task<void> {
    io::cancel_token token;
    io::timeout_guard guard(token, 10ms);  // cancels the long sleep
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await io::sleep_for(10s, &token);
    took = std::chrono::steady_clock::now() - t0;
    if (!r) got = r.error().code;
    EXPECT_TRUE(guard.fired());
  });
  EXPECT_EQ(got, io::errc::cancelled);
  EXPECT_LT(took, 5s);
}

TEST(Timer, AlreadyCancelledTokenFailsImmediately) {
  io::errc got = io::errc::ok;
  run_on_shards(1, [&]() -> io::task<void> {
    io::cancel_token token;
    token.cancel();
    auto r = co_await io::sleep_for(10s, &token);
    if (!r) got = r.error().code;
  });
  EXPECT_EQ(got, io::errc::cancelled);
}

TEST(Event, NotifyAllWakesEveryWaiterAndCancelRemovesOne) {
  int woke = 0;
  io::errc cancelled = io::errc::ok;
  run_on_shards(1, [&]() -> io::task<void> {
    io::event ev;
    io::spawn(wait_event(&ev, &woke));
    io::spawn(wait_event(&ev, &woke));
    (void)co_await io::sleep_for(1ms);
    io::cancel_token token;
    io::timeout_guard g(token, 2ms);
    auto r = co_await ev.wait(&token);
    if (!r) cancelled = r.error().code;
    ev.notify_all();
    (void)co_await io::sleep_for(1ms);
  });
  EXPECT_EQ(woke, 2);
  EXPECT_EQ(cancelled, io::errc::cancelled);
}

TEST(Runtime, ProbeFindsEverythingOnThisKernel) {
  auto f = io::probe_kernel();
  EXPECT_TRUE(f.missing.empty()) << (f.missing.empty() ? "" : f.missing.front());
  EXPECT_TRUE(f.single_issuer);
  EXPECT_TRUE(f.defer_taskrun);
}

namespace {
io::task<void> wait_with_token(io::event* ev, io::cancel_token* token, int* resumed, bool* ok) {
  auto r = co_await ev->wait(token);
  ++*resumed;
  *ok = r.has_value();
}
}  // namespace

TEST(Event, CancelAfterNotifyBeforeResumeResumesOnce) {
  // notify_all queues the waiter; a cancel arriving before it runs must not queue it
  // a second time (the frame would be resumed after it finished).
  int resumed = 0;
  bool ok = false;
  run_on_shards(1, [&]() -> io::task<void> {
    io::event ev;
    io::cancel_token token;
    io::spawn(wait_with_token(&ev, &token, &resumed, &ok));
    (void)co_await io::sleep_for(1ms);
    ev.notify_all();
    token.cancel();
    (void)co_await io::sleep_for(5ms);
  });
  EXPECT_EQ(resumed, 1);
  EXPECT_TRUE(ok);
}
