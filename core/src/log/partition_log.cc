// partition_log: appends, reads, flushes, truncation and retention. Opening and
// recovery are in recovery.cc.
#include "ringtail/core/log/partition_log.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "ringtail/base/logging.h"
#include "ringtail/core/log/batch_scanner.h"
#include "ringtail/core/log/retention.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::log {

using codec::detail::load_be;

struct partition_log::pending_append {
  std::span<std::byte> bytes;
  int32_t leader_epoch = codec::no_partition_leader_epoch;
  std::optional<int64_t> append_time_ms;
  int64_t offset_count = 0;  // offsets the batches take (sum of last_offset_delta + 1)
  int64_t records = 0;
  int64_t max_timestamp = codec::no_timestamp;
  std::optional<result<append_result>> out;
  // Set once the group holding this append is written (or failed): `out` may be set
  // provisionally before that, so waiters must look at this flag, not at `out`.
  bool done = false;
};

partition_log::partition_log(std::string dir, log_config cfg, storage& fs, clock& clk, recent_append_cache* cache)
    : dir_(std::move(dir)), cfg_(cfg), fs_(fs), clock_(clk), cache_(cache) {}

partition_log::~partition_log() {
  RT_ASSERT(!appending_ && !flushing_ && !timer_running_, "partition_log destroyed with work in flight");
}

void partition_log::set_high_watermark(int64_t hw) {
  high_watermark_ = std::clamp(hw, log_start_offset_, log_end_offset_);
}

uint64_t partition_log::size_bytes() const {
  uint64_t total = 0;
  for (const auto& [base, s] : segments_) total += s->size_bytes();
  return total;
}

int64_t partition_log::max_timestamp() const {
  int64_t m = -1;
  for (const auto& [base, s] : segments_) m = std::max(m, s->max_timestamp());
  return m;
}

std::shared_ptr<segment> partition_log::segment_for(int64_t offset) const {
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return nullptr;
  return std::prev(it)->second;
}

void partition_log::on_leo_advanced() {
  if (hw_follows_leo_) high_watermark_ = log_end_offset_;
  if (first_unflushed_append_ms_ < 0 && flushed_offset_ < log_end_offset_) first_unflushed_append_ms_ = clock_.now_ms();
}

// ---------------------------------------------------------------------------------------
// Append

io::task<result<append_result>> partition_log::append(std::span<std::byte> batches, int32_t leader_epoch,
                                                      std::optional<int64_t> log_append_time_ms) {
  if (closed_) co_return unexpected{errc::closed};
  if (failed_) co_return unexpected{errc::log_failed};
  pending_append p;
  p.bytes = batches;
  p.leader_epoch = leader_epoch;
  p.append_time_ms = log_append_time_ms;
  // The broker validated the batches; check the framing we rely on to patch and index.
  codec::record_batch_reader reader(batches);
  size_t count = 0;
  while (true) {
    auto b = reader.next();
    if (!b) co_return unexpected{errc::invalid_batch};
    if (!*b) break;
    if ((*b)->last_offset_delta() < 0) co_return unexpected{errc::invalid_batch};
    p.offset_count += int64_t{(*b)->last_offset_delta()} + 1;
    p.records += (*b)->record_count();
    p.max_timestamp = std::max(p.max_timestamp, log_append_time_ms ? *log_append_time_ms : (*b)->max_timestamp());
    ++count;
  }
  if (count == 0 || reader.truncated_tail() || reader.position() != batches.size()) {
    co_return unexpected{errc::invalid_batch};
  }
  if (batches.size() > static_cast<size_t>(cfg_.segment_bytes)) co_return unexpected{errc::batch_too_large};

  queue_.push_back(&p);
  // Whoever finds no writer running becomes it and writes everything queued, in order.
  while (!p.done) {
    if (!appending_) {
      appending_ = true;
      auto d = co_await drain_appends();
      (void)d;
      appending_ = false;
      appended_.notify_all();
    } else {
      (void)co_await appended_.wait();
    }
  }
  RT_ASSERT(p.out.has_value(), "append finished without a result");
  result<append_result> out = std::move(*p.out);
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

io::task<result<void>> partition_log::drain_appends() {
  constexpr size_t group_appends_max = 64;  // bounds the iovecs of one write
  while (!queue_.empty()) {
    const size_t n = std::min(queue_.size(), group_appends_max);
    std::vector<pending_append*> group(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    const std::vector<pending_append*> members = group;
    co_await write_group(std::move(group));
    for (pending_append* m : members) m->done = true;
    appended_.notify_all();
  }
  co_return result<void>{};
}

bool partition_log::should_roll(const segment& s, uint64_t incoming_bytes, int64_t incoming_last_offset,
                                int64_t incoming_max_timestamp, int64_t now) const {
  // Kafka's LogSegment.shouldRoll. Age is the incoming batch's timestamp minus the
  // segment's first batch timestamp (timeWaitedForRoll), or wall time since creation
  // when the segment has no timestamp.
  if (s.size_bytes() > 0 && s.size_bytes() + incoming_bytes > static_cast<uint64_t>(cfg_.segment_bytes)) return true;
  if (s.size_bytes() > 0) {
    const int64_t waited = s.first_batch_timestamp() >= 0 ? incoming_max_timestamp - s.first_batch_timestamp()
                                                          : now - s.created_ms();
    if (waited > cfg_.roll_ms) return true;
  }
  if (s.size_bytes() > 0 && s.index_full()) return true;
  return incoming_last_offset - s.base_offset() > INT32_MAX;  // relative offsets are int32
}

io::task<void> partition_log::write_group(std::vector<pending_append*> group) {
  std::vector<pending_append*> run;
  std::vector<buffer_ref> owners;
  std::vector<std::span<const std::byte>> parts;
  uint64_t run_bytes = 0;
  for (pending_append* p : group) {
    if (closed_) {
      p->out = unexpected{errc::closed};
      continue;
    }
    if (failed_) {
      p->out = unexpected{errc::log_failed};
      continue;
    }
    const int64_t now = clock_.now_ms();
    // Roll decisions see the bytes of this run as already in the segment.
    const uint64_t in_segment = run_bytes;
    const bool roll_due = [&] {
      if (active_->size_bytes() + in_segment > 0 &&
          active_->size_bytes() + in_segment + p->bytes.size() > static_cast<uint64_t>(cfg_.segment_bytes))
        return true;
      return should_roll(*active_, p->bytes.size(), next_offset_ + p->offset_count - 1, p->max_timestamp, now);
    }();
    if (roll_due) {
      if (!run.empty()) {
        (void)co_await write_run(run, owners, parts, run_bytes);
        run.clear();
        owners.clear();
        parts.clear();
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
    // (base offset and leader epoch are outside the CRC).
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
    if (cache_.enabled()) {
      // One copy into a buffer the cache and the write share, at the file's alignment.
      const size_t skew = (active_->size_bytes() + run_bytes) % page_bytes;
      buffer_ref buf = buffer::make(skew + p->bytes.size());
      std::memcpy(buf->data() + skew, p->bytes.data(), p->bytes.size());
      parts.emplace_back(buf->data() + skew, p->bytes.size());
      owners.push_back(std::move(buf));
    } else {
      parts.emplace_back(p->bytes.data(), p->bytes.size());
      owners.emplace_back();
    }
    run.push_back(p);
    run_bytes += p->bytes.size();
  }
  if (!run.empty()) (void)co_await write_run(run, owners, parts, run_bytes);
}

io::task<result<void>> partition_log::write_run(std::vector<pending_append*>& run, std::vector<buffer_ref>& owners,
                                                std::vector<std::span<const std::byte>>& parts, uint64_t run_bytes) {
  auto w = co_await active_->write(parts, run_bytes);
  if (!w) {
    if (w.error() == errc::log_failed) failed_ = true;
    for (pending_append* p : run) p->out = unexpected{w.error()};
    next_offset_ = log_end_offset_;
    co_return unexpected{w.error()};
  }
  const int64_t now = clock_.now_ms();
  uint64_t position = active_->size_bytes();
  for (size_t i = 0; i < run.size(); ++i) {
    const std::span<const std::byte> bytes = parts[i];
    size_t at = 0;
    while (at < bytes.size()) {
      const size_t size = static_cast<size_t>(load_be<int32_t>(bytes.data() + at + codec::batch_layout::batch_length)) +
                          codec::log_overhead_bytes;
      auto v = codec::record_batch_view::parse(bytes.subspan(at, size));
      RT_ASSERT(v.has_value(), "written batch parses");
      active_->on_batch_appended(*v, position, now);
      position += size;
      at += size;
    }
    const auto& ar = **run[i]->out;
    RT_ASSERT(ar.base_offset == log_end_offset_, "appends advance the log end offset in order");
    log_end_offset_ = ar.last_offset + 1;
    messages_appended_ += run[i]->records;
    if (owners[i]) cache_.add(ar.base_offset, ar.last_offset + 1, owners[i], bytes);
  }
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

// ---------------------------------------------------------------------------------------
// Flush

io::task<result<void>> partition_log::wait_flushed(int64_t offset_exclusive) {
  while (flushed_offset_ < std::min(offset_exclusive, log_end_offset_)) {
    if (failed_) co_return unexpected{errc::log_failed};
    if (flushing_) {
      (void)co_await flushed_.wait();
      continue;
    }
    flushing_ = true;
    const int64_t upto = log_end_offset_;
    const int64_t messages = messages_appended_;
    std::shared_ptr<segment> seg = active_;
    auto r = co_await seg->sync_log();
    flushing_ = false;
    if (!r) {
      failed_ = true;
      RT_LOG_ERROR("log %s: fdatasync failed; the log refuses writes until it is reopened", dir_.c_str());
      flushed_.notify_all();
      co_return unexpected{errc::log_failed};
    }
    flushed_offset_ = std::max(flushed_offset_, upto);
    messages_at_last_flush_ = std::max(messages_at_last_flush_, messages);
    first_unflushed_append_ms_ = flushed_offset_ < log_end_offset_ ? clock_.now_ms() : -1;
    flushed_.notify_all();
  }
  if (failed_) co_return unexpected{errc::log_failed};
  co_return result<void>{};
}

io::task<result<void>> partition_log::flush_if_due() {
  if (closed_ || first_unflushed_append_ms_ < 0 || cfg_.flush_ms == never_ms) co_return result<void>{};
  if (clock_.now_ms() - first_unflushed_append_ms_ < cfg_.flush_ms) co_return result<void>{};
  co_return co_await wait_flushed(log_end_offset_);
}

io::task<void> partition_log::flush_timer_loop() {
  const int64_t period_ms = std::clamp<int64_t>(cfg_.flush_ms, 1, 1000);
  while (true) {
    auto s = co_await io::sleep_for(std::chrono::milliseconds(period_ms), &timer_cancel_);
    if (!s) break;
    auto f = co_await flush_if_due();
    (void)f;  // an error marks the log failed; appends and reads report it
  }
  timer_running_ = false;
  timer_done_.notify_all();
}

// ---------------------------------------------------------------------------------------
// Read

io::task<result<read_result>> partition_log::read(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                                  bool min_one_message) {
  if (closed_) co_return unexpected{errc::closed};
  read_result out;
  out.high_watermark = high_watermark_;
  out.log_start_offset = log_start_offset_;
  out.log_end_offset = log_end_offset_;
  if (offset < log_start_offset_ || offset > log_end_offset_) co_return unexpected{errc::offset_out_of_range};
  const int64_t limit = std::min(max_offset_exclusive, log_end_offset_);
  if (offset >= limit) co_return out;
  if (cache_.read(offset, max_bytes, limit, min_one_message, out.chunks, out.size_bytes, out.next_offset)) {
    out.from_cache = true;
    co_return out;
  }
  std::shared_ptr<segment> seg = segment_for(offset);
  if (!seg) seg = segments_.begin()->second;
  while (seg) {
    auto found = co_await seg->find(offset);
    if (!found) co_return unexpected{found.error()};
    if (!*found) {
      // Every batch of this segment ends before `offset`: the next segment has it.
      auto it = segments_.upper_bound(seg->base_offset());
      seg = it == segments_.end() ? nullptr : it->second;
      continue;
    }
    const batch_position first = **found;
    if (first.last_offset >= limit) co_return out;
    uint64_t end = seg->size_bytes();
    if (limit < seg->next_offset()) {
      auto lp = co_await seg->find(limit);
      if (!lp) co_return unexpected{lp.error()};
      if (*lp) end = (*lp)->position;
    }
    const uint64_t avail = end - first.position;
    size_t want = static_cast<size_t>(std::min<uint64_t>(avail, max_bytes));
    if (first.size_bytes > want) {
      if (!min_one_message) co_return out;
      want = first.size_bytes;  // KIP-74: one whole batch even beyond max_bytes
    }
    auto c = co_await seg->read(first.position, want);
    if (!c) co_return unexpected{c.error()};
    // Keep whole batches only.
    const std::span<const std::byte> bytes = c->bytes;
    size_t keep = 0;
    while (keep + codec::record_batch_header_bytes <= bytes.size()) {
      const size_t size = static_cast<size_t>(load_be<int32_t>(bytes.data() + keep + codec::batch_layout::batch_length)) +
                          codec::log_overhead_bytes;
      if (keep + size > bytes.size()) break;
      out.next_offset = load_be<int64_t>(bytes.data() + keep) +
                        load_be<int32_t>(bytes.data() + keep + codec::batch_layout::last_offset_delta) + 1;
      keep += size;
    }
    RT_ASSERT(keep > 0, "a read returns at least the first batch it looked up");
    out.size_bytes = keep;
    out.chunks.push_back(chunk{std::move(c->owner), bytes.first(keep)});
    co_return out;
  }
  co_return out;
}

// ---------------------------------------------------------------------------------------
// Timestamps

io::task<result<std::optional<timestamp_offset>>> partition_log::find_record(std::shared_ptr<segment> seg,
                                                                              int64_t start_offset, int64_t ts,
                                                                              bool exact_max) {
  auto pos = co_await seg->find(start_offset);
  if (!pos) co_return unexpected{pos.error()};
  if (!*pos) co_return std::optional<timestamp_offset>{};
  batch_scanner scan(seg->log_file(), (*pos)->position, seg->size_bytes(), false, seg->base_offset(), 64 * 1024);
  codec::byte_buffer scratch;
  while (true) {
    auto b = co_await scan.next();
    if (!b) co_return unexpected{to_log_errc(b.error())};
    if (!*b) break;
    const auto& batch = (*b)->batch;
    if (batch.last_offset() < log_start_offset_) continue;
    if (exact_max ? batch.max_timestamp() != ts : batch.max_timestamp() < ts) continue;
    // The record itself (ListOffsets answers with a record's offset, not a batch's).
    auto records = batch.records(scratch, size_t{1} << 30);
    if (!records) {
      co_return timestamp_offset{batch.max_timestamp(), std::max(batch.base_offset(), log_start_offset_)};
    }
    while (true) {
      auto r = records->next();
      if (!r || !*r) break;
      const int64_t o = batch.offset_of(**r);
      const int64_t t = batch.timestamp_of(**r);
      if (o >= log_start_offset_ && (exact_max ? t == ts : t >= ts)) co_return timestamp_offset{t, o};
    }
  }
  co_return std::optional<timestamp_offset>{};
}

io::task<result<std::optional<timestamp_offset>>> partition_log::offset_for_timestamp(int64_t ts) {
  if (closed_) co_return unexpected{errc::closed};
  std::vector<std::shared_ptr<segment>> segs;
  for (const auto& [base, s] : segments_) segs.push_back(s);
  for (const auto& s : segs) {
    if (s->max_timestamp() < ts || s->next_offset() <= log_start_offset_) continue;
    int64_t start = s->base_offset();
    if (auto e = s->timeindex().lookup(ts)) start = e->offset;
    start = std::max(start, log_start_offset_);
    auto r = co_await find_record(s, start, ts, false);
    if (!r) co_return r;
    if (*r) co_return r;
  }
  co_return std::optional<timestamp_offset>{};
}

io::task<result<std::optional<timestamp_offset>>> partition_log::max_timestamp_offset() {
  if (closed_) co_return unexpected{errc::closed};
  std::shared_ptr<segment> best;
  for (const auto& [base, s] : segments_) {
    if (s->next_offset() > log_start_offset_ && s->max_timestamp() >= 0 &&
        (!best || s->max_timestamp() > best->max_timestamp()))
      best = s;
  }
  if (!best) co_return std::optional<timestamp_offset>{};
  const int64_t start = std::max(best->offset_of_max_timestamp(), log_start_offset_);
  co_return co_await find_record(best, start, best->max_timestamp(), true);
}

// ---------------------------------------------------------------------------------------
// Truncation, DeleteRecords, retention

io::task<void> partition_log::wait_appends_idle() {
  while (appending_) (void)co_await appended_.wait();
  while (flushing_) (void)co_await flushed_.wait();
}

io::task<result<void>> partition_log::truncate_to(int64_t offset) {
  if (closed_) co_return unexpected{errc::closed};
  if (failed_) co_return unexpected{errc::log_failed};
  if (offset < log_start_offset_) co_return unexpected{errc::offset_out_of_range};
  co_await wait_appends_idle();
  if (offset >= log_end_offset_) co_return result<void>{};
  appending_ = true;  // holds appends off
  result<void> out;
  // Segments starting at or after the cut go entirely (the first one is emptied instead).
  while (segments_.size() > 1 && std::prev(segments_.end())->first >= offset) {
    std::shared_ptr<segment> s = std::prev(segments_.end())->second;
    segments_.erase(std::prev(segments_.end()));
    auto d = co_await s->delete_files();
    if (!d) out = unexpected{d.error()};
  }
  active_ = std::prev(segments_.end())->second;
  auto t = co_await active_->truncate_to(offset);
  if (!t) {
    failed_ = true;
    out = unexpected{t.error()};
  } else {
    log_end_offset_ = next_offset_ = *t;
    // Cutting the batch that holds the log start offset leaves the log empty from there.
    log_start_offset_ = std::min(log_start_offset_, log_end_offset_);
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    flushed_offset_ = std::min(flushed_offset_, log_end_offset_);
    cache_.truncate_from(log_end_offset_);
    recovery_point_ = std::min(recovery_point_, active_->base_offset());
    auto c = co_await write_checkpoint();
    if (!c && out) out = c;
  }
  appending_ = false;
  appended_.notify_all();
  co_return out;
}

io::task<result<void>> partition_log::delete_oldest_segments(size_t n) {
  result<void> out;
  for (size_t i = 0; i < n && segments_.size() > 1; ++i) {
    std::shared_ptr<segment> s = segments_.begin()->second;
    RT_ASSERT(s != active_, "retention never deletes the active segment");
    segments_.erase(segments_.begin());
    log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
    auto d = co_await s->delete_files();
    if (!d && out) out = unexpected{d.error()};
  }
  auto c = co_await write_checkpoint();
  if (!c && out) out = c;
  co_return out;
}

io::task<result<int64_t>> partition_log::delete_records_before(int64_t offset) {
  if (closed_) co_return unexpected{errc::closed};
  if (offset == -1) offset = high_watermark_;  // DeleteRecords: -1 means "up to the high watermark"
  if (offset < 0 || offset > high_watermark_) co_return unexpected{errc::offset_out_of_range};
  // Reads below the log start offset are refused up front, so cached batches below it
  // are harmless; they age out of the cache like any other.
  log_start_offset_ = std::max(log_start_offset_, offset);
  std::vector<retention_segment> segs;
  for (const auto& [base, s] : segments_) {
    segs.push_back({s->base_offset(), s->next_offset(), s->size_bytes(), s->largest_time_ms()});
  }
  const auto d = select_retention(segs, 0, -1, -1, log_start_offset_, high_watermark_);
  auto r = co_await delete_oldest_segments(d.segments);
  if (!r) co_return unexpected{r.error()};
  co_return log_start_offset_;
}

io::task<result<size_t>> partition_log::apply_retention() {
  if (closed_) co_return unexpected{errc::closed};
  std::vector<retention_segment> segs;
  for (const auto& [base, s] : segments_) {
    segs.push_back({s->base_offset(), s->next_offset(), s->size_bytes(), s->largest_time_ms()});
  }
  const bool by_policy = cfg_.cleanup_policy_delete;
  const auto d = select_retention(segs, clock_.now_ms(), by_policy ? cfg_.retention_ms : -1,
                                  by_policy ? cfg_.retention_bytes : -1, log_start_offset_, high_watermark_);
  if (d.segments == 0) co_return size_t{0};
  RT_LOG_INFO("log %s: retention deletes %zu segment(s) (%s)", dir_.c_str(), d.segments,
              d.reason == retention_reason::time   ? "retention.ms"
              : d.reason == retention_reason::size ? "retention.bytes"
                                                   : "log start offset");
  auto r = co_await delete_oldest_segments(d.segments);
  if (!r) co_return unexpected{r.error()};
  co_return d.segments;
}

// ---------------------------------------------------------------------------------------
// Iteration

io::task<result<void>> partition_log::for_each_batch(int64_t from_offset,
                                                     std::function<bool(const codec::record_batch_view&)> fn) {
  if (closed_) co_return unexpected{errc::closed};
  std::vector<std::shared_ptr<segment>> segs;
  for (const auto& [base, s] : segments_) {
    if (s->next_offset() > from_offset) segs.push_back(s);
  }
  for (const auto& s : segs) {
    auto pos = co_await s->find(std::max(from_offset, s->base_offset()));
    if (!pos) co_return unexpected{pos.error()};
    if (!*pos) continue;
    batch_scanner scan(s->log_file(), (*pos)->position, s->size_bytes(), false, s->base_offset());
    while (true) {
      auto b = co_await scan.next();
      if (!b) co_return unexpected{to_log_errc(b.error())};
      if (!*b) break;
      if ((*b)->batch.last_offset() < from_offset) continue;
      if (!fn((*b)->batch)) co_return result<void>{};
    }
  }
  co_return result<void>{};
}

}  // namespace ringtail::core::log
