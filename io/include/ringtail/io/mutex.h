// mutex: mutual exclusion between tasks of one shard (e.g. the controller serialising
// metadata changes across their co_awaits). Not for threads.
//   co_await m.lock();  ...  m.unlock();
#pragma once

#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

class mutex {
 public:
  task<void> lock() {
    while (locked_) (void)co_await released_.wait();
    locked_ = true;
  }
  void unlock() noexcept {
    locked_ = false;
    released_.notify_one();
  }
  bool locked() const noexcept { return locked_; }

 private:
  bool locked_ = false;
  event released_;
};

}  // namespace ringtail::io
