// The recent-append cache: the bytes of the batches appended last, kept in memory so
// tail readers (consumers that keep up, followers later) get them without a disk read
// or a copy — a read returns chunks that share the cache's buffers.
//
// recent_append_cache is one per shard and owns the byte budget (log.recent.cache.bytes);
// each partition_log has a partition_cache holding its entries in offset order. Entries
// are also on one shard-wide list in insertion order: when the budget is exceeded the
// oldest entry of the shard goes, which is always the first entry of its partition (a
// partition's entries are inserted in offset order too). A chunk handed to a reader
// keeps its buffer alive after eviction (buffer_ref). Shard-local, no locks.
//
// An entry is added only after its bytes are written to the segment, so every cached
// offset is below the log end offset; truncation drops entries from the back.
//
// Staging: the bytes of an append are copied once, before they are written, into a
// buffer the write and the cache then share (the request's own buffer is released when
// the append returns). Those buffers are carved out of large shard-wide chunks
// (stage_chunk_bytes, recycled through the buffer pool), so an append allocates
// nothing, memory stays warm (MACHINE.md: cold VM memory) and what the cache holds is
// close to its budget. Bytes bound for file position p land at an address that is p
// modulo 4096, so the kernel's copy into the page cache is page-aligned; consecutive
// writes of one partition are contiguous in a chunk.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "ringtail/core/log/buffer.h"

namespace ringtail::core::log {

class partition_cache;

class recent_append_cache {
 public:
  explicit recent_append_cache(uint64_t budget_bytes) : budget_bytes_(budget_bytes) {}
  recent_append_cache(const recent_append_cache&) = delete;
  recent_append_cache& operator=(const recent_append_cache&) = delete;
  ~recent_append_cache() { RT_ASSERT(head_ == nullptr, "recent_append_cache outlived by a partition_cache"); }

  uint64_t budget_bytes() const { return budget_bytes_; }
  uint64_t size_bytes() const { return size_bytes_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

  // Room for `bytes` bytes bound for file position `file_position` (see Staging above);
  // `owner` keeps them alive. Runs larger than stage_bytes_max get a buffer of their own.
  static constexpr size_t stage_chunk_bytes = size_t{1} << 20;
  static constexpr size_t stage_bytes_max = stage_chunk_bytes / 4;
  std::span<std::byte> stage(size_t bytes, uint64_t file_position, buffer_ref& owner);

  struct entry {
    int64_t base_offset;
    int64_t next_offset;
    buffer_ref owner;
    std::span<const std::byte> bytes;  // whole batches
    partition_cache* partition = nullptr;
    entry* older = nullptr;  // shard-wide insertion order
    entry* newer = nullptr;
  };

 private:
  friend class partition_cache;
  void link(entry* e);
  void unlink(entry* e);
  void evict_to_fit(uint64_t incoming);

  uint64_t budget_bytes_;
  uint64_t size_bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  entry* head_ = nullptr;  // oldest
  entry* tail_ = nullptr;  // newest
  buffer_ref stage_chunk_;     // the chunk being filled
  size_t stage_chunk_used_ = 0;
};

class partition_cache {
 public:
  explicit partition_cache(recent_append_cache* shard) : shard_(shard) {}
  ~partition_cache() { clear(); }
  partition_cache(const partition_cache&) = delete;
  partition_cache& operator=(const partition_cache&) = delete;

  bool enabled() const { return shard_ != nullptr && shard_->budget_bytes() > 0; }
  // recent_append_cache::stage (only when enabled()).
  std::span<std::byte> stage(size_t bytes, uint64_t file_position, buffer_ref& owner) {
    return shard_->stage(bytes, file_position, owner);
  }
  // Caches `bytes` (whole batches with offsets [base_offset, next_offset)) owned by `owner`.
  void add(int64_t base_offset, int64_t next_offset, buffer_ref owner, std::span<const std::byte> bytes);
  // Appends to `out` the whole batches from the one holding `offset`, while their
  // last offset is below `limit` and their total fits `max_bytes` (the first one always
  // fits if `min_one`). Returns false, touching nothing, if `offset` is not cached.
  bool read(int64_t offset, size_t max_bytes, int64_t limit, bool min_one, std::vector<chunk>& out,
            size_t& out_bytes, int64_t& next_offset);
  // Drops every entry holding offsets >= `offset`.
  void truncate_from(int64_t offset);
  void clear();
  size_t entries() const { return entries_.size(); }

 private:
  friend class recent_append_cache;
  void drop_oldest();

  recent_append_cache* shard_;
  std::deque<std::unique_ptr<recent_append_cache::entry>> entries_;
};

}  // namespace ringtail::core::log
