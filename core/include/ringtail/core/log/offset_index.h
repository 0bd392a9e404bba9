// offset_index: the sparse offset index of one segment (Kafka's OffsetIndex), kept in
// memory and mirrored to `<base_offset>.index`.
//
// File format (Kafka's; big-endian), a sequence of 8-byte entries, nothing else:
//
//   offset size field
//        0    4 relative_offset   offset - segment base_offset (int32)
//        4    4 position          byte position of a batch in the .log file (int32)
//
// An entry (r, p) says: the batch at file position p holds offset base+r (we record the
// batch's base offset). Entries strictly increase in both fields. One entry is added
// each time more than `index.interval.bytes` of log were appended since the last entry,
// so a lookup is a binary search plus a scan of about that many bytes. Unlike Kafka the
// file is not preallocated and mmapped: entries are appended to it in batches (at
// flush, roll and close); a short or inconsistent file is rebuilt by recovery from the
// log, which is the source of truth. Owned by its segment, on the partition's shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ringtail/core/log/index_bytes.h"

namespace ringtail::core::log {

class offset_index {
 public:
  static constexpr size_t entry_bytes = 8;
  struct entry {
    int64_t offset;
    uint32_t position;
  };

  explicit offset_index(int64_t base_offset, int64_t max_entries)
      : base_offset_(base_offset), max_entries_(max_entries) {}

  // Loads the file's bytes. False (and empty) if they are not a well-formed index of a
  // log of `log_size_bytes`: a partial entry, entries not strictly increasing, a
  // position past the end of the log.
  bool load(std::span<const std::byte> file_bytes, uint64_t log_size_bytes);

  // The last entry at or before `offset`; std::nullopt: scan from position 0.
  std::optional<entry> lookup(int64_t offset) const;
  // The last entry at or before file position `position` (a batch boundary there or
  // before it); std::nullopt if none.
  std::optional<entry> lookup_position(uint64_t position) const;
  void append(int64_t offset, uint32_t position);
  // Drops entries for offsets >= `offset`.
  void truncate_to(int64_t offset);
  void clear() { bytes_.truncate(0); }

  size_t entries() const { return bytes_.size() / entry_bytes; }
  bool full() const { return static_cast<int64_t>(entries()) >= max_entries_; }
  std::optional<entry> last() const;
  entry at(size_t i) const;
  index_bytes& bytes() { return bytes_; }
  const index_bytes& bytes() const { return bytes_; }

 private:
  int64_t base_offset_;
  int64_t max_entries_;
  index_bytes bytes_;
};

}  // namespace ringtail::core::log
