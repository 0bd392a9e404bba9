#include "ringtail/io/cross_shard.h"

#include <algorithm>

namespace ringtail::io {

cross_shard::cross_shard(std::vector<reactor*> shards) : shards_(std::move(shards)) {
  const size_t n = shards_.size();
  RT_ASSERT(n >= 1 && n <= max_shards, "cross_shard: shard count out of range");
  pairs_.reserve(n * n);
  for (size_t i = 0; i < n * n; ++i) pairs_.push_back(std::make_unique<pair_state>());
  for (reactor* r : shards_) r->attach_mailboxes(this);
}

void cross_shard::send(cross_shard_message* m) {
  pair_state& p = pair(m->source, m->target);
  if (p.in_flight >= mailbox_capacity || !p.waiting.empty()) {
    p.waiting.push_back(m);  // back-pressure: sent when a reply frees a slot
    return;
  }
  const bool pushed = p.requests.try_push(m);
  RT_ASSERT(pushed, "request ring full below the in-flight limit");
  ++p.in_flight;
  shards_[m->source]->note_wake_needed(m->target);
}

bool cross_shard::withdraw(cross_shard_message* m) noexcept {
  pair_state& p = pair(m->source, m->target);
  auto it = std::find(p.waiting.begin(), p.waiting.end(), m);
  if (it == p.waiting.end()) return false;
  p.waiting.erase(it);
  return true;
}

void cross_shard::reply(cross_shard_message* m) {
  // Runs on the target shard; the reply ring of the pair has room by construction.
  pair_state& p = pair(m->source, m->target);
  const bool pushed = p.replies.try_push(m);
  RT_ASSERT(pushed, "reply ring full: in-flight accounting broken");
  shards_[m->target]->note_wake_needed(m->source);
}

size_t cross_shard::poll(unsigned shard) {
  const size_t n = shards_.size();
  size_t handled = 0;
  for (size_t other = 0; other < n; ++other) {
    if (other == shard) continue;
    // Requests other -> shard.
    pair_state& in = pair(static_cast<unsigned>(other), shard);
    while (cross_shard_message* m = in.requests.try_pop()) {
      m->run_on_target();
      ++handled;
    }
    // Replies to our own requests shard -> other.
    pair_state& out = pair(shard, static_cast<unsigned>(other));
    while (cross_shard_message* m = out.replies.try_pop()) {
      --out.in_flight;
      shards_[shard]->schedule(m->waiter);
      ++handled;
    }
    while (!out.waiting.empty() && out.in_flight < mailbox_capacity) {
      cross_shard_message* m = out.waiting.front();
      out.waiting.pop_front();
      const bool pushed = out.requests.try_push(m);
      RT_ASSERT(pushed, "request ring full below the in-flight limit");
      ++out.in_flight;
      shards_[shard]->note_wake_needed(static_cast<unsigned>(other));
    }
  }
  return handled;
}

bool cross_shard::has_incoming(unsigned shard) const noexcept {
  const size_t n = shards_.size();
  for (size_t other = 0; other < n; ++other) {
    if (other == shard) continue;
    if (!pair(static_cast<unsigned>(other), shard).requests.empty()) return true;
    if (!pair(shard, static_cast<unsigned>(other)).replies.empty()) return true;
  }
  return exit_requested();
}

uint64_t cross_shard::wake(unsigned from, uint64_t targets) {
  // Pairs with the fence in reactor::submit_and_wait(): our pushes are visible before we
  // read the flag, or the target sees them when it re-checks.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  uint64_t sent = 0;
  reactor& self = *shards_[from];
  while (targets != 0) {
    const unsigned t = static_cast<unsigned>(__builtin_ctzll(targets));
    targets &= targets - 1;
    if (t == from) continue;
    if (!shards_[t]->sleeping().load(std::memory_order_seq_cst)) continue;
    io_uring_sqe* sqe = self.get_sqe();
    // A CQE with user_data 0 on the target: it only ends the target's wait.
    io_uring_prep_msg_ring(sqe, shards_[t]->ring_fd(), 0, 0, 0);
    io_uring_sqe_set_data64(sqe, 0);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    ++sent;
  }
  return sent;
}

void cross_shard::request_exit(unsigned from) {
  exit_.store(true, std::memory_order_release);
  uint64_t all = 0;
  for (unsigned i = 0; i < shards_.size(); ++i) all |= uint64_t{1} << i;
  wake(from, all);
  shards_[from]->flush_submissions();
}

}  // namespace ringtail::io
