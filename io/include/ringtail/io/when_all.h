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

}  // namespace ringtail::io
