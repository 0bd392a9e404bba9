// batch_scanner: walks the record batches of a .log file from a position, reading it in
// large page-aligned windows, and stops at the first byte that is not a valid batch.
// Used by recovery (with CRC checks), index rebuilds, reads (to find a batch boundary
// after an index lookup), for_each_batch and dump-log's shard-free cousin.
//
// A batch is valid when: at least the 61-byte header fits before `end`, batch_length >=
// 49 and the whole batch fits, magic is 2, last_offset_delta >= 0, base_offset is not
// below the previous batch's next offset (offsets increase; equal with
// require_dense_offsets()) and, with verify_crc, the
// CRC-32C matches. Lives on the stack of one task.
#pragma once

#include <cstdint>
#include <optional>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/buffer.h"
#include "ringtail/core/log/storage.h"

namespace ringtail::core::log {

struct scanned_batch {
  uint64_t position;
  codec::record_batch_view batch;  // valid until the next call to next()
};

class batch_scanner {
 public:
  static constexpr size_t default_window_bytes = 1 << 20;

  batch_scanner(storage_file& file, uint64_t start, uint64_t end, bool verify_crc, int64_t min_offset,
                size_t window_bytes = default_window_bytes)
      : file_(file), pos_(start), end_(end), verify_crc_(verify_crc), min_offset_(min_offset), window_(window_bytes) {}

  // Recovery: each batch must start exactly at the previous one's next offset (the first
  // at `min_offset`). The base offset lies outside the CRC, so a flipped bit there would
  // otherwise pass; appends never leave gaps (compaction, later, will relax this).
  void require_dense_offsets() { dense_ = true; }

  // The next valid batch; std::nullopt at `end` or at an invalid byte (see invalid()).
  io::task<io::result<std::optional<scanned_batch>>> next();
  // Position after the last valid batch returned.
  uint64_t position() const { return pos_; }
  // Next offset after the last valid batch returned (min_offset before any).
  int64_t next_offset() const { return min_offset_; }
  // The scan stopped at bytes that are not a valid batch (a torn or corrupt tail).
  bool invalid() const { return invalid_; }

 private:
  io::task<io::result<bool>> ensure(uint64_t from, size_t len);

  storage_file& file_;
  uint64_t pos_;
  uint64_t end_;
  bool verify_crc_;
  int64_t min_offset_;
  size_t window_;
  bool invalid_ = false;
  bool dense_ = false;
  buffer_ref buf_;
  uint64_t buf_file_pos_ = 0;  // file position of the buffer's first valid byte
  size_t buf_skip_ = 0;        // alignment padding at the start of the buffer
  size_t buf_len_ = 0;
};

}  // namespace ringtail::core::log
