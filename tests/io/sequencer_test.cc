// io::sequencer lets tasks take turns in ticket order whatever order they reach their
// turn in; io::task_group starts each task at once, in order, up to its first
// suspension (the property a connection's produce requests rely on to reach their
// owner shards in the order they were sent).
#include <gtest/gtest.h>

#include <vector>

#include "ringtail/io/reactor.h"
#include "ringtail/io/sequencer.h"
#include "ringtail/io/when_all.h"
#include "support/run.h"

namespace io = ringtail::io;
using ringtail::testing::next_pass;
using ringtail::testing::run_on_shards;

namespace {

// Waits `delay` passes, then takes its turn, records its ticket and passes the turn on.
io::task<void> ordered_step(io::sequencer* seq, uint64_t ticket, int delay, std::vector<uint64_t>* order) {
  for (int i = 0; i < delay; ++i) co_await next_pass{};
  co_await seq->turn(ticket);
  order->push_back(ticket);
  seq->pass(ticket);
}

io::task<void> record_then_wait(std::vector<int>* order, int id) {
  order->push_back(id);  // before the first suspension
  co_await next_pass{};
  order->push_back(100 + id);
}

}  // namespace

TEST(Sequencer, TurnsFollowTicketsWhateverOrderTasksArriveIn) {
  std::vector<uint64_t> order;
  run_on_shards(1, [&]() -> io::task<void> {
    io::sequencer seq;
    io::task_group g;
    const int delays[] = {5, 0, 3, 1, 4};  // ticket 0 is the last to get going
    for (int d : delays) g.start(ordered_step(&seq, seq.take(), d, &order));
    co_await g.wait();
  });
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
}

TEST(TaskGroup, StartsEachTaskAtOnceInOrder) {
  std::vector<int> order;
  run_on_shards(1, [&]() -> io::task<void> {
    io::task_group g;
    g.start(record_then_wait(&order, 1));
    g.start(record_then_wait(&order, 2));
    order.push_back(0);  // both ran up to their first suspension already
    co_await g.wait();
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0, 101, 102}));
}
