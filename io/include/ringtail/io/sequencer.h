// sequencer: tasks of one shard take turns in the order they took tickets. A task takes
// a ticket where its place in line is decided (e.g. as a connection's request frames are
// read), waits for its turn where order matters, and passes the turn on as soon as the
// order-sensitive step is done; tasks are otherwise free to run concurrently.
//   const uint64_t t = seq.take();   ...   co_await seq.turn(t);  <ordered step>  seq.pass(t);
// Every ticket taken must be passed, in ticket order (each after its own turn), or
// later tickets wait forever. Shard-local.
#pragma once

#include <cstdint>

#include "ringtail/base/assert.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

class sequencer {
 public:
  uint64_t take() noexcept { return next_++; }
  bool is_turn(uint64_t ticket) const noexcept { return ticket == turn_; }
  // Returns once every earlier ticket was passed (at once if it already was).
  task<void> turn(uint64_t ticket) {
    RT_ASSERT(ticket < next_, "sequencer: a ticket that was never taken");
    while (ticket != turn_) (void)co_await moved_.wait();
  }
  void pass(uint64_t ticket) noexcept {
    RT_ASSERT(ticket == turn_, "sequencer: a turn passed out of order");
    ++turn_;
    if (moved_.has_waiters()) moved_.notify_all();
  }

 private:
  uint64_t next_ = 0;  // the next ticket to hand out
  uint64_t turn_ = 0;  // the ticket whose turn it is
  event moved_;
};

}  // namespace ringtail::io
