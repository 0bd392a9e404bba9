#include "ringtail/io/reactor.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "ringtail/io/buffer_ring.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

namespace {
thread_local reactor* tl_reactor = nullptr;

// Completion batch reaped per pass (loop step 2).
constexpr unsigned cqe_batch = 256;
constexpr uint16_t recv_buffer_group = 0;
}  // namespace

namespace detail {
void set_local(reactor* r) noexcept { tl_reactor = r; }
}  // namespace detail

reactor& local() {
  RT_ASSERT(tl_reactor != nullptr, "not on a shard thread");
  return *tl_reactor;
}
reactor* local_or_null() noexcept { return tl_reactor; }

kernel_features probe_kernel() {
  kernel_features f;
  struct io_uring ring {};
  io_uring_params p{};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  int rc = io_uring_queue_init_params(8, &ring, &p);
  if (rc == 0) {
    f.single_issuer = f.defer_taskrun = true;
  } else {
    p = {};
    p.flags = IORING_SETUP_COOP_TASKRUN;
    rc = io_uring_queue_init_params(8, &ring, &p);
    if (rc == 0) f.coop_taskrun = true;
    else {
      p = {};
      rc = io_uring_queue_init_params(8, &ring, &p);
    }
  }
  if (rc != 0) {
    f.missing.push_back(std::string("io_uring itself (io_uring_setup failed: ") + std::strerror(-rc) + ")");
    return f;
  }
  f.ext_arg = (p.features & IORING_FEAT_EXT_ARG) != 0;
  f.fast_poll = (p.features & IORING_FEAT_FAST_POLL) != 0;
  if (!f.ext_arg) f.missing.push_back("IORING_FEAT_EXT_ARG (timed waits; Linux 5.11+)");
  if (!f.fast_poll) f.missing.push_back("IORING_FEAT_FAST_POLL (Linux 5.7+)");

  struct needed_op {
    int op;
    const char* name;
  };
  static constexpr needed_op ops[] = {
      {IORING_OP_ACCEPT, "ACCEPT"},     {IORING_OP_CONNECT, "CONNECT"},   {IORING_OP_RECV, "RECV"},
      {IORING_OP_SEND, "SEND"},         {IORING_OP_SENDMSG, "SENDMSG"},   {IORING_OP_SEND_ZC, "SEND_ZC"},
      {IORING_OP_READ, "READ"},         {IORING_OP_WRITE, "WRITE"},       {IORING_OP_WRITEV, "WRITEV"},
      {IORING_OP_FSYNC, "FSYNC"},       {IORING_OP_FALLOCATE, "FALLOCATE"}, {IORING_OP_OPENAT, "OPENAT"},
      {IORING_OP_CLOSE, "CLOSE"},       {IORING_OP_STATX, "STATX"},       {IORING_OP_UNLINKAT, "UNLINKAT"},
      {IORING_OP_RENAMEAT, "RENAMEAT"}, {IORING_OP_MKDIRAT, "MKDIRAT"},   {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"},
      {IORING_OP_MSG_RING, "MSG_RING"}, {IORING_OP_SHUTDOWN, "SHUTDOWN"}, {IORING_OP_MADVISE, "MADVISE"},
  };
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) {
    f.missing.push_back("IORING_REGISTER_PROBE (Linux 5.6+)");
  } else {
    for (const auto& o : ops) {
      if (!io_uring_opcode_supported(probe, o.op)) f.missing.push_back(std::string("IORING_OP_") + o.name);
    }
    io_uring_free_probe(probe);
  }
  // Provided buffer rings (Linux 5.19) and with them multishot recv: try to register one.
  {
    const unsigned entries = 8;
    void* mem = nullptr;
    if (posix_memalign(&mem, 4096, entries * sizeof(io_uring_buf)) == 0) {
      io_uring_buf_reg reg{};
      reg.ring_addr = reinterpret_cast<uint64_t>(mem);
      reg.ring_entries = entries;
      reg.bgid = 7;
      if (io_uring_register_buf_ring(&ring, &reg, 0) != 0) {
        f.missing.push_back("IORING_REGISTER_PBUF_RING (provided buffer rings; Linux 5.19+)");
      } else {
        io_uring_unregister_buf_ring(&ring, 7);
      }
      free(mem);
    }
  }
  io_uring_queue_exit(&ring);
  return f;
}

reactor::reactor(unsigned shard_id, unsigned shard_count, const reactor_config& cfg)
    : shard_id_(shard_id), shard_count_(shard_count) {
  RT_ASSERT(shard_count <= max_shards, "too many shards");
  io_uring_params p{};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
  p.cq_entries = cfg.ring_entries * 8;
  int rc = io_uring_queue_init_params(cfg.ring_entries, &ring_, &p);
  if (rc == -EINVAL) {
    // Older kernels: cooperative task running is the next best (fewer IPIs).
    p = {};
    p.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE;
    p.cq_entries = cfg.ring_entries * 8;
    rc = io_uring_queue_init_params(cfg.ring_entries, &ring_, &p);
  }
  if (rc != 0) throw std::runtime_error(std::string("io_uring_queue_init failed: ") + std::strerror(-rc));
  recv_buffers_ = new buffer_ring(&ring_, recv_buffer_group, cfg.recv_buffer_count, cfg.recv_buffer_bytes);
}

reactor::~reactor() {
  delete recv_buffers_;
  io_uring_queue_exit(&ring_);
}

io_uring_sqe* reactor::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    // The SQ is full: hand what we have to the kernel and take a fresh slot.
    int rc = io_uring_submit(&ring_);
    RT_ASSERT(rc >= 0 || rc == -EBUSY || rc == -EAGAIN, "io_uring_submit failed while the SQ was full");
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void reactor::flush_submissions() { (void)io_uring_submit(&ring_); }

void reactor::add_timer(timer_entry* t) {
  t->fired = false;
  t->it = timers_.emplace(t->deadline, t);
}

void reactor::remove_timer(timer_entry* t) {
  if (!t->fired) {
    timers_.erase(t->it);
    t->fired = true;  // no longer in the map
  }
}

void reactor::reap_completions() {
  io_uring_cqe* cqes[cqe_batch];
  for (;;) {
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, cqe_batch);
    if (n == 0) break;
    for (unsigned i = 0; i < n; ++i) {
      const uint64_t ud = io_uring_cqe_get_data64(cqes[i]);
      // user_data 0: wake-ups (MSG_RING), failed cancels, skipped-success ops. Nothing waits.
      if (ud != 0) reinterpret_cast<completion*>(ud)->complete(cqes[i]->res, cqes[i]->flags);
    }
    io_uring_cq_advance(&ring_, n);
    stats_.completions += n;
    if (n < cqe_batch) break;
  }
}

void reactor::expire_timers() {
  if (timers_.empty()) return;
  const auto now = clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    timer_entry* t = timers_.begin()->second;
    timers_.erase(timers_.begin());
    t->fired = true;
    if (t->on_fire) t->on_fire(t);
    else schedule(t->waiter);
  }
}

void reactor::run_ready() {
  // Only what was ready when the pass began: tasks that schedule more work do not
  // starve the ring and the mailboxes.
  size_t n = ready_.size();
  while (n-- > 0) {
    auto h = ready_.front();
    ready_.pop_front();
    h.resume();
    ++stats_.tasks_run;
  }
}

void reactor::send_wakeups() {
  if (wake_pending_ == 0 || mailboxes_ == nullptr) return;
  stats_.wakeups_sent += mailboxes_->wake(shard_id_, wake_pending_);
  wake_pending_ = 0;
}

void reactor::submit_and_wait() {
  if (!ready_.empty() || (mailboxes_ && mailboxes_->exit_requested())) {
    // Work is waiting: submit and collect whatever finished, without blocking.
    (void)io_uring_submit_and_get_events(&ring_);
    return;
  }
  // About to block: announce it, then look once more at the mailboxes (a sender checks
  // the flag after pushing, so one of the two sides sees the other).
  sleeping_.store(true, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (mailboxes_ && mailboxes_->has_incoming(shard_id_)) {
    sleeping_.store(false, std::memory_order_relaxed);
    (void)io_uring_submit_and_get_events(&ring_);
    return;
  }
  io_uring_cqe* cqe = nullptr;
  ++stats_.sleeps;
  if (timers_.empty()) {
    (void)io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, nullptr, nullptr);
  } else {
    auto wait = timers_.begin()->first - clock::now();
    if (wait < duration::zero()) wait = duration::zero();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
    __kernel_timespec ts{};
    ts.tv_sec = ns / 1'000'000'000;
    ts.tv_nsec = ns % 1'000'000'000;
    (void)io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }
  sleeping_.store(false, std::memory_order_relaxed);
}

void reactor::run() {
  detail::set_local(this);
  for (;;) {
    ++stats_.loops;
    if (mailboxes_) mailboxes_->poll(shard_id_);  // 1
    reap_completions();                           // 2
    expire_timers();                              // 3
    run_ready();                                  // 4
    if (mailboxes_ && mailboxes_->exit_requested() && ready_.empty() && live_tasks_ == 0 &&
        ops_in_flight_ == 0) {
      break;
    }
    send_wakeups();     // 5
    submit_and_wait();  //   (and wait)
  }
  send_wakeups();
  (void)io_uring_submit(&ring_);
  detail::set_local(nullptr);
}

namespace {

// The wrapper spawn() creates: counts itself on the shard while it runs, frees its own
// frame when done (final_suspend never suspends).
struct detached_task {
  struct promise_type {
    detached_task get_return_object() noexcept {
      return detached_task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {
      try {
        throw;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "ringtail: exception escaped a detached task: %s\n", e.what());
      } catch (...) {
        std::fprintf(stderr, "ringtail: exception escaped a detached task\n");
      }
      std::abort();
    }
  };
  std::coroutine_handle<promise_type> h;
};

detached_task run_detached(task<void> t, reactor* r) {
  co_await std::move(t);
  r->task_finished();
}
}  // namespace

void spawn(task<void> t) {
  reactor& r = local();
  r.task_started();
  detached_task d = run_detached(std::move(t), &r);
  r.schedule(d.h);
}

void spawn_now(task<void> t) {
  reactor& r = local();
  r.task_started();
  detached_task d = run_detached(std::move(t), &r);
  d.h.resume();  // final_suspend never suspends: the frame may be gone after this
}

}  // namespace ringtail::io
