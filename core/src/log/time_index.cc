#include "ringtail/core/log/time_index.h"

#include "ringtail/base/assert.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::core::log {

using codec::detail::load_be;
using codec::detail::store_be;

time_index::entry time_index::at(size_t i) const {
  const std::byte* p = bytes_.all().data() + i * entry_bytes;
  return entry{load_be<int64_t>(p), base_offset_ + load_be<int32_t>(p + 8)};
}

std::optional<time_index::entry> time_index::last() const {
  if (entries() == 0) return std::nullopt;
  return at(entries() - 1);
}

bool time_index::load(std::span<const std::byte> file_bytes, int64_t next_offset) {
  bytes_.assign({});
  if (file_bytes.size() % entry_bytes != 0) return false;
  bytes_.assign(file_bytes);
  for (size_t i = 0; i < entries(); ++i) {
    const entry e = at(i);
    bool ok = e.offset >= base_offset_ && e.offset < next_offset;
    if (ok && i > 0) {
      const entry p = at(i - 1);
      ok = e.timestamp > p.timestamp && e.offset >= p.offset;
    }
    if (!ok) {
      bytes_.assign({});
      return false;
    }
  }
  return true;
}

std::optional<time_index::entry> time_index::lookup(int64_t timestamp) const {
  size_t lo = 0, hi = entries();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (at(mid).timestamp <= timestamp) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return at(lo - 1);
}

void time_index::maybe_append(int64_t timestamp, int64_t offset) {
  if (auto l = last()) {
    if (timestamp <= l->timestamp) return;
    RT_ASSERT(offset >= l->offset, "time index offsets must not decrease");
  }
  RT_ASSERT(offset - base_offset_ <= INT32_MAX, "relative offset overflow");
  std::byte* p = bytes_.grow(entry_bytes);
  store_be<int64_t>(p, timestamp);
  store_be<int32_t>(p + 8, static_cast<int32_t>(offset - base_offset_));
}

void time_index::truncate_to(int64_t offset) {
  size_t keep = entries();
  while (keep > 0 && at(keep - 1).offset >= offset) --keep;
  bytes_.truncate(keep * entry_bytes);
}

}  // namespace ringtail::core::log
