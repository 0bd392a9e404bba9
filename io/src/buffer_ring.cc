#include "ringtail/io/buffer_ring.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ringtail::io {

buffer_ring::buffer_ring(struct ::io_uring* ring, uint16_t group_id, unsigned count, unsigned buffer_bytes)
    : ring_(ring), group_id_(group_id), count_(count), buffer_bytes_(buffer_bytes), available_(count) {
  RT_ASSERT(count >= 1 && count <= 32768 && (count & (count - 1)) == 0, "buffer ring size must be a power of two <= 32768");
  RT_ASSERT(buffer_bytes % 4096 == 0, "provided buffers must be whole pages");
  br_bytes_ = size_t{count} * sizeof(io_uring_buf);
  void* br = mmap(nullptr, br_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (br == MAP_FAILED) throw std::runtime_error("buffer_ring: mmap of the ring failed");
  br_ = static_cast<io_uring_buf_ring*>(br);
  base_bytes_ = size_t{count} * buffer_bytes;
  void* base = mmap(nullptr, base_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (base == MAP_FAILED) {
    munmap(br_, br_bytes_);
    throw std::runtime_error("buffer_ring: mmap of the buffers failed");
  }
  base_ = static_cast<std::byte*>(base);

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br_);
  reg.ring_entries = count;
  reg.bgid = group_id;
  int rc = io_uring_register_buf_ring(ring_, &reg, 0);
  if (rc != 0) {
    munmap(base_, base_bytes_);
    munmap(br_, br_bytes_);
    throw std::runtime_error(std::string("io_uring_register_buf_ring failed: ") + std::strerror(-rc));
  }
  io_uring_buf_ring_init(br_);
  const int mask = io_uring_buf_ring_mask(count);
  for (unsigned i = 0; i < count; ++i) {
    io_uring_buf_ring_add(br_, buffer(static_cast<uint16_t>(i)), buffer_bytes, static_cast<unsigned short>(i), mask,
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(br_, static_cast<int>(count));
}

buffer_ring::~buffer_ring() {
  io_uring_unregister_buf_ring(ring_, group_id_);
  munmap(base_, base_bytes_);
  munmap(br_, br_bytes_);
}

void buffer_ring::release(uint16_t id) noexcept {
  RT_ASSERT(id < count_ && available_ < count_, "provided buffer released twice");
  io_uring_buf_ring_add(br_, buffer(id), buffer_bytes_, id, io_uring_buf_ring_mask(count_), 0);
  io_uring_buf_ring_advance(br_, 1);
  ++available_;
  if (!starved_.empty()) {
    starved_listener* l = starved_.front();
    starved_.pop_front();
    l->on_buffers_available();
  }
}

void buffer_ring::remove_starved(starved_listener* l) noexcept {
  starved_.erase(std::remove(starved_.begin(), starved_.end(), l), starved_.end());
}

}  // namespace ringtail::io
