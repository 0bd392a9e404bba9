// A bounded single-producer / single-consumer ring of pointers. One producer thread
// calls try_push, one consumer thread calls try_pop; head and tail sit on their own cache
// lines and each side caches the other's index to touch the shared line rarely.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "ringtail/base/assert.h"

namespace ringtail::io {

template <typename T>
class spsc_ring {
 public:
  explicit spsc_ring(size_t capacity) : mask_(capacity - 1), slots_(new T*[capacity]) {
    RT_ASSERT(capacity >= 2 && (capacity & (capacity - 1)) == 0, "spsc_ring capacity must be a power of two");
  }
  spsc_ring(const spsc_ring&) = delete;
  spsc_ring& operator=(const spsc_ring&) = delete;

  size_t capacity() const noexcept { return mask_ + 1; }

  // Producer side.
  bool try_push(T* item) noexcept {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cache_ > mask_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ > mask_) return false;
    }
    slots_[tail & mask_] = item;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer side.
  T* try_pop() noexcept {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cache_) return nullptr;
    }
    T* item = slots_[head & mask_];
    head_.store(head + 1, std::memory_order_release);
    return item;
  }

  // Either side: a snapshot (used by the sleeping protocol; exact under seq_cst fences).
  bool empty() const noexcept {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }

 private:
  const uint64_t mask_;
  std::unique_ptr<T*[]> slots_;
  alignas(64) std::atomic<uint64_t> head_{0};
  uint64_t tail_cache_ = 0;  // consumer's copy of tail_
  alignas(64) std::atomic<uint64_t> tail_{0};
  uint64_t head_cache_ = 0;  // producer's copy of head_
};

}  // namespace ringtail::io
