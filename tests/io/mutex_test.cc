// io::mutex is fair: the lock goes to waiters in the order they asked for it, and a task
// that asks between an unlock and the woken waiter's resumption queues behind it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ringtail/io/mutex.h"
#include "ringtail/io/reactor.h"
#include "support/run.h"

namespace io = ringtail::io;
using ringtail::testing::next_pass;
using ringtail::testing::run_on_shards;

namespace {

// Takes the lock, records its name, holds the lock for `passes` passes, releases it.
io::task<void> take(io::mutex* m, std::vector<std::string>* order, std::string name, int passes) {
  co_await m->lock();
  order->push_back(name);
  for (int i = 0; i < passes; ++i) co_await next_pass{};
  m->unlock();
}

}  // namespace

TEST(Mutex, HandsTheLockToWaitersInArrivalOrderWithoutBarging) {
  std::vector<std::string> order;
  run_on_shards(1, [&]() -> io::task<void> {
    io::mutex m;
    co_await m.lock();  // held by this task
    io::spawn(take(&m, &order, "a", 1));
    io::spawn(take(&m, &order, "b", 1));
    co_await next_pass{};
    co_await next_pass{};  // a and b now wait, in that order
    m.unlock();            // hands the lock to a, which resumes on the next pass
    EXPECT_TRUE(m.locked()) << "unlock with waiters must hand the lock over, not free it";
    // A newcomer in the same pass, before a has resumed: it must queue behind a and b.
    io::spawn(take(&m, &order, "late", 0));
    bool took = false;
    {
      // A direct attempt: lock() is not ready while a waiter owns the lock.
      auto attempt = m.lock();
      took = attempt.await_ready();
    }
    EXPECT_FALSE(took);
    for (int i = 0; i < 10; ++i) co_await next_pass{};
    EXPECT_FALSE(m.locked());
  });
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "late"}));
}

TEST(Mutex, UncontendedLockIsImmediate) {
  run_on_shards(1, [&]() -> io::task<void> {
    io::mutex m;
    for (int i = 0; i < 3; ++i) {
      auto a = m.lock();
      EXPECT_TRUE(a.await_ready());
      m.unlock();
      EXPECT_FALSE(m.locked());
    }
    co_return;
  });
}
