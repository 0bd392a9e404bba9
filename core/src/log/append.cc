// partition_log, the append path: queueing, grouping concurrent appends into one
// vectored write, offsets, rolls and the recent-append cache.
//
// One writer task per log. append() validates the batches, queues itself and, if there
// is no writer task, spawns write_loop(); then it waits for its own completion (an event
// in its frame, so a write wakes exactly the appends it held). The writer takes
// everything queued (up to group_appends_max / group_bytes_max) as one group, assigns
// offsets in queue order, writes the group's bytes with one writev at the end of the
// segment (a roll in the middle splits it into runs), then completes each member.
// Appends arriving meanwhile queue for the next write, so under load one write is
// always in flight and each carries what arrived during the previous one — group commit
// for page-cache writes: the busier the partition, the bigger the writes. A lone
// appender gets one write per append, as without grouping.
//
// Why the writer is its own task (not the first appender): a caller is released as soon
// as its bytes are written instead of writing everyone else's, and appenders woken in
// the same pass are grouped instead of the first of them going out alone.
//
// Why one write in flight, not two: ext4 completes no buffered write inline, every
// write is a round trip to an io-wq worker, which runs the writes to one file one at a
// time anyway. A second write in flight only splits what one write would carry, and
// measured slower (docs/PERFORMANCE.md, "Partition log").
//
// Failures: a failed (or short) write fails exactly the appends of its run; the file is
// cut back to its acknowledged size (segment::cut_back), so nothing of them stays on
// disk and the log end offset, the offsets handed out next and the cache are as if they
// had never been tried. If the cut itself fails the log is failed (log_failed) until
// reopened, and recovery truncates whatever was left.
#include <algorithm>
#include <climits>
#include <cstring>

#include "ringtail/base/logging.h"
#include "ringtail/core/log/partition_log.h"
#include "ringtail/io/reactor.h"

namespace ringtail::core::log {

using codec::detail::load_be;

namespace {

// One write holds at most this many appends and bytes: bounded iovecs (each append is
// one iovec when the cache is off) and a bounded wait for the first append of a group.
// One append larger than group_bytes_max is written alone.
constexpr size_t group_appends_max = 512;
constexpr uint64_t group_bytes_max = 1 << 20;
static_assert(group_appends_max <= IOV_MAX, "a group's iovecs fit one writev");

// Resumes the awaiting coroutine on the shard's next pass, after the tasks already
// queued (see write_loop()).
struct next_pass {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { io::local().schedule(h); }
  void await_resume() const noexcept {}
};

}  // namespace

io::task<result<append_result>> partition_log::append(std::span<std::byte> batches, int32_t leader_epoch,
                                                      std::optional<int64_t> log_append_time_ms) {
  append_op op;
  auto q = enqueue(op, batches, leader_epoch, log_append_time_ms);
  if (!q) co_return unexpected{q.error()};
  co_return co_await wait(op);
}

result<void> partition_log::enqueue(append_op& p, std::span<std::byte> batches, int32_t leader_epoch,
                                    std::optional<int64_t> log_append_time_ms, append_admission* admission) {
  if (closed_) return unexpected{errc::closed};
  if (failed_) return unexpected{errc::log_failed};
  p.bytes = batches;
  p.leader_epoch = leader_epoch;
  p.append_time_ms = log_append_time_ms;
  p.admission = admission;
  // The broker validated the batches; check the framing we rely on to patch and index.
  codec::record_batch_reader reader(batches);
  size_t count = 0;
  while (true) {
    auto b = reader.next();
    if (!b) return unexpected{errc::invalid_batch};
    if (!*b) break;
    if ((*b)->last_offset_delta() < 0) return unexpected{errc::invalid_batch};
    p.offset_count += int64_t{(*b)->last_offset_delta()} + 1;
    p.records += (*b)->record_count();
    p.max_timestamp = std::max(p.max_timestamp, log_append_time_ms ? *log_append_time_ms : (*b)->max_timestamp());
    ++count;
  }
  if (count == 0 || reader.truncated_tail() || reader.position() != batches.size()) {
    return unexpected{errc::invalid_batch};
  }
  if (batches.size() > static_cast<size_t>(cfg_.segment_bytes)) return unexpected{errc::batch_too_large};

  queue_.push_back(&p);
  if (writer_ == writer_state::none && !appends_held_) {
    writer_ = writer_state::running;
    io::spawn(write_loop());
  }
  return {};
}

io::task<result<append_result>> partition_log::wait(append_op& p) {
  while (!p.done) (void)co_await p.written.wait();
  RT_ASSERT(p.out.has_value(), "append finished without a result");
  result<append_result> out = std::move(*p.out);
  // Failed (closed included): return without touching the log, which a closing caller
  // may destroy as soon as close() returned.
  if (!out) co_return out;
  // flush.messages: the append returns once an fdatasync covers it (shared with every
  // append that is due at the same time: group commit).
  if (messages_appended_ - messages_at_last_flush_ >= cfg_.flush_messages) {
    auto f = co_await wait_flushed(out->last_offset + 1);
    if (!f) co_return unexpected{f.error()};
  }
  out->log_start_offset = log_start_offset_;
  co_return out;
}

io::task<void> partition_log::write_loop() {
  const std::shared_ptr<bool> alive = alive_;
  while (true) {
    if (queue_.empty() || appends_held_) {
      // Idle. Linger one pass before ending: the appenders the last write completed run
      // first and typically append again at once (a producer's next batch, the next
      // pipelined request); they then join the next write instead of spawning a writer
      // each. A lone appender loses nothing: its next append is queued in the same
      // pass, before the writer looks again. Idle means idle for close()/truncate_to()
      // and for the destructor too, hence `alive`.
      writer_ = writer_state::lingering;
      appended_.notify_all();
      next_pass np;
      co_await np;
      if (!*alive) co_return;  // the log is gone; so is every append
      if (queue_.empty() || appends_held_) break;
      writer_ = writer_state::running;
    }
    co_await write_group();
  }
  writer_ = writer_state::none;
}

void partition_log::finish_append(pending_append* p) {
  ++append_stats_.appends;
  p->done = true;
  p->written.notify_all();  // it resumes on the next pass; nobody else is woken
}

void partition_log::resume_appends() {
  // truncate_to()/close() held appends off; appends that queued meanwhile are written
  // now (or fail: the log is closed and may be destroyed once close() returns, so they
  // are completed here rather than by a writer task).
  appends_held_ = false;
  if (closed_) {
    for (pending_append* p : queue_) {
      p->out = unexpected{errc::closed};
      finish_append(p);
    }
    queue_.clear();
  }
  if (!queue_.empty() && writer_ == writer_state::none) {
    writer_ = writer_state::running;
    io::spawn(write_loop());
  }
  // A lingering writer picks the queue up by itself.
  appended_.notify_all();
}

bool partition_log::should_roll(const segment& s, uint64_t pending_bytes, uint64_t incoming_bytes,
                                int64_t incoming_last_offset, int64_t incoming_max_timestamp, int64_t now) const {
  // Kafka's LogSegment.shouldRoll. Age is the incoming batch's timestamp minus the
  // segment's first batch timestamp (timeWaitedForRoll), or wall time since creation
  // when the segment has no timestamp. The size counts what the write in progress puts
  // before the incoming batch.
  const uint64_t size = s.size_bytes() + pending_bytes;
  if (size > 0 && size + incoming_bytes > static_cast<uint64_t>(cfg_.segment_bytes)) return true;
  if (s.size_bytes() > 0) {
    const int64_t waited = s.first_batch_timestamp() >= 0 ? incoming_max_timestamp - s.first_batch_timestamp()
                                                          : now - s.created_ms();
    if (waited > cfg_.roll_ms) return true;
  }
  if (s.size_bytes() > 0 && s.index_full()) return true;
  return incoming_last_offset - s.base_offset() > INT32_MAX;  // relative offsets are int32
}

io::task<void> partition_log::write_group() {
  // The group is taken off the queue before anything is awaited: what arrives while it
  // is written waits for the next write.
  group_.clear();
  uint64_t group_bytes = 0;
  while (!queue_.empty() && group_.size() < group_appends_max) {
    pending_append* p = queue_.front();
    if (!group_.empty() && group_bytes + p->bytes.size() > group_bytes_max) break;
    group_bytes += p->bytes.size();
    group_.push_back(p);
    queue_.pop_front();
  }
  run_.clear();
  run_parts_.clear();
  uint64_t run_bytes = 0;
  const int64_t now = clock_.now_ms();  // one reading per group: roll decisions need ms
  for (pending_append* p : group_) {
    if (closed_ || failed_) {
      p->out = unexpected{closed_ ? errc::closed : errc::log_failed};
      continue;
    }
    // Roll decisions see the bytes of this run as already in the segment.
    if (should_roll(*active_, run_bytes, p->bytes.size(), next_offset_ + p->offset_count - 1, p->max_timestamp, now)) {
      if (!run_.empty()) {
        (void)co_await write_run(run_bytes);
        run_.clear();
        run_parts_.clear();
        run_bytes = 0;
      }
      if (failed_) {
        p->out = unexpected{errc::log_failed};
        continue;
      }
      if (active_->size_bytes() > 0) {
        auto r = co_await roll();
        if (!r) {
          p->out = unexpected{r.error()};
          continue;
        }
      }
    }
    // Offsets are assigned here, in queue order; the bytes are patched in place
    // (base offset and leader epoch are outside the CRC). The admission sees the log as
    // it will be right before this append: earlier runs of this group are written (a
    // failed one already revoked), and nothing queued behind it has offsets yet.
    if (p->admission) {
      const int64_t last = next_offset_ + p->offset_count - 1;
      if (p->admission->admit(next_offset_, last, p->max_timestamp) ==
          append_admission::verdict::skip) {
        p->out = unexpected{errc::not_admitted};
        continue;
      }
      p->admitted = true;
    }
    append_result ar;
    ar.base_offset = next_offset_;
    size_t pos = 0;
    while (pos < p->bytes.size()) {
      const size_t size =
          static_cast<size_t>(load_be<int32_t>(p->bytes.data() + pos + codec::batch_layout::batch_length)) +
          codec::log_overhead_bytes;
      auto m = codec::mutable_record_batch_view::parse(p->bytes.subspan(pos, size));
      RT_ASSERT(m.has_value(), "batch framing checked in append()");
      m->set_base_offset(next_offset_);
      m->set_partition_leader_epoch(p->leader_epoch);
      if (p->append_time_ms) m->set_log_append_time(*p->append_time_ms);
      const auto v = m->view();
      ar.max_timestamp = std::max(ar.max_timestamp, v.max_timestamp());
      next_offset_ = v.next_offset();
      pos += size;
    }
    ar.last_offset = next_offset_ - 1;
    if (p->append_time_ms) ar.log_append_time_ms = *p->append_time_ms;
    p->out = ar;  // provisional: replaced by an error if the write fails
    run_.push_back(p);
    run_parts_.emplace_back(p->bytes.data(), p->bytes.size());
    run_bytes += p->bytes.size();
  }
  if (!run_.empty()) (void)co_await write_run(run_bytes);
  for (pending_append* p : group_) finish_append(p);
  group_.clear();
}

io::task<result<void>> partition_log::write_run(uint64_t run_bytes) {
  std::span<const std::span<const std::byte>> parts = run_parts_;
  const uint64_t position = active_->size_bytes();
  buffer_ref staged;
  std::span<const std::byte> staged_part[1];
  if (cache_.enabled()) {
    // One copy of the whole run, which the write and the cache share (the callers'
    // bytes are theirs again once append() returns): one iovec, placed at the file's
    // alignment in a recycled buffer (recent_append_cache.h, "Staging").
    const std::span<std::byte> to = cache_.stage(run_bytes, position, staged);
    std::byte* at = to.data();
    for (const auto& part : run_parts_) {
      std::memcpy(at, part.data(), part.size());
      at += part.size();
    }
    staged_part[0] = to;
    parts = staged_part;
  }
  ++append_stats_.writes;
  append_stats_.bytes += run_bytes;
  auto w = co_await active_->write_at(position, parts, run_bytes);
  if (!w) {
    errc e = w.error();
    auto cut = co_await active_->cut_back();
    if (!cut) {
      e = errc::log_failed;
      failed_ = true;
    }
    for (pending_append* p : run_) p->out = unexpected{e};
    // Newest first, so each admission undoes its own step; before the next run or group
    // is admitted, so no later append is checked against appends that are not in the log.
    for (auto it = run_.rbegin(); it != run_.rend(); ++it) {
      if ((*it)->admitted) {
        (*it)->admission->revoke();
        (*it)->admitted = false;
      }
    }
    // The offsets of the failed run are handed out again: no hole.
    next_offset_ = log_end_offset_;
    co_return unexpected{e};
  }
  const int64_t now = clock_.now_ms();
  uint64_t at = position;
  const int64_t run_base_offset = log_end_offset_;
  for (size_t i = 0; i < run_.size(); ++i) {
    const std::span<const std::byte> bytes = run_parts_[i];
    size_t in = 0;
    while (in < bytes.size()) {
      const size_t size = static_cast<size_t>(load_be<int32_t>(bytes.data() + in + codec::batch_layout::batch_length)) +
                          codec::log_overhead_bytes;
      auto v = codec::record_batch_view::parse(bytes.subspan(in, size));
      RT_ASSERT(v.has_value(), "written batch parses");
      active_->on_batch_appended(*v, at, now);
      at += size;
      in += size;
    }
    const auto& ar = **run_[i]->out;
    RT_ASSERT(ar.base_offset == log_end_offset_, "appends advance the log end offset in order");
    log_end_offset_ = ar.last_offset + 1;
    messages_appended_ += run_[i]->records;
  }
  if (staged) cache_.add(run_base_offset, log_end_offset_, std::move(staged), staged_part[0]);
  on_leo_advanced();
  if (active_->index().bytes().unwritten().size() + active_->timeindex().bytes().unwritten().size() >= 8192) {
    auto ix = co_await active_->write_indexes();
    if (!ix) RT_LOG_WARN("log %s: index write failed (rebuilt at recovery)", dir_.c_str());
  }
  co_return result<void>{};
}

io::task<result<void>> partition_log::roll() {
  std::shared_ptr<segment> old = active_;
  // Kafka flushes the old segment when it rolls (flushUptoOffsetExclusive): from here on
  // its bytes are durable and recovery starts at the new segment.
  auto f = co_await old->finalize();
  if (!f) {
    if (f.error() == errc::log_failed) failed_ = true;
    co_return f;
  }
  flushed_offset_ = std::max(flushed_offset_, old->next_offset());
  if (flushed_offset_ >= log_end_offset_) {
    messages_at_last_flush_ = messages_appended_;
    first_unflushed_append_ms_ = -1;
  }
  auto s = co_await segment::create(fs_, dir_, next_offset_, cfg_, clock_.now_ms());
  if (!s) co_return unexpected{s.error()};
  segments_[(*s)->base_offset()] = *s;
  active_ = *s;
  recovery_point_ = active_->base_offset();
  co_return co_await write_checkpoint();
}

}  // namespace ringtail::core::log
