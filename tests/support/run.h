// Runs a test body as a task on shard 0 of a fresh runtime and returns when every shard
// has stopped. Assertions inside the body use EXPECT_* (ASSERT_* returns from a
// coroutine, which GoogleTest's macros cannot do).
#pragma once

#include <functional>

#include "ringtail/io/reactor.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/task.h"

namespace ringtail::testing {

inline io::task<int> wrap(std::function<io::task<void>()>& body) {
  co_await body();
  co_return 0;
}

inline int run_on_shards(unsigned shards, std::function<io::task<void>()> body, io::reactor_config rc = {}) {
  io::runtime_config cfg;
  cfg.shards = shards;
  cfg.pin_threads = false;  // tests share 2 cores with the rest of the suite
  cfg.reactor = rc;
  io::runtime rt(cfg);
  return rt.run([&body]() -> io::task<int> { return wrap(body); });
}

// co_await next_pass{}: resumes on the shard's next pass, behind every task already ready.
struct next_pass {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { io::local().schedule(h); }
  void await_resume() const noexcept {}
};

}  // namespace ringtail::testing
