// cancel_token: lets one party cancel whatever operation a task is currently waiting on.
// Shard-local, like everything a task touches. An operation that takes a token attaches
// itself while it waits and detaches when it completes; cancel() asks the attached
// operation to finish early with errc::cancelled (an io_uring operation still completes
// through its CQE, so its state lives until then). Once cancelled, a token stays
// cancelled: later operations given it fail at once, as std::stop_token does.
#pragma once

#include "ringtail/base/assert.h"

namespace ringtail::io {

class cancellable {
 public:
  virtual void request_cancel() noexcept = 0;

 protected:
  ~cancellable() = default;
};

class cancel_token {
 public:
  cancel_token() = default;
  cancel_token(const cancel_token&) = delete;
  cancel_token& operator=(const cancel_token&) = delete;
  ~cancel_token() { RT_ASSERT(op_ == nullptr, "cancel_token destroyed while an operation is attached"); }

  void cancel() noexcept {
    if (cancelled_) return;
    cancelled_ = true;
    if (auto* op = op_) {
      op_ = nullptr;
      op->request_cancel();
    }
  }
  bool cancelled() const noexcept { return cancelled_; }

  // For operations: attach while waiting. Returns false if the token is already
  // cancelled, in which case the operation must not start.
  bool attach(cancellable* op) noexcept {
    if (cancelled_) return false;
    RT_ASSERT(op_ == nullptr, "one cancel_token serves one waiting operation at a time");
    op_ = op;
    return true;
  }
  // Called when the waiting operation resumes. Unconditional: a token serves one
  // operation at a time, and GCC 12 may resume a relocated copy of an awaiter (see
  // docs/ARCHITECTURE.md), whose `this` differs from the one that attached — a
  // conditional detach would leave the token pointing at a dead object.
  void detach(cancellable*) noexcept { op_ = nullptr; }

 private:
  cancellable* op_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace ringtail::io
