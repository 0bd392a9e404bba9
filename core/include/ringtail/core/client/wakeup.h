// wakeup: one task waits until notify() or a deadline, whichever comes first.
//
// Why not io::event + timeout_guard: when notify_all() and the guard's timer both fire
// in the same reactor pass, the event awaiter is scheduled twice (notify queues it, then
// the cancel queues it again) and the coroutine is resumed after it has moved on. A
// cancellable sleep has no such window: cancelling a fired timer is a no-op. So the
// waiter sleeps until the deadline with a token, and notify() cancels the token.
// Shard-local; at most one waiter at a time.
#pragma once

#include "ringtail/io/cancel.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/task.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::client {

class wakeup {
 public:
  wakeup() = default;
  wakeup(const wakeup&) = delete;
  wakeup& operator=(const wakeup&) = delete;
  ~wakeup() { RT_ASSERT(token_ == nullptr, "wakeup destroyed with a waiter"); }

  // Returns on notify() or at `deadline`.
  io::task<void> wait_until(io::clock::time_point deadline) {
    RT_ASSERT(token_ == nullptr, "wakeup: one waiter at a time");
    io::cancel_token token;
    token_ = &token;
    (void)co_await io::sleep_until(deadline, &token);
    token_ = nullptr;
  }
  // Wakes the waiter, if any (a notify with nobody waiting is dropped).
  void notify() noexcept {
    if (io::cancel_token* t = token_) {
      token_ = nullptr;
      t->cancel();
    }
  }
  bool waiting() const noexcept { return token_ != nullptr; }

 private:
  io::cancel_token* token_ = nullptr;
};

}  // namespace ringtail::core::client
