// event: tasks on one shard wait for something to happen (an append to a partition, a
// buffer coming back, a slot in a queue). notify_all() wakes every waiter queued so far;
// a wait can be cancelled through a token (and so time out, with a timeout_guard).
// Shard-local.
#pragma once

#include <coroutine>

#include "ringtail/io/cancel.h"
#include "ringtail/io/reactor.h"

namespace ringtail::io {

class event {
 public:
  class [[nodiscard]] awaiter final : public cancellable {
   public:
    awaiter(event& ev, cancel_token* token) : ev_(ev), token_(token) {}
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) {
      if (token_ && !token_->attach(this)) {
        cancelled_ = true;
        return false;
      }
      waiter_ = h;
      ev_.push(this);
      return true;
    }
    result<void> await_resume() noexcept {
      if (token_) token_->detach(this);
      if (cancelled_) return unexpected{error::of(errc::cancelled)};
      return {};
    }
    void request_cancel() noexcept override {
      // Already notified (queued to resume): the notification wins; resuming twice
      // would run a finished frame.
      if (notified_) return;
      ev_.erase(this);
      cancelled_ = true;
      local().schedule(waiter_);
    }

   private:
    friend class event;
    event& ev_;
    cancel_token* token_;
    std::coroutine_handle<> waiter_;
    awaiter* next_ = nullptr;
    awaiter* prev_ = nullptr;
    bool cancelled_ = false;
    bool notified_ = false;
  };

  event() = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() { RT_ASSERT(head_ == nullptr, "event destroyed with waiters"); }

  awaiter wait(cancel_token* token = nullptr) { return awaiter(*this, token); }

  // Wakes every current waiter (each resumes on the shard's next pass).
  void notify_all() noexcept {
    awaiter* a = head_;
    head_ = tail_ = nullptr;
    while (a) {
      awaiter* next = a->next_;
      a->next_ = a->prev_ = nullptr;
      a->notified_ = true;
      local().schedule(a->waiter_);
      a = next;
    }
  }
  // Wakes the oldest waiter, if any.
  void notify_one() noexcept {
    if (awaiter* a = head_) {
      erase(a);
      a->notified_ = true;
      local().schedule(a->waiter_);
    }
  }
  bool has_waiters() const noexcept { return head_ != nullptr; }

 private:
  void push(awaiter* a) noexcept {
    a->prev_ = tail_;
    a->next_ = nullptr;
    if (tail_) tail_->next_ = a; else head_ = a;
    tail_ = a;
  }
  void erase(awaiter* a) noexcept {
    if (a->prev_) a->prev_->next_ = a->next_; else if (head_ == a) head_ = a->next_;
    if (a->next_) a->next_->prev_ = a->prev_; else if (tail_ == a) tail_ = a->prev_;
    a->next_ = a->prev_ = nullptr;
  }
  awaiter* head_ = nullptr;
  awaiter* tail_ = nullptr;
};

}  // namespace ringtail::io
