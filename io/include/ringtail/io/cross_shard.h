// Cross-shard messages. For every ordered pair of shards (s -> t) there are two bounded
// SPSC rings: requests s -> t and replies t -> s. A message is an object in the sending
// coroutine's frame; only its pointer travels. A sender keeps at most
// `mailbox_capacity` requests in flight per target, which is also the reply ring's
// capacity, so a reply can never find its ring full; a sender past that limit waits in a
// per-target queue (back-pressure) until a reply frees a slot.
//
// Wake-ups: a shard about to block sets its `sleeping` flag, then re-checks its incoming
// rings (seq_cst fence between). A sender, after pushing and a seq_cst fence, reads the
// target's flag and, if set, sends one IORING_OP_MSG_RING to the target's ring in loop
// step 5, batched: one wake per target per pass, never one per message, no eventfd.
//
//   int n = co_await io::submit_to(2, [x] { return x * 2; });          // runs on shard 2
//   auto r = co_await io::submit_to(2, [x]() -> io::task<int> { ... }); // a task on shard 2
//
// GCC 12 relocates non-trivial temporaries of a co_await expression bitwise (a compiler
// bug), which breaks self-referential objects such as short std::strings. Captures of
// the function must therefore be pointers, integers, or other trivially relocatable
// values; pass bigger state by pointer to an object that outlives the call.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "ringtail/io/cancel.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/spsc_ring.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

inline constexpr size_t mailbox_capacity = 256;  // requests in flight per ordered pair

class cross_shard_message {
 public:
  // Runs on the target shard. Must end (now or later) in cross_shard::reply(this).
  virtual void run_on_target() noexcept = 0;

  unsigned source = 0;
  unsigned target = 0;
  std::coroutine_handle<> waiter;

 protected:
  ~cross_shard_message() = default;
};

class cross_shard {
 public:
  explicit cross_shard(std::vector<reactor*> shards);
  cross_shard(const cross_shard&) = delete;
  cross_shard& operator=(const cross_shard&) = delete;

  unsigned shard_count() const noexcept { return static_cast<unsigned>(shards_.size()); }
  reactor& shard(unsigned i) noexcept { return *shards_[i]; }

  // On the source shard: sends `m` to m->target, or queues it when the pair is at its
  // in-flight limit. `m->waiter` is resumed on the source shard with the reply.
  void send(cross_shard_message* m);
  // On the source shard: withdraws a message still waiting for a slot. Returns false if
  // it was already sent (it must then be awaited to completion).
  bool withdraw(cross_shard_message* m) noexcept;
  // On the target shard: returns a finished message to its source.
  void reply(cross_shard_message* m);

  // Loop step 1 on `shard`: runs incoming requests, resumes the waiters of replies.
  // Returns the number of messages handled.
  size_t poll(unsigned shard);
  // True if any ring into `shard` has something (sleeping protocol).
  bool has_incoming(unsigned shard) const noexcept;
  // Loop step 5 on `from`: wakes the sleeping shards in `targets` (a bitmask).
  uint64_t wake(unsigned from, uint64_t targets);

  // Shutdown: set by shard 0 once every shard has drained; a shard then leaves its loop.
  void request_exit(unsigned from);
  bool exit_requested() const noexcept { return exit_.load(std::memory_order_acquire); }

 private:
  struct pair_state {
    spsc_ring<cross_shard_message> requests{mailbox_capacity};  // s -> t, written by s
    spsc_ring<cross_shard_message> replies{mailbox_capacity};   // t -> s, written by t
    // Source-side only (touched by shard s):
    size_t in_flight = 0;
    std::deque<cross_shard_message*> waiting;  // back-pressure queue
  };
  pair_state& pair(unsigned from, unsigned to) noexcept { return *pairs_[from * shards_.size() + to]; }
  const pair_state& pair(unsigned from, unsigned to) const noexcept { return *pairs_[from * shards_.size() + to]; }

  std::vector<reactor*> shards_;
  std::vector<std::unique_ptr<pair_state>> pairs_;
  std::atomic<bool> exit_{false};
};

namespace detail {

template <typename F>
struct invoke_traits {
  using raw = std::invoke_result_t<F&>;
  static constexpr bool is_task = false;
  using value = raw;
};
template <typename F>
  requires requires { typename std::invoke_result_t<F&>::promise_type; }
struct invoke_traits<F> {
  using raw = std::invoke_result_t<F&>;
  static constexpr bool is_task = true;
  using value = decltype(std::declval<typename raw::promise_type&>().take());
};

template <typename T>
using stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

}  // namespace detail

template <typename F>
class [[nodiscard]] submit_to_awaiter final : public cross_shard_message, public cancellable {
  using traits = detail::invoke_traits<F>;
  using value_type = typename traits::value;
  using stored = detail::stored_t<value_type>;

 public:
  submit_to_awaiter(unsigned target_shard, F fn, cancel_token* token)
      : fn_(std::move(fn)), token_(token) {
    target = target_shard;
  }

  bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<> h) {
    reactor& r = local();
    source = r.shard_id();
    waiter = h;
    if (token_ && !token_->attach(this)) {
      cancelled_ = true;
      return false;
    }
    if (target == source) {
      // Same shard: no mailbox, but keep the asynchronous shape.
      run_on_target();
      return true;
    }
    RT_ASSERT(target < r.mailboxes().shard_count(), "submit_to: no such shard");
    r.mailboxes().send(this);
    return true;
  }

  // The function's value (or its exception, rethrown here).
  value_type await_resume() {
    if (token_) token_->detach(this);
    RT_ASSERT(!cancelled_, "a cancelled submit_to must be awaited through submit_to(..., token)");
    if (exception_) std::rethrow_exception(exception_);
    if constexpr (!std::is_void_v<value_type>) return std::move(*value_);
  }

  bool cancelled() const noexcept { return cancelled_; }

  void run_on_target() noexcept override {
    if constexpr (traits::is_task) {
      spawn(run_task(this));
    } else {
      try {
        if constexpr (std::is_void_v<value_type>) {
          fn_();
          value_.emplace();
        } else {
          value_.emplace(fn_());
        }
      } catch (...) {
        exception_ = std::current_exception();
      }
      finish();
    }
  }

  void request_cancel() noexcept override {
    // Only a message still waiting for a mailbox slot can be withdrawn; once sent it
    // runs to completion (its state lives in this frame) and the result is returned.
    if (local().mailboxes().withdraw(this)) {
      cancelled_ = true;
      local().schedule(waiter);
    }
  }

 private:
  static task<void> run_task(submit_to_awaiter* self) {
    try {
      if constexpr (std::is_void_v<value_type>) {
        co_await self->fn_();
        self->value_.emplace();
      } else {
        self->value_.emplace(co_await self->fn_());
      }
    } catch (...) {
      self->exception_ = std::current_exception();
    }
    self->finish();
  }

  void finish() noexcept {
    if (target == source) {
      local().schedule(waiter);
    } else {
      local().mailboxes().reply(this);
    }
  }

  F fn_;
  cancel_token* token_;
  std::optional<stored> value_;
  std::exception_ptr exception_;
  bool cancelled_ = false;

  template <typename G>
  friend class submit_to_result_awaiter;
};

// Runs fn() on shard `target` and resumes the caller on its own shard with the value.
// fn may return a plain value or an io::task<T>; exceptions travel back and rethrow.
template <typename F>
submit_to_awaiter<F> submit_to(unsigned target, F fn) {
  return submit_to_awaiter<F>(target, std::move(fn), nullptr);
}

// The same, cancellable while it waits for a mailbox slot: the result is then
// errc::cancelled. Exceptions from fn still rethrow.
template <typename F>
class [[nodiscard]] submit_to_result_awaiter {
  using value_type = typename detail::invoke_traits<F>::value;
  using stored = detail::stored_t<value_type>;

 public:
  submit_to_result_awaiter(unsigned target, F fn, cancel_token& token) : inner_(target, std::move(fn), &token) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) { return inner_.await_suspend(h); }
  result<stored> await_resume() {
    inner_.token_->detach(&inner_);
    if (inner_.cancelled_) return unexpected{error::of(errc::cancelled)};
    if (inner_.exception_) std::rethrow_exception(inner_.exception_);
    return std::move(*inner_.value_);
  }

 private:
  submit_to_awaiter<F> inner_;
};

template <typename F>
submit_to_result_awaiter<F> submit_to(unsigned target, F fn, cancel_token& token) {
  return submit_to_result_awaiter<F>(target, std::move(fn), token);
}

}  // namespace ringtail::io
