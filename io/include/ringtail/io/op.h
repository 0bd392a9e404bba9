// uring_op: the awaitable for one single-shot io_uring operation. The awaiter lives in
// the awaiting coroutine's frame and owns the operation: its address is the SQE's
// user_data, and because the coroutine stays suspended until the CQE arrives (a
// cancelled operation completes with -ECANCELED through its CQE too), the state
// outlives the kernel's use of it.
//
//   int32_t res = co_await io::uring_op([&](io_uring_sqe* sqe) { io_uring_prep_fsync(...); });
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ringtail/io/cancel.h"
#include "ringtail/io/reactor.h"

namespace ringtail::io {

template <typename Prep>
class [[nodiscard]] uring_op final : public completion, public cancellable {
 public:
  explicit uring_op(Prep prep, cancel_token* token = nullptr, unsigned sqe_flags = 0)
      : prep_(std::move(prep)), token_(token), sqe_flags_(sqe_flags) {}

  bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<> waiter) {
    if (token_ && !token_->attach(this)) {
      res_ = -ECANCELED;
      return false;  // resume at once: the token was cancelled before we started
    }
    reactor_ = &local();
    waiter_ = waiter;
    io_uring_sqe* sqe = reactor_->get_sqe();
    prep_(sqe);
    sqe->flags |= sqe_flags_;
    io_uring_sqe_set_data(sqe, static_cast<completion*>(this));
    reactor_->op_started();
    return true;
  }

  // The raw CQE result: >= 0 on success, -errno on failure.
  int32_t await_resume() noexcept {
    if (token_) token_->detach(this);
    return res_;
  }

  uint32_t cqe_flags() const noexcept { return flags_; }

  void complete(int32_t res, uint32_t flags) noexcept override {
    res_ = res;
    flags_ = flags;
    reactor_->op_finished();
    reactor_->schedule(waiter_);
  }

  void request_cancel() noexcept override {
    io_uring_sqe* sqe = reactor_->get_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(static_cast<completion*>(this)), 0);
    io_uring_sqe_set_data64(sqe, 0);  // the cancel's own CQE (on failure) is ignored
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  }

 private:
  Prep prep_;
  cancel_token* token_;
  unsigned sqe_flags_;
  reactor* reactor_ = nullptr;
  std::coroutine_handle<> waiter_;
  int32_t res_ = 0;
  uint32_t flags_ = 0;
};

template <typename Prep>
uring_op(Prep, cancel_token*) -> uring_op<Prep>;
template <typename Prep>
uring_op(Prep) -> uring_op<Prep>;

// linked_chain: the awaitable for a chain of SQEs linked with IOSQE_IO_LINK. The caller
// prepares the SQEs (each one's user_data = &links()[i]) right before awaiting; the
// awaiter resumes when all have completed (a failed link completes the rest with
// -ECANCELED). A chain must reach the kernel in one submission: make room first
// (reactor::flush_submissions when the SQ has too little space).
class linked_chain {
 public:
  struct link final : completion {
    linked_chain* chain = nullptr;
    int32_t res = 0;
    uint32_t expected = 0;  // bytes a write should have moved (0 for the sync)
    void complete(int32_t r, uint32_t) noexcept override {
      res = r;
      chain->one_done();
    }
  };
  explicit linked_chain(size_t n) : links_(n) {
    for (auto& l : links_) l.chain = this;
  }
  std::vector<link>& links() noexcept { return links_; }
  bool await_ready() const noexcept { return links_.empty(); }
  void await_suspend(std::coroutine_handle<> h) {
    waiter_ = h;
    reactor_ = &local();
    remaining_ = links_.size();
    for (size_t i = 0; i < links_.size(); ++i) reactor_->op_started();
  }
  void await_resume() const noexcept {}

 private:
  void one_done() noexcept {
    reactor_->op_finished();
    if (--remaining_ == 0) reactor_->schedule(waiter_);
  }
  std::vector<link> links_;
  std::coroutine_handle<> waiter_;
  reactor* reactor_ = nullptr;
  size_t remaining_ = 0;
};

// Maps a CQE result to result<int32_t>.
inline result<int32_t> check(int32_t res) {
  if (res < 0) return unexpected{error::from_errno(-res)};
  return res;
}

}  // namespace ringtail::io
