// task<T>: a lazily started C++20 coroutine that produces a T. Awaiting a task starts it
// and resumes the awaiter (by symmetric transfer) when it finishes. Tasks run on the
// shard that resumes them; nothing here is thread-safe, and nothing needs to be: a task
// never migrates between shards (cross-shard work goes through submit_to()).
//
// spawn(task<void>) starts a detached task on the current shard; the shard counts them
// so shutdown can wait for them to finish. Exceptions escaping a detached task are
// programmer errors and abort.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "ringtail/base/assert.h"

namespace ringtail::io {

template <typename T = void>
class task;

namespace detail {

struct task_promise_base {
  std::coroutine_handle<> continuation_ = std::noop_coroutine();
  std::exception_ptr exception_;

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      return h.promise().continuation_;
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
};

template <typename T>
struct task_promise : task_promise_base {
  std::optional<T> value_;
  task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& v) {
    value_.emplace(std::forward<U>(v));
  }
  T take() {
    if (exception_) std::rethrow_exception(exception_);
    RT_ASSERT(value_.has_value(), "task finished without a value");
    return std::move(*value_);
  }
};

template <>
struct task_promise<void> : task_promise_base {
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (exception_) std::rethrow_exception(exception_);
  }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::task_promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  task() noexcept = default;
  explicit task(handle_type h) noexcept : h_(h) {}
  task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  task& operator=(task&& o) noexcept {
    if (this != &o) {
      destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { destroy(); }

  bool valid() const noexcept { return static_cast<bool>(h_); }

  auto operator co_await() && noexcept {
    struct awaiter {
      handle_type h;
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
        h.promise().continuation_ = caller;
        return h;
      }
      T await_resume() { return h.promise().take(); }
    };
    RT_ASSERT(h_, "awaiting an empty task");
    return awaiter{h_};
  }

  // Used by spawn(): hands the coroutine over.
  handle_type release() noexcept { return std::exchange(h_, {}); }

 private:
  void destroy() noexcept {
    if (h_) h_.destroy();
  }
  handle_type h_;
};

namespace detail {
template <typename T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail

// Starts `t` detached on the calling shard (it begins running on the shard's next pass
// over its ready queue). The shard's count of live detached tasks includes it until it
// finishes.
void spawn(task<void> t);
// Starts `t` detached and runs it at once, until its first suspension, before
// returning: for callers that must have its first step (e.g. queuing a message to
// another shard) happen before anything else they start.
void spawn_now(task<void> t);

}  // namespace ringtail::io
