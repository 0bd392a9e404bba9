// segment: one `<base_offset>.log` file of record batches exactly as stored, with its
// offset_index (.index) and time_index (.timeindex). Files are named by the base offset
// in 20 digits (Kafka's layout), e.g. 00000000000000001234.log.
//
// .log format: v2 record batches back to back (codec/record_batch.h, RECORD_FORMAT.md
// §2), offsets strictly increasing, nothing between or after them. The bytes a segment
// has acknowledged are [0, size_bytes()); while the segment is active the file holds
// zeros prepared for appends after them (io/tail_map.h), and after a crash it may hold
// a torn tail and those zeros, until recovery truncates them.
//
// Owned by its partition_log (through shared_ptr, so a read in flight keeps a segment
// that retention deletes alive until it finishes), on the partition's shard. Lifecycle:
// create() or open() → appends (only the active, last segment) → roll (the segment is
// finalised: last time index entry, indexes written and synced) → close() or
// delete_files().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/buffer.h"
#include "ringtail/core/log/errc.h"
#include "ringtail/core/log/log_config.h"
#include "ringtail/core/log/offset_index.h"
#include "ringtail/core/log/storage.h"
#include "ringtail/core/log/time_index.h"

namespace ringtail::core::log {

// "00000000000000001234" for 1234.
std::string segment_file_stem(int64_t base_offset);
// The base offset of a file named `<20 digits><suffix>`, or std::nullopt.
std::optional<int64_t> parse_segment_file_name(const std::string& name, const std::string& suffix);

errc to_log_errc(const io::error& e);

// Where a batch sits in a segment.
struct batch_position {
  uint64_t position;
  int64_t base_offset;
  int64_t last_offset;
  uint32_t size_bytes;
};

class segment {
 public:
  static io::task<result<std::shared_ptr<segment>>> create(storage& fs, std::string dir, int64_t base_offset,
                                                           log_config cfg, int64_t now_ms);
  // Opens the three files (creating missing index files); contents are loaded by
  // load_indexes() or recover().
  static io::task<result<std::shared_ptr<segment>>> open(storage& fs, std::string dir, int64_t base_offset,
                                                         log_config cfg, int64_t now_ms);

  // Recovery, clean path: load the index files, check them, then walk the log from the
  // last indexed batch to the end of the file (a few KiB) to find the end offset and
  // any entries the index file missed. False: something did not fit; use recover().
  io::task<result<bool>> load_indexes();
  // Recovery: re-validate every batch (length, magic, dense offsets, CRC-32C) and
  // rebuild both indexes. Zeros after the last batch (space prepared for appends) are
  // cut. Other invalid bytes:
  //  - truncate_invalid (the active segment after a crash): a torn tail; the file is cut
  //    at the first of them;
  //  - keep_damage (a closed segment, flushed when it rolled, or the active one after a
  //    clean shutdown): damage costs only the damaged bytes. The scan resumes at the next
  //    valid batch (magic, sane length, offsets above the last good one, CRC), an index
  //    entry points there, and the range stays in the file, returned (a fetch inside it
  //    answers CORRUPT_MESSAGE; consumers can seek past it).
  enum class on_invalid : uint8_t { truncate_invalid, keep_damage };
  struct damaged_range {
    uint64_t position = 0;     // first damaged byte
    uint64_t end = 0;          // first byte after it (the next valid batch, or the file end)
    int64_t first_offset = 0;  // offsets that were there, as far as the batches around
    int64_t last_offset = -1;  // it tell (-1: unknown, up to the next segment)
  };
  struct recovery_outcome {
    uint64_t bytes_truncated = 0;  // torn tail and prepared zeros cut off
    std::vector<damaged_range> damage;
  };
  io::task<result<recovery_outcome>> recover(on_invalid mode);

  int64_t base_offset() const { return base_offset_; }
  int64_t next_offset() const { return next_offset_; }
  uint64_t size_bytes() const { return size_bytes_; }
  bool empty() const { return size_bytes_ == 0; }
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  // Kafka's rollingBasedTimestamp: the first batch's max timestamp (-1: none).
  int64_t first_batch_timestamp() const { return first_batch_timestamp_; }
  int64_t created_ms() const { return created_ms_; }
  // What retention compares with retention.ms: the max timestamp, else the last append.
  int64_t largest_time_ms() const { return max_timestamp_ >= 0 ? max_timestamp_ : last_modified_ms_; }
  const offset_index& index() const { return index_; }
  const time_index& timeindex() const { return time_index_; }
  bool index_full() const { return index_.full() || time_index_.full(); }
  bool has_unsynced_data() const { return unsynced_; }
  storage_file& log_file() { return *log_; }
  std::string log_path() const;
  std::string index_path() const;
  std::string time_index_path() const;

  // Writes `parts` (whole batches, offsets already assigned) at `position` >=
  // size_bytes() (writes of later batches may be in flight at once: the partition log
  // accounts them in order). After a failure part of the bytes may be in the file:
  // cut_back() removes them.
  io::task<result<void>> write_at(uint64_t position, std::span<const std::span<const std::byte>> parts,
                                  uint64_t total_bytes);
  // Cuts the file back to size_bytes(), the bytes of the batches accounted so far (a
  // failed or short write leaves no partial batch, and nothing after it). log_failed if
  // that fails.
  io::task<result<void>> cut_back();
  // Bookkeeping for one batch whose bytes write_at() has put at `position`: end offset,
  // size, max timestamp, index entries.
  void on_batch_appended(const codec::record_batch_view& batch, uint64_t position, int64_t now_ms);

  // Writes index entries not yet in their files (not synced: indexes are rebuilt from
  // the log after a crash).
  io::task<result<void>> write_indexes();
  // fdatasync of the log (group commit: covers every write completed before it).
  io::task<result<void>> sync_log();
  // On roll and close: the .log cut back to its batches (storage_file::end_appends),
  // final time index entry, indexes written, everything synced.
  io::task<result<void>> finalize();
  io::task<result<void>> close();

  // The first batch with last_offset >= `offset` at or after the index entry for it;
  // std::nullopt if every batch in the segment ends before `offset`.
  io::task<result<std::optional<batch_position>>> find(int64_t offset);
  // Reads [position, position + len) into a new page-aligned buffer.
  io::task<result<chunk>> read(uint64_t position, size_t len);

  // Sequential reads. A read remembers where the batch after the last one it returned
  // starts; the next read from that offset (a consumer's next fetch) starts there, with
  // no index lookup and no scan — one file read per fetch. Positions of appended
  // batches never move; truncation and recovery forget them (reset_state). The last
  // read_positions_max are kept (a few consumers reading the partition at once).
  static constexpr size_t read_positions_max = 8;
  // The position of the batch whose base offset is `offset`, if a read learned it and
  // the segment holds bytes there.
  std::optional<uint64_t> known_batch_start(int64_t offset) const;
  // Changes whenever batch positions may have changed (truncation, recovery): a read
  // remembers a position only if it did not change while the read was in flight.
  uint64_t positions_epoch() const { return positions_epoch_; }
  void remember_batch_start(int64_t offset, uint64_t position, uint64_t epoch);
  // How many bytes to read from `start` (a batch boundary) for a budget of `budget`
  // bytes (at most size_bytes() - start). Reading up to the budget ends in the middle
  // of a batch, whose bytes are read in vain (and again by the next read); when the
  // offset index knows a batch boundary before that point and more than a little would
  // be wasted, the read ends at the boundary instead.
  size_t read_extent(uint64_t start, size_t budget) const;

  // Drops every batch with last_offset >= `offset` (the batch holding `offset` too) and
  // makes the cut durable. Returns the new next_offset.
  io::task<result<int64_t>> truncate_to(int64_t offset);
  // Renames the files to *.deleted (retention/DeleteRecords: asynchronous deletion as in
  // Kafka), then unlinks them.
  io::task<result<void>> delete_files();

 private:
  segment(storage& fs, std::string dir, int64_t base_offset, const log_config& cfg, int64_t now_ms);
  io::task<result<void>> open_files(bool create);
  io::task<result<std::vector<std::byte>>> read_whole(storage_file& f);
  io::task<result<void>> write_index_file(storage_file& f, index_bytes& b);
  void reset_state();
  // Accounts damaged bytes skipped by recover() and makes the next batch an index entry.
  void skip_damaged(uint64_t bytes);

  storage& fs_;
  std::string dir_;
  int64_t base_offset_;
  log_config cfg_;
  std::unique_ptr<storage_file> log_;
  std::unique_ptr<storage_file> index_file_;
  std::unique_ptr<storage_file> time_index_file_;
  offset_index index_;
  time_index time_index_;
  uint64_t size_bytes_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = codec::no_timestamp;
  int64_t offset_of_max_timestamp_ = -1;
  int64_t first_batch_timestamp_ = codec::no_timestamp;
  int64_t created_ms_;
  int64_t last_modified_ms_;
  uint64_t bytes_since_index_entry_ = 0;
  bool unsynced_ = false;
  struct known_position {
    int64_t offset = -1;  // base offset of the batch at `position`; -1: unused
    uint64_t position = 0;
  };
  std::array<known_position, read_positions_max> read_positions_{};
  size_t read_positions_next_ = 0;  // the slot to overwrite next (oldest)
  uint64_t reported_damage_position_ = UINT64_MAX;  // find(): damage already logged there
  uint64_t positions_epoch_ = 0;
};

}  // namespace ringtail::core::log
