// time_index: the sparse time index of one segment (Kafka's TimeIndex), in memory and
// mirrored to `<base_offset>.timeindex`.
//
// File format (Kafka's; big-endian), a sequence of 12-byte entries:
//
//   offset size field
//        0    8 timestamp         the largest timestamp in the segment up to this entry
//        8    4 relative_offset   offset - base_offset of the first batch holding it
//
// Timestamps strictly increase (an entry is added only when the segment's max timestamp
// grew) and offsets do not decrease. Entries are added next to offset index entries and
// once more when the segment rolls or the log closes, so the last entry is the segment's
// max timestamp. lookup(T) gives the last entry with timestamp <= T: every batch before
// its offset has a smaller max timestamp, so a search for "first timestamp >= T" starts
// there. Owned by its segment, on the partition's shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "ringtail/core/log/index_bytes.h"

namespace ringtail::core::log {

class time_index {
 public:
  static constexpr size_t entry_bytes = 12;
  struct entry {
    int64_t timestamp;
    int64_t offset;
  };

  explicit time_index(int64_t base_offset, int64_t max_entries) : base_offset_(base_offset), max_entries_(max_entries) {}

  // False (and empty) if the bytes are not a well-formed time index of a segment whose
  // offsets end before `next_offset`.
  bool load(std::span<const std::byte> file_bytes, int64_t next_offset);
  std::optional<entry> lookup(int64_t timestamp) const;
  // Adds (timestamp, offset) if timestamp is larger than the last entry's.
  void maybe_append(int64_t timestamp, int64_t offset);
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
