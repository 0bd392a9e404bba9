// when_all: runs tasks concurrently on the calling shard and returns when all are done.
//   co_await io::when_all(std::move(tasks));
#pragma once

#include <vector>

#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

namespace detail {
struct join_state {
  event done;
  size_t left = 0;
};
inline task<void> join_one(task<void> t, join_state* s) {
  co_await std::move(t);
  if (--s->left == 0) s->done.notify_all();
}
}  // namespace detail

inline task<void> when_all(std::vector<task<void>> tasks) {
  detail::join_state s;
  s.left = tasks.size();
  for (auto& t : tasks) spawn(detail::join_one(std::move(t), &s));
  while (s.left > 0) (void)co_await s.done.wait();
}

// A set of tasks started at once, in order, each running until its first suspension
// before the next starts (when_all starts them on the shard's next pass, behind
// whatever else is ready). Lives in the caller's frame until wait() returns.
//   io::task_group g;  g.start(a());  g.start(b());  <a and b have taken their first step>
//   co_await g.wait();
class task_group {
 public:
  task_group() = default;
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
  ~task_group() { RT_ASSERT(state_.left == 0, "task_group destroyed with tasks running"); }

  void start(task<void> t) {
    ++state_.left;
    spawn_now(detail::join_one(std::move(t), &state_));
  }
  task<void> wait() {
    while (state_.left > 0) (void)co_await state_.done.wait();
  }

 private:
  detail::join_state state_;
};

}  // namespace ringtail::io
