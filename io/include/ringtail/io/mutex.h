// mutex: mutual exclusion between tasks of one shard (e.g. the controller serialising
// metadata changes across their co_awaits). Not for threads.
//   co_await m.lock();  ...  m.unlock();
//
// Fair: waiters get the lock in the order they asked for it. unlock() hands the lock to
// the oldest waiter directly (it stays locked; the waiter owns it when it resumes), so
// a task that calls lock() between the unlock and the waiter's resumption queues behind
// it instead of barging in. Code that relies on arrival order (a connection's requests)
// depends on this.
#pragma once

#include <coroutine>

#include "ringtail/io/reactor.h"

namespace ringtail::io {

class mutex {
 public:
  class [[nodiscard]] lock_awaiter {
   public:
    explicit lock_awaiter(mutex& m) : m_(m) {}
    bool await_ready() noexcept {
      if (m_.locked_) return false;
      m_.locked_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      waiter_ = h;
      if (m_.tail_) m_.tail_->next_ = this; else m_.head_ = this;
      m_.tail_ = this;
    }
    void await_resume() const noexcept {}

   private:
    friend class mutex;
    mutex& m_;
    std::coroutine_handle<> waiter_;
    lock_awaiter* next_ = nullptr;
  };

  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  ~mutex() { RT_ASSERT(head_ == nullptr, "mutex destroyed with waiters"); }

  lock_awaiter lock() noexcept { return lock_awaiter(*this); }
  void unlock() noexcept {
    RT_ASSERT(locked_, "unlock of a mutex that is not locked");
    if (lock_awaiter* a = head_) {
      // Hand-off: still locked, now owned by the oldest waiter (it resumes on the
      // shard's next pass).
      head_ = a->next_;
      if (!head_) tail_ = nullptr;
      local().schedule(a->waiter_);
      return;
    }
    locked_ = false;
  }
  bool locked() const noexcept { return locked_; }

 private:
  bool locked_ = false;
  lock_awaiter* head_ = nullptr;  // waiters, oldest first
  lock_awaiter* tail_ = nullptr;
};

}  // namespace ringtail::io
