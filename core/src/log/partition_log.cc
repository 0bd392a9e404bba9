// partition_log: reads, flushes, truncation and retention. Appends are in append.cc,
// opening and recovery in recovery.cc.
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

partition_log::partition_log(std::string dir, log_config cfg, storage& fs, clock& clk, recent_append_cache* cache)
    : dir_(std::move(dir)), cfg_(cfg), fs_(fs), clock_(clk), cache_(cache) {}

partition_log::~partition_log() {
  RT_ASSERT(!appends_busy() && queue_.empty() && !flushing_ && !timer_running_,
            "partition_log destroyed with work in flight");
  *alive_ = false;
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

namespace {

// The whole batches at the start of `bytes`, read from a batch boundary in a segment:
// those whose last offset is below `limit`, the first one holding `offset` (with
// `base_at_offset`, starting exactly at it). Stops at a cut batch (the read ended in it)
// and at anything that does not look like a batch.
struct whole_batches {
  size_t bytes = 0;              // length of the batches kept
  int64_t next_offset = -1;      // after the last one kept
  bool first_reaches_limit = false;  // nothing to return: the first batch ends at or past `limit`
};

whole_batches take_whole_batches(std::span<const std::byte> bytes, int64_t offset, int64_t limit,
                                 bool base_at_offset) {
  whole_batches w;
  size_t at = 0;
  while (at + codec::record_batch_header_bytes <= bytes.size()) {
    const std::byte* p = bytes.data() + at;
    const int32_t length = load_be<int32_t>(p + codec::batch_layout::batch_length);
    if (length < codec::batch_length_min || load_be<int8_t>(p + codec::batch_layout::magic) != codec::record_batch_magic)
      break;
    const size_t size = static_cast<size_t>(length) + codec::log_overhead_bytes;
    if (at + size > bytes.size()) break;
    const int64_t base = load_be<int64_t>(p + codec::batch_layout::base_offset);
    const int64_t last = base + load_be<int32_t>(p + codec::batch_layout::last_offset_delta);
    if (at == 0 && (last < offset || (base_at_offset && base != offset))) break;
    if (last >= limit) {
      w.first_reaches_limit = at == 0;
      break;
    }
    at += size;
    w.bytes = at;
    w.next_offset = last + 1;
  }
  return w;
}

}  // namespace

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
    // A sequential reader: the batch holding `offset` starts where the last read ended.
    // One read of the file, no index lookup or scan.
    if (const std::optional<uint64_t> start = seg->known_batch_start(offset)) {
      const size_t budget = static_cast<size_t>(std::min<uint64_t>(seg->size_bytes() - *start, max_bytes));
      const size_t want = seg->read_extent(*start, budget);
      if (want >= codec::record_batch_header_bytes) {
        const uint64_t epoch = seg->positions_epoch();
        auto c = co_await seg->read(*start, want);
        if (!c) co_return unexpected{c.error()};
        const whole_batches w = take_whole_batches(c->bytes, offset, limit, /*base_at_offset=*/true);
        if (w.first_reaches_limit) co_return out;
        if (w.bytes > 0) {
          out.size_bytes = w.bytes;
          out.next_offset = w.next_offset;
          out.chunks.push_back(chunk{std::move(c->owner), c->bytes.first(w.bytes)});
          seg->remember_batch_start(w.next_offset, *start + w.bytes, epoch);
          co_return out;
        }
      }
      // The first batch is larger than the budget (KIP-74 decides, below) or was not
      // where it was expected: look it up.
    }
    const uint64_t epoch = seg->positions_epoch();
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
    const uint64_t avail = seg->size_bytes() - first.position;
    size_t want = static_cast<size_t>(std::min<uint64_t>(avail, max_bytes));
    if (first.size_bytes > want) {
      if (!min_one_message) co_return out;
      want = first.size_bytes;  // KIP-74: one whole batch even beyond max_bytes
    } else {
      want = std::max<size_t>(seg->read_extent(first.position, want), first.size_bytes);
    }
    auto c = co_await seg->read(first.position, want);
    if (!c) co_return unexpected{c.error()};
    // Whole batches below the limit only (batches past it may have been read).
    const whole_batches w = take_whole_batches(c->bytes, offset, limit, /*base_at_offset=*/false);
    RT_ASSERT(w.bytes > 0, "a read returns at least the first batch it looked up");
    out.size_bytes = w.bytes;
    out.next_offset = w.next_offset;
    out.chunks.push_back(chunk{std::move(c->owner), c->bytes.first(w.bytes)});
    seg->remember_batch_start(w.next_offset, first.position + w.bytes, epoch);
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
  // Both at once: a writer may start while a flush is awaited, and the other way round.
  while (appends_busy() || flushing_) {
    if (appends_busy()) (void)co_await appended_.wait();
    else (void)co_await flushed_.wait();
  }
}

io::task<result<void>> partition_log::truncate_to(int64_t offset) {
  if (closed_) co_return unexpected{errc::closed};
  if (failed_) co_return unexpected{errc::log_failed};
  if (offset < log_start_offset_) co_return unexpected{errc::offset_out_of_range};
  co_await wait_appends_idle();
  if (offset >= log_end_offset_) co_return result<void>{};
  appends_held_ = true;
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
  resume_appends();
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
