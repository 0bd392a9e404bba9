#include "ringtail/core/log/recent_append_cache.h"

#include <algorithm>

#include "ringtail/codec/record_batch.h"

namespace ringtail::core::log {

using codec::detail::load_be;

void recent_append_cache::link(entry* e) {
  e->older = tail_;
  e->newer = nullptr;
  if (tail_) tail_->newer = e; else head_ = e;
  tail_ = e;
  size_bytes_ += e->bytes.size();
}

void recent_append_cache::unlink(entry* e) {
  if (e->older) e->older->newer = e->newer; else head_ = e->newer;
  if (e->newer) e->newer->older = e->older; else tail_ = e->older;
  e->older = e->newer = nullptr;
  size_bytes_ -= e->bytes.size();
}

std::span<std::byte> recent_append_cache::stage(size_t bytes, uint64_t file_position, buffer_ref& owner) {
  const size_t skew = static_cast<size_t>(file_position % page_bytes);
  if (bytes > stage_bytes_max) {
    owner = buffer::make(skew + bytes);
    return std::span(owner->data() + skew, bytes);
  }
  // The first place at or after the used part of the chunk with the file's alignment.
  size_t at = stage_chunk_used_ + (skew + page_bytes - stage_chunk_used_ % page_bytes) % page_bytes;
  if (!stage_chunk_ || at + bytes > stage_chunk_->size()) {
    stage_chunk_ = buffer::make(stage_chunk_bytes);
    at = skew;
  }
  RT_ASSERT(at % page_bytes == skew && at + bytes <= stage_chunk_->size(), "staging keeps the file's alignment");
  stage_chunk_used_ = at + bytes;
  owner = stage_chunk_;
  return std::span(stage_chunk_->data() + at, bytes);
}

void recent_append_cache::evict_to_fit(uint64_t incoming) {
  while (head_ != nullptr && size_bytes_ + incoming > budget_bytes_) head_->partition->drop_oldest();
}

void partition_cache::drop_oldest() {
  RT_ASSERT(!entries_.empty(), "drop_oldest on an empty partition cache");
  shard_->unlink(entries_.front().get());
  entries_.pop_front();
}

void partition_cache::add(int64_t base_offset, int64_t next_offset, buffer_ref owner,
                          std::span<const std::byte> bytes) {
  if (!enabled() || bytes.size() > shard_->budget_bytes()) return;
  if (!entries_.empty()) RT_ASSERT(entries_.back()->next_offset <= base_offset, "cache entries in offset order");
  shard_->evict_to_fit(bytes.size());
  auto e = std::make_unique<recent_append_cache::entry>();
  e->base_offset = base_offset;
  e->next_offset = next_offset;
  e->owner = std::move(owner);
  e->bytes = bytes;
  e->partition = this;
  shard_->link(e.get());
  entries_.push_back(std::move(e));
}

bool partition_cache::read(int64_t offset, size_t max_bytes, int64_t limit, bool min_one, std::vector<chunk>& out,
                           size_t& out_bytes, int64_t& next_offset) {
  if (!enabled()) return false;
  // The entry holding `offset`: the last one with base_offset <= offset.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), offset,
                             [](int64_t o, const auto& e) { return o < e->base_offset; });
  if (it == entries_.begin() || (*std::prev(it))->next_offset <= offset) {
    ++shard_->misses_;
    return false;
  }
  ++shard_->hits_;
  --it;
  size_t total = 0;
  int64_t expected_next = (*it)->base_offset;
  for (; it != entries_.end(); ++it) {
    const auto& e = **it;
    if (e.base_offset != expected_next && total > 0) break;  // a gap: the reader continues from disk
    const std::byte* p = e.bytes.data();
    const std::byte* end = p + e.bytes.size();
    const std::byte* from = nullptr;
    const std::byte* to = nullptr;
    bool stop = false;
    while (p < end) {
      const size_t size = static_cast<size_t>(load_be<int32_t>(p + codec::batch_layout::batch_length)) +
                          codec::log_overhead_bytes;
      const int64_t base = load_be<int64_t>(p + codec::batch_layout::base_offset);
      const int64_t last = base + load_be<int32_t>(p + codec::batch_layout::last_offset_delta);
      if (last < offset) {
        p += size;
        continue;
      }
      const bool first = total == 0 && from == nullptr;
      if (last >= limit || (total + size > max_bytes && !(first && min_one))) {
        stop = true;
        break;
      }
      if (!from) from = p;
      to = p + size;
      total += size;
      next_offset = last + 1;
      p += size;
    }
    if (from) out.push_back(chunk{e.owner, std::span(from, to)});
    expected_next = e.next_offset;
    if (stop) break;
  }
  out_bytes += total;
  return true;
}

void partition_cache::truncate_from(int64_t offset) {
  while (!entries_.empty() && entries_.back()->next_offset > offset) {
    shard_->unlink(entries_.back().get());
    entries_.pop_back();
  }
}

void partition_cache::clear() {
  while (!entries_.empty()) {
    shard_->unlink(entries_.back().get());
    entries_.pop_back();
  }
}

}  // namespace ringtail::core::log
