// log::buffer: a shard-local, reference-counted, page-aligned byte buffer, and chunk, a
// span of bytes together with a reference to the buffer that owns them.
//
// The recent-append cache and disk reads hand out chunks, so the broker can keep the
// bytes alive until its sendv completes without a copy. The count is not atomic: a
// buffer never leaves the shard that allocated it (cross-shard fetches copy or forward
// the request to the owner). Page alignment matters (MACHINE.md): copies between the
// page cache and a buffer are 5–6x slower when they differ in alignment modulo 4096, so
// log bytes are placed in a buffer at the same offset modulo 4096 as in the file.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <utility>

#include "ringtail/base/assert.h"

namespace ringtail::core::log {

inline constexpr size_t page_bytes = 4096;

class buffer_ref;

class buffer {
 public:
  // A buffer of at least `size` bytes at a page-aligned address.
  static buffer_ref make(size_t size);

  std::byte* data() noexcept { return data_; }
  const std::byte* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }

 private:
  friend class buffer_ref;
  buffer() = default;
  std::byte* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  uint32_t refs_ = 0;
};

class buffer_ref {
 public:
  static void release_storage(buffer* b) noexcept;
  buffer_ref() = default;
  explicit buffer_ref(buffer* b) noexcept : b_(b) {
    if (b_) ++b_->refs_;
  }
  buffer_ref(const buffer_ref& o) noexcept : buffer_ref(o.b_) {}
  buffer_ref(buffer_ref&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
  buffer_ref& operator=(buffer_ref o) noexcept {
    std::swap(b_, o.b_);
    return *this;
  }
  ~buffer_ref() { release(); }

  buffer* get() const noexcept { return b_; }
  buffer* operator->() const noexcept { return b_; }
  explicit operator bool() const noexcept { return b_ != nullptr; }
  uint32_t use_count() const noexcept { return b_ ? b_->refs_ : 0; }

 private:
  void release() noexcept {
    if (b_ && --b_->refs_ == 0) release_storage(b_);
    b_ = nullptr;
  }
  buffer* b_ = nullptr;
};

namespace detail {
// Recycled large buffers of this thread (= shard). Fresh large allocations are mmapped
// and page-faulted on first touch, which on this VM costs more than the copy they are
// for (MACHINE.md: cold memory); reads and appends reuse them instead. Bounded.
struct buffer_pool {
  static constexpr size_t pooled_bytes_min = 64 * 1024;
  static constexpr size_t entries_max = 32;
  struct entry {
    size_t capacity;
    void* data;
  };
  entry entries[entries_max];
  size_t count = 0;
  ~buffer_pool() {
    for (size_t i = 0; i < count; ++i) std::free(entries[i].data);
  }
  void* take(size_t capacity) {
    for (size_t i = count; i-- > 0;) {
      if (entries[i].capacity == capacity) {
        void* p = entries[i].data;
        entries[i] = entries[--count];
        return p;
      }
    }
    return nullptr;
  }
  bool give(size_t capacity, void* p) {
    if (count == entries_max) return false;
    entries[count++] = entry{capacity, p};
    return true;
  }
};
inline buffer_pool& local_buffer_pool() {
  thread_local buffer_pool pool;
  return pool;
}
// Capacity class: pages, and powers of two from 64 KiB up so buffers are reusable.
inline size_t buffer_capacity(size_t size) {
  const size_t pages = (size + page_bytes - 1) / page_bytes * page_bytes;
  if (pages < buffer_pool::pooled_bytes_min) return pages == 0 ? page_bytes : pages;
  return std::bit_ceil(pages);
}
}  // namespace detail

inline buffer_ref buffer::make(size_t size) {
  const size_t capacity = detail::buffer_capacity(size);
  void* p = capacity >= detail::buffer_pool::pooled_bytes_min ? detail::local_buffer_pool().take(capacity) : nullptr;
  if (p == nullptr) p = std::aligned_alloc(page_bytes, capacity);
  if (p == nullptr) throw std::bad_alloc();
  auto* b = new buffer();
  b->data_ = static_cast<std::byte*>(p);
  b->size_ = size;
  b->capacity_ = capacity;
  return buffer_ref(b);
}

inline void buffer_ref::release_storage(buffer* b) noexcept {
  if (b->capacity_ < detail::buffer_pool::pooled_bytes_min || !detail::local_buffer_pool().give(b->capacity_, b->data_))
    std::free(b->data_);
  delete b;
}

// Bytes of whole record batches and the buffer that keeps them alive.
struct chunk {
  buffer_ref owner;
  std::span<const std::byte> bytes;
};

}  // namespace ringtail::core::log
