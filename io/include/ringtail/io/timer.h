// Timers on the shard's timer map (expired in loop step 3).
//   co_await io::sleep_for(10ms);                 // result<void>
//   co_await io::sleep_for(10ms, &token);         // errc::cancelled if cancelled
//   io::timeout_guard g(token, 5s);               // cancels `token` when it fires
#pragma once

#include <chrono>

#include "ringtail/io/cancel.h"
#include "ringtail/io/reactor.h"

namespace ringtail::io {

class [[nodiscard]] sleep_awaiter final : public cancellable {
 public:
  sleep_awaiter(clock::time_point deadline, cancel_token* token) : token_(token) {
    entry_.deadline = deadline;
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    if (token_ && !token_->attach(this)) {
      cancelled_ = true;
      return false;
    }
    reactor_ = &local();
    entry_.waiter = h;
    reactor_->add_timer(&entry_);
    return true;
  }
  result<void> await_resume() noexcept {
    if (token_) token_->detach(this);
    if (cancelled_) return unexpected{error::of(errc::cancelled)};
    return {};
  }
  void request_cancel() noexcept override {
    if (entry_.fired) return;
    reactor_->remove_timer(&entry_);
    cancelled_ = true;
    reactor_->schedule(entry_.waiter);
  }

 private:
  reactor::timer_entry entry_;
  reactor* reactor_ = nullptr;
  cancel_token* token_;
  bool cancelled_ = false;
};

inline sleep_awaiter sleep_until(clock::time_point t, cancel_token* token = nullptr) {
  return sleep_awaiter(t, token);
}
template <typename Rep, typename Period>
sleep_awaiter sleep_for(std::chrono::duration<Rep, Period> d, cancel_token* token = nullptr) {
  return sleep_awaiter(clock::now() + std::chrono::duration_cast<duration>(d), token);
}

// Cancels a token when a deadline passes, unless destroyed first. Lives on one shard.
class timeout_guard {
 public:
  template <typename Rep, typename Period>
  timeout_guard(cancel_token& token, std::chrono::duration<Rep, Period> d) : token_(token) {
    entry_.deadline = clock::now() + std::chrono::duration_cast<duration>(d);
    entry_.on_fire = &timeout_guard::fire;
    entry_.context = this;
    local().add_timer(&entry_);
  }
  ~timeout_guard() {
    if (!entry_.fired) local().remove_timer(&entry_);
  }
  timeout_guard(const timeout_guard&) = delete;
  timeout_guard& operator=(const timeout_guard&) = delete;
  bool fired() const noexcept { return entry_.fired; }

 private:
  static void fire(reactor::timer_entry* e) noexcept {
    static_cast<timeout_guard*>(e->context)->token_.cancel();
  }
  cancel_token& token_;
  reactor::timer_entry entry_;
};

}  // namespace ringtail::io
