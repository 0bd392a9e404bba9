// partition_log: the log of one partition, `<log.dirs>/<topic>-<partition>/`: its
// segments (segment.h), the recent-append cache of its tail, its flush policy and its
// retention. Owned by the partition's owner shard; every method runs on that shard and
// nothing here is thread-safe (nothing needs to be).
//
// Files in the directory:
//   <20-digit base offset>.log / .index / .timeindex   segments (see segment.h)
//   partition.checkpoint   "1 <recovery_point> <log_start_offset>\n", written atomically
//                          (tmp + fsync + rename): offsets below the recovery point are
//                          durable and not re-validated at open; the log start offset
//                          survives DeleteRecords (Kafka keeps both in per-dir files)
//   .clean_shutdown        written by close() after everything was flushed; open()
//                          skips recovery when it is present and deletes it
//   *.deleted, *.tmp       leftovers of an interrupted deletion/checkpoint; removed at open
//
// Lifecycle: open() (creates or recovers) → append/read/flush/retention … → close()
// (flush, clean marker) or remove() (DeleteTopics). The object must outlive every task
// started on it; close() waits for the appends and the flush timer in flight.
//
// Offsets: log_start_offset <= high_watermark <= log_end_offset. With one replica the
// high watermark follows the log end offset after each append; replication will call
// set_high_watermark() instead (see follow_log_end_offset).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/buffer.h"
#include "ringtail/core/log/clock.h"
#include "ringtail/core/log/errc.h"
#include "ringtail/core/log/log_config.h"
#include "ringtail/core/log/recent_append_cache.h"
#include "ringtail/core/log/segment.h"
#include "ringtail/core/log/storage.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::core::log {

inline constexpr const char* checkpoint_file_name = "partition.checkpoint";
inline constexpr const char* clean_shutdown_file_name = ".clean_shutdown";

struct append_result {
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  int64_t log_append_time_ms = -1;  // -1 unless the topic uses LogAppendTime
  int64_t max_timestamp = -1;
  int64_t log_start_offset = 0;
};

struct read_result {
  std::vector<chunk> chunks;  // whole batches, in offset order; send them as they are
  size_t size_bytes = 0;
  int64_t next_offset = -1;   // offset after the last batch returned (-1: none)
  int64_t high_watermark = 0;
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  bool from_cache = false;
};

struct timestamp_offset {
  int64_t timestamp = -1;
  int64_t offset = -1;
};

// What the append path did since open (observability, benchmarks): how well concurrent
// appends were grouped into writes.
struct append_stats {
  uint64_t appends = 0;  // appends written (successfully or not)
  uint64_t writes = 0;   // vectored writes of the .log file they took
  uint64_t bytes = 0;    // bytes those writes carried
};

struct open_stats {
  bool clean = false;
  size_t segments = 0;
  size_t segments_recovered = 0;  // re-validated batch by batch
  uint64_t bytes_truncated = 0;   // torn or corrupt tail cut off
  size_t segments_dropped = 0;    // overlapping, or after a torn active segment
  size_t damaged_ranges = 0;      // damaged bytes kept (segment::recover, keep_damage)
};

// Decides, when the writer gives an append its offsets, whether it goes into the log.
// The broker's idempotent-producer check lives behind it: called in offset order, by the
// writer, before anything is awaited, it sees exactly the appends before this one in
// the log (written, or in this same write) and none queued behind it, however many
// requests are in flight. Owned by the appender; lives until its append completes.
class append_admission {
 public:
  enum class verdict : uint8_t {
    append,  // written with these offsets
    skip,    // not written: the append completes with errc::not_admitted
  };
  // `base_offset`/`last_offset`: the offsets the append takes if admitted;
  // `max_timestamp`: its batches' (or the LogAppendTime).
  virtual verdict admit(int64_t base_offset, int64_t last_offset, int64_t max_timestamp) = 0;
  // The write holding an admitted append failed: undo admit(). Called for the failed
  // appends newest first, before any later append is admitted.
  virtual void revoke() noexcept = 0;

 protected:
  ~append_admission() = default;
};

// One append on its way through the log: queued by partition_log::enqueue(), waited for
// with partition_log::wait(). Lives in the appender's frame; only the log touches it.
class append_op {
 public:
  append_op() = default;
  append_op(const append_op&) = delete;
  append_op& operator=(const append_op&) = delete;

 private:
  friend class partition_log;
  std::span<std::byte> bytes;
  int32_t leader_epoch = codec::no_partition_leader_epoch;
  std::optional<int64_t> append_time_ms;
  append_admission* admission = nullptr;
  bool admitted = false;
  int64_t offset_count = 0;  // offsets the batches take (sum of last_offset_delta + 1)
  int64_t records = 0;
  int64_t max_timestamp = codec::no_timestamp;
  std::optional<result<append_result>> out;
  // Set once the write holding this append completed (or failed): `out` is set
  // provisionally before that, so the waiter looks at this flag, not at `out`.
  bool done = false;
  io::event written;  // notified when `done` is set
};

class partition_log {
 public:
  // Opens (creating it if missing) the log in `dir`, recovering it if it was not closed
  // cleanly. `storage`, `clock` and `cache` are the shard's and must outlive the log.
  static io::task<result<std::unique_ptr<partition_log>>> open(std::string dir, log_config cfg, storage& fs,
                                                               clock& clk, recent_append_cache* cache);
  ~partition_log();
  partition_log(const partition_log&) = delete;
  partition_log& operator=(const partition_log&) = delete;

  // Appends one or more whole v2 batches (already validated by the broker, e.g. CRC):
  // patches base offsets and the leader epoch in place (and the timestamp when
  // `log_append_time_ms` is set, which recomputes the CRC), writes them, maintains
  // indexes, and — if flush.messages is due — returns only after the fdatasync covering
  // them. Returns once the bytes are in the page cache (a killed process loses nothing
  // acknowledged). Concurrent appends are written in arrival order and grouped: while
  // one write is in flight, later appends queue and go out together in the next
  // (vectored) write; each append completes when the write holding it does, and a
  // failed write fails exactly the appends it held (see append.cc).
  io::task<result<append_result>> append(std::span<std::byte> batches, int32_t leader_epoch,
                                         std::optional<int64_t> log_append_time_ms);
  // append() in two steps, for callers that must fix the order of their appends before
  // they wait (a connection's pipelined produce requests): enqueue() checks the framing
  // and queues without suspending — appends take offsets in the order of enqueue()
  // calls — and wait() returns what append() would. After a failed enqueue() the op is
  // not queued (do not wait()). `admission`, if given, is asked when the append gets its
  // offsets (see append_admission).
  result<void> enqueue(append_op& op, std::span<std::byte> batches, int32_t leader_epoch,
                       std::optional<int64_t> log_append_time_ms, append_admission* admission = nullptr);
  io::task<result<append_result>> wait(append_op& op);

  // Whole batches from the one holding `offset`, with last offsets below
  // min(max_offset_exclusive, log end offset), at most `max_bytes` of them except that
  // with `min_one_message` the first batch comes even if larger (KIP-74). Reads do not
  // cross a segment boundary (the consumer comes back for more). offset_out_of_range if
  // `offset` is outside [log_start_offset, log_end_offset]; at the end: no chunks.
  io::task<result<read_result>> read(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                     bool min_one_message);

  // ListOffsets: the first record with timestamp >= ts (std::nullopt: none).
  io::task<result<std::optional<timestamp_offset>>> offset_for_timestamp(int64_t ts);
  // ListOffsets -3 (KIP-734): the record with the largest timestamp.
  io::task<result<std::optional<timestamp_offset>>> max_timestamp_offset();
  int64_t earliest_offset() const { return log_start_offset_; }
  int64_t latest_offset() const { return log_end_offset_; }

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return log_end_offset_; }
  int64_t high_watermark() const { return high_watermark_; }
  // Replication: the leader sets the high watermark; clamps to [log start, log end].
  void set_high_watermark(int64_t hw);
  // True (default, single replica): the high watermark moves with the log end offset.
  void follow_log_end_offset(bool on) { hw_follows_leo_ = on; }
  // Every offset below this is durable (fdatasync'ed).
  int64_t flushed_offset() const { return flushed_offset_; }
  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  const open_stats& stats_at_open() const { return open_stats_; }
  const append_stats& append_counters() const { return append_stats_; }
  const log_config& config() const { return cfg_; }
  // AlterConfigs: later appends, rolls, flushes and retention checks use the new values.
  void update_config(const log_config& cfg) { cfg_ = cfg; }
  const std::string& dir() const { return dir_; }
  // Largest timestamp in the log (-1 if none).
  int64_t max_timestamp() const;

  // Makes every offset below `offset_exclusive` durable (one fdatasync per segment
  // covering every append before it; concurrent callers share it).
  io::task<result<void>> wait_flushed(int64_t offset_exclusive);
  io::task<result<void>> flush() { return wait_flushed(log_end_offset_); }
  // flush.ms: flushes if the oldest unflushed append is older than flush.ms. The log's
  // own timer calls it (when flush.ms is finite); tests call it with a fake clock.
  io::task<result<void>> flush_if_due();

  // Replication: drops every batch with offsets >= `offset`; the log end offset becomes
  // `offset` (a batch boundary). Durable when it returns.
  io::task<result<void>> truncate_to(int64_t offset);
  // DeleteRecords: moves the log start offset to `offset` (<= high watermark) and
  // deletes segments wholly below it. Returns the new log start offset.
  io::task<result<int64_t>> delete_records_before(int64_t offset);
  // Deletes segments per retention.ms / retention.bytes (retention.h). Returns how many.
  io::task<result<size_t>> apply_retention();

  // Calls `fn` for every batch (header and records, as stored) with offsets >= from,
  // e.g. to rebuild producer state at start. Stops early if fn returns false.
  io::task<result<void>> for_each_batch(int64_t from_offset, std::function<bool(const codec::record_batch_view&)> fn);

  // Flushes everything, finalises the active segment's indexes, writes the clean
  // shutdown marker and closes the files. The log refuses everything afterwards.
  io::task<result<void>> close();
  // Closes without flushing and deletes the directory and everything in it.
  io::task<result<void>> remove();

 private:
  using pending_append = append_op;
  partition_log(std::string dir, log_config cfg, storage& fs, clock& clk, recent_append_cache* cache);

  io::task<result<void>> load();
  io::task<result<void>> write_checkpoint();
  io::task<void> write_loop();
  io::task<void> write_group();
  io::task<result<void>> write_run(uint64_t run_bytes);
  void finish_append(pending_append* p);
  void resume_appends();
  io::task<result<void>> roll();
  // `pending_bytes`: bytes of the current write already bound for `s` but not written.
  bool should_roll(const segment& s, uint64_t pending_bytes, uint64_t incoming_bytes, int64_t incoming_last_offset,
                   int64_t incoming_max_timestamp, int64_t now) const;
  io::task<void> wait_appends_idle();
  io::task<void> flush_timer_loop();
  std::shared_ptr<segment> segment_for(int64_t offset) const;
  io::task<result<std::optional<timestamp_offset>>> find_record(std::shared_ptr<segment> seg, int64_t start_offset,
                                                                int64_t ts, bool exact_max);
  io::task<result<void>> delete_oldest_segments(size_t n);
  void on_leo_advanced();

  std::string dir_;
  log_config cfg_;
  storage& fs_;
  clock& clock_;
  partition_cache cache_;
  std::map<int64_t, std::shared_ptr<segment>> segments_;  // by base offset
  std::shared_ptr<segment> active_;

  int64_t log_start_offset_ = 0;
  int64_t log_end_offset_ = 0;
  int64_t next_offset_ = 0;  // offsets handed to appends being written
  int64_t high_watermark_ = 0;
  bool hw_follows_leo_ = true;
  int64_t recovery_point_ = 0;
  int64_t checkpointed_recovery_point_ = -1;
  int64_t checkpointed_log_start_offset_ = -1;
  open_stats open_stats_;

  // Appends (append.cc): queued in arrival order and written by one writer task at a
  // time (write_loop), spawned by an append that found none; one write in flight.
  // truncate_to()/close() hold appends off (appends_held_) once the writer is idle;
  // `appended_` fires whenever the append path becomes idle.
  enum class writer_state : uint8_t {
    none,       // no writer task
    running,    // writing: the append path is busy
    lingering,  // idle, but the task waits one pass for appends before it ends
  };
  bool appends_busy() const { return writer_ == writer_state::running || appends_held_; }
  std::deque<pending_append*> queue_;
  std::vector<pending_append*> group_;              // the writer's: appends of this write
  std::vector<pending_append*> run_;                // … of this run (a roll splits a group)
  std::vector<std::span<const std::byte>> run_parts_;  // their bytes, patched in place
  writer_state writer_ = writer_state::none;
  bool appends_held_ = false;
  // Cleared by the destructor: a lingering writer may outlive the log (it then ends
  // without touching it). The log may be destroyed whenever no append is in flight.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  io::event appended_;
  append_stats append_stats_;

  // Flushes (group commit).
  int64_t flushed_offset_ = 0;
  bool flushing_ = false;
  io::event flushed_;
  int64_t messages_appended_ = 0;       // records appended since open
  int64_t messages_at_last_flush_ = 0;  // records covered by the last flush
  int64_t first_unflushed_append_ms_ = -1;

  bool failed_ = false;  // after an fsync error or an unrepairable write
  bool closed_ = false;
  io::cancel_token timer_cancel_;
  bool timer_running_ = false;
  io::event timer_done_;
};

}  // namespace ringtail::core::log
