// reactor: the event loop of one shard. Owns the shard's io_uring, its ready queue of
// coroutines, its timers and its end of every cross-shard mailbox. Created and run on
// the shard's own thread; only that thread touches it (the ring is created with
// IORING_SETUP_SINGLE_ISSUER), except for the `sleeping_` flag and the mailbox rings,
// which other shards read and write through atomics.
//
// Loop order, kept in reactor::run() and nowhere else:
//   1. cross-shard mailboxes: take incoming requests and replies
//   2. reap completions in a batch; each one records its result and queues its waiter
//      (no coroutine is resumed from inside the reaping loop)
//   3. expire due timers (queue their waiters)
//   4. run the ready tasks queued before this pass
//   5. submit new SQEs (including MSG_RING wake-ups for sleeping shards) and wait for a
//      completion, a wake-up, or the next timer; never wait while tasks are ready
#pragma once

#include <liburing.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "ringtail/base/assert.h"
#include "ringtail/io/error.h"

namespace ringtail::io {

using clock = std::chrono::steady_clock;
using duration = clock::duration;

class cross_shard;  // cross_shard.h
class buffer_ring;  // buffer_ring.h

// Anything whose address is a user_data of an SQE. complete() runs inside the reaping
// loop: it must only record the result and schedule waiters.
class completion {
 public:
  virtual void complete(int32_t res, uint32_t flags) noexcept = 0;

 protected:
  ~completion() = default;
};

struct reactor_config {
  unsigned ring_entries = 1024;   // SQ size; the CQ is 8x that
  unsigned recv_buffer_count = 256;        // provided buffers per shard (power of two)
  unsigned recv_buffer_bytes = 64 * 1024;  // bytes per provided buffer
};

// The kernel features the runtime requires, probed once at start (see probe_kernel()).
struct kernel_features {
  bool single_issuer = false;
  bool defer_taskrun = false;
  bool coop_taskrun = false;
  bool ext_arg = false;
  bool fast_poll = false;
  std::vector<std::string> missing;  // names of required features the kernel lacks
};

// Probes io_uring once: creates a throw-away ring, checks every opcode and setup flag the
// runtime depends on. Refuse to start if `missing` is not empty.
kernel_features probe_kernel();

struct reactor_stats {
  uint64_t loops = 0;
  uint64_t completions = 0;
  uint64_t tasks_run = 0;
  uint64_t sleeps = 0;
  uint64_t wakeups_sent = 0;
};

class reactor {
 public:
  reactor(unsigned shard_id, unsigned shard_count, const reactor_config& cfg);
  ~reactor();
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;

  unsigned shard_id() const noexcept { return shard_id_; }
  unsigned shard_count() const noexcept { return shard_count_; }

  // Runs the loop on the calling thread until stop() was called and no detached task
  // is left (or the stop deadline passed).
  void run();
  // Asks the loop to finish: it stops after the tasks that are ready now, once no
  // detached task remains. Call on the reactor's own shard.
  void stop() noexcept { stopping_ = true; }
  bool stopping() const noexcept { return stopping_; }

  // Queues a coroutine to be resumed on this shard's next pass (loop step 4).
  void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }

  // An SQE for an operation; submits the queue first if it is full.
  io_uring_sqe* get_sqe();
  // Submits pending SQEs now (used where ordering against another shard matters).
  void flush_submissions();

  struct ::io_uring* ring() noexcept { return &ring_; }
  int ring_fd() const noexcept { return ring_.ring_fd; }
  buffer_ring& recv_buffers() noexcept { return *recv_buffers_; }
  cross_shard& mailboxes() noexcept { return *mailboxes_; }
  void attach_mailboxes(cross_shard* m) noexcept { mailboxes_ = m; }

  // Timers (see timer.h for the awaitables).
  struct timer_entry {
    clock::time_point deadline;
    std::coroutine_handle<> waiter;       // resumed when the timer fires, or
    void (*on_fire)(timer_entry*) = nullptr;  // called instead (must not resume coroutines)
    void* context = nullptr;
    bool fired = false;
    std::multimap<clock::time_point, timer_entry*>::iterator it;
  };
  void add_timer(timer_entry* t);
  void remove_timer(timer_entry* t);

  // Detached-task accounting (spawn()).
  void task_started() noexcept { ++live_tasks_; }
  void task_finished() noexcept { --live_tasks_; }
  uint64_t live_tasks() const noexcept { return live_tasks_; }

  // Operations in flight in the kernel (for the shutdown check).
  void op_started() noexcept { ++ops_in_flight_; }
  void op_finished() noexcept { --ops_in_flight_; }
  uint64_t ops_in_flight() const noexcept { return ops_in_flight_; }

  // Cross-shard wake-up protocol (see cross_shard.h): set before the shard blocks.
  std::atomic<bool>& sleeping() noexcept { return sleeping_; }
  // Called by this shard when it has pushed a message for `target`.
  void note_wake_needed(unsigned target) noexcept { wake_pending_ |= (uint64_t{1} << target); }

  const reactor_stats& stats() const noexcept { return stats_; }

 private:
  void reap_completions();
  void expire_timers();
  void run_ready();
  void send_wakeups();
  void submit_and_wait();

  unsigned shard_id_;
  unsigned shard_count_;
  struct ::io_uring ring_ {};
  std::deque<std::coroutine_handle<>> ready_;
  std::multimap<clock::time_point, timer_entry*> timers_;
  buffer_ring* recv_buffers_ = nullptr;
  cross_shard* mailboxes_ = nullptr;
  uint64_t live_tasks_ = 0;
  uint64_t ops_in_flight_ = 0;
  uint64_t wake_pending_ = 0;
  bool stopping_ = false;
  alignas(64) std::atomic<bool> sleeping_{false};
  reactor_stats stats_;
};

// The reactor of the calling thread's shard; asserts that the thread is a shard.
reactor& local();
// Null on a thread that is not a shard.
reactor* local_or_null() noexcept;
inline unsigned this_shard() { return local().shard_id(); }

namespace detail {
void set_local(reactor* r) noexcept;
}

// The largest number of shards one runtime supports (wake-up bitmask width).
inline constexpr unsigned max_shards = 64;

}  // namespace ringtail::io
