// buffer_ring: the shard's ring of provided receive buffers (IORING_REGISTER_PBUF_RING).
// Multishot receives pick a buffer from it as data arrives, so a connection costs no
// memory until it has bytes to read. The buffer memory is one page-aligned mapping
// (count x size); each buffer starts on a page boundary, which keeps later copies
// out of the page cache aligned (see MACHINE.md: misaligned copies are 5-6x slower).
//
// A buffer goes to the application as a recv_buffer (tcp.h), without a copy, and comes
// back to the kernel when that handle is released. When the ring runs dry the kernel
// ends the multishot receive with -ENOBUFS; the data stays in the socket, the stream
// registers as starved here and is re-armed when a buffer comes back. Nothing is lost.
//
// liburing 2.3 lacks io_uring_setup_buf_ring(): the ring is mmap'ed by hand and
// registered with io_uring_register_buf_ring().
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <deque>

#include "ringtail/base/assert.h"

namespace ringtail::io {

class buffer_ring {
 public:
  class starved_listener {
   public:
    virtual void on_buffers_available() noexcept = 0;

   protected:
    ~starved_listener() = default;
  };

  buffer_ring(struct ::io_uring* ring, uint16_t group_id, unsigned count, unsigned buffer_bytes);
  ~buffer_ring();
  buffer_ring(const buffer_ring&) = delete;
  buffer_ring& operator=(const buffer_ring&) = delete;

  uint16_t group_id() const noexcept { return group_id_; }
  unsigned buffer_bytes() const noexcept { return buffer_bytes_; }
  unsigned count() const noexcept { return count_; }
  unsigned available() const noexcept { return available_; }
  // How often a multishot receive found the ring empty (each one re-armed later).
  uint64_t starvations() const noexcept { return starvations_; }

  std::byte* buffer(uint16_t id) const noexcept {
    RT_ASSERT(id < count_, "provided buffer id out of range");
    return base_ + size_t{id} * buffer_bytes_;
  }
  // The kernel picked buffer `id` (a CQE named it).
  void taken(uint16_t id) noexcept {
    RT_ASSERT(id < count_ && available_ > 0, "provided buffer accounting");
    --available_;
  }
  // Hands buffer `id` back to the kernel and re-arms one starved stream.
  void release(uint16_t id) noexcept;

  void add_starved(starved_listener* l) {
    ++starvations_;
    starved_.push_back(l);
  }
  void remove_starved(starved_listener* l) noexcept;

 private:
  struct ::io_uring* ring_;
  uint16_t group_id_;
  unsigned count_;
  unsigned buffer_bytes_;
  unsigned available_;
  struct io_uring_buf_ring* br_ = nullptr;
  size_t br_bytes_ = 0;
  std::byte* base_ = nullptr;
  size_t base_bytes_ = 0;
  std::deque<starved_listener*> starved_;
  uint64_t starvations_ = 0;
};

}  // namespace ringtail::io
