// tail_map: appends to a file through a shared mapping of its growing end, so that on
// the data path an append is a memcpy on the shard — no syscall, no io_uring round trip.
//
// Why: buffered writes on ext4 never complete inline in io_uring (MACHINE.md): each one
// goes to a kernel worker and back (~10 µs), which for a lone appender of 1 KiB batches
// is 4x the cost of a plain pwrite. A store into the page cache through a mapping costs
// a memcpy — provided the pages are resident, mapped writable and inside the file. The
// map keeps a window after the append position in that state, prepared by io_uring
// operations that run on the ring's kernel workers, off the shard:
//   1. a write of zeros extends the file over the window (page-cache pages and
//      delayed-allocation blocks are created there: ENOSPC or EFBIG surface as this
//      write's error, never as a SIGBUS later), linked to
//   2. madvise(MADV_POPULATE_WRITE) over the window, which faults its pages into this
//      process's page tables writable (the file system's page_mkwrite, which may wait
//      for its journal, runs on the worker).
// A small write past the prepared window waits for a preparation covering it (and the
// window grows, step_min doubling up to step_max); after each small write the window is
// topped up in the background once less than a step is left. A big write that fits the
// window is copied into it; one past the window is handed back to the caller for
// io_uring (direct_write_min below). Zeros are only ever written past every
// byte written so far, and never while a write can happen, so they cannot clobber data.
//
// Durability is write(2)'s: the bytes are in the page cache when write() returns (they
// survive kill -9 of the process), and an fdatasync of the file covers them (the kernel
// writes back pages dirtied through a mapping like any other dirty page).
//
// The file is longer than what was appended — up to two steps of zeros — until the
// owner truncates it back (storage_file::end_appends); after a crash the zeros stay and
// the partition log's recovery truncates them with everything else after the last
// valid batch.
//
// Rare faults on the shard remain: writeback may clean a prepared page before the
// append reaches it (the next store takes a minor fault: the page and its block exist),
// and memory pressure may evict one (a read of zeros back). No data-path syscall.
//
// Shard-local, like everything in io/. One writer at a time: write(), truncated() and
// quiesce() are not called concurrently with each other (the partition log serialises
// its writes and truncations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "ringtail/io/error.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

class tail_map {
 public:
  static constexpr uint64_t step_min = 64 * 1024;
  static constexpr uint64_t step_max = 4 * 1024 * 1024;
  // A write that does not fit the prepared window goes through io_uring instead when it
  // is at least this big (preparing costs ~4x write(2) per byte — zeros, then one fault
  // per page — while the io_uring round trip it saves is a fixed ~8 µs: they break even
  // near 8 KiB on the benchmark machine), or needs more than prepare_max at once.
  static constexpr uint64_t direct_write_min = 8 * 1024;
  static constexpr uint64_t prepare_max = 16 * 1024 * 1024;

  // Maps `capacity` bytes (rounded up to pages) of the file open read-write as `fd`,
  // whose current size is `size`. The map keeps its own descriptor (a dup) and mapping
  // alive until any preparation in flight has completed, even after destruction.
  static result<tail_map> create(int fd, uint64_t size, uint64_t capacity);

  tail_map() = default;
  tail_map(tail_map&&) noexcept = default;
  tail_map& operator=(tail_map&&) noexcept = default;
  ~tail_map();

  // Copies `parts` (contiguous in the file) to `offset` onwards through the mapping,
  // first waiting for the window to cover them. true: written. false: the range is
  // past the window and big (direct_write_min), or does not fit the mapping or one
  // preparation — nothing was written, no preparation is in flight, and the caller
  // writes the bytes another way, then calls wrote_through().
  // An error is the preparation's (the file could not be extended): nothing written.
  task<result<bool>> write(uint64_t offset, std::span<const std::span<const std::byte>> parts);
  // The caller wrote up to `end` without the map (after write() returned false).
  void wrote_through(uint64_t end);
  // Waits until no preparation is in flight (before the caller truncates or closes).
  task<void> quiesce();
  // The caller truncated the file to `size` (after quiesce()).
  void truncated(uint64_t size);
  // The end of what was written (through the map, wrote_through() or before create()):
  // the file's size as its owner sees it.
  uint64_t written_end() const;
  // The file's size as far as the map knows: the end of the prepared window or of the
  // last write, whichever is later. Valid after quiesce().
  uint64_t file_end() const;

  // Statistics, for tests and benchmarks.
  struct stats {
    uint64_t preparations = 0;     // zero-write + populate chains completed
    uint64_t waits = 0;            // writes that had to wait for one
    uint64_t populate_failures = 0;  // madvise refused (the stores then fault instead)
  };
  stats statistics() const;

 private:
  struct state;
  explicit tail_map(std::shared_ptr<state> s) : s_(std::move(s)) {}
  static task<void> prepare_in_background(std::shared_ptr<state> s, uint64_t from, uint64_t len);
  static task<result<void>> prepare(state& s, uint64_t from, uint64_t len);
  std::shared_ptr<state> s_;
};

}  // namespace ringtail::io
