#include "ringtail/core/log/offset_index.h"

#include "ringtail/base/assert.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::core::log {

using codec::detail::load_be;
using codec::detail::store_be;

offset_index::entry offset_index::at(size_t i) const {
  const std::byte* p = bytes_.all().data() + i * entry_bytes;
  return entry{base_offset_ + load_be<int32_t>(p), load_be<uint32_t>(p + 4)};
}

std::optional<offset_index::entry> offset_index::last() const {
  if (entries() == 0) return std::nullopt;
  return at(entries() - 1);
}

bool offset_index::load(std::span<const std::byte> file_bytes, uint64_t log_size_bytes) {
  bytes_.assign({});
  if (file_bytes.size() % entry_bytes != 0) return false;
  bytes_.assign(file_bytes);
  for (size_t i = 0; i < entries(); ++i) {
    const entry e = at(i);
    bool ok = e.offset >= base_offset_ && e.position < log_size_bytes;
    if (ok && i > 0) {
      const entry p = at(i - 1);
      ok = e.offset > p.offset && e.position > p.position;
    }
    if (!ok) {
      bytes_.assign({});
      return false;
    }
  }
  return true;
}

namespace {

// The last entry for which `at_or_before` holds (entries increase in both offset and
// position, so it holds for a prefix); std::nullopt if it holds for none.
template <typename AtOrBefore>
std::optional<offset_index::entry> last_entry_where(const offset_index& ix, AtOrBefore at_or_before) {
  size_t lo = 0, hi = ix.entries();  // first entry past the target
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (at_or_before(ix.at(mid))) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return ix.at(lo - 1);
}

}  // namespace

std::optional<offset_index::entry> offset_index::lookup(int64_t offset) const {
  return last_entry_where(*this, [offset](const entry& e) { return e.offset <= offset; });
}

std::optional<offset_index::entry> offset_index::lookup_position(uint64_t position) const {
  return last_entry_where(*this, [position](const entry& e) { return e.position <= position; });
}

void offset_index::append(int64_t offset, uint32_t position) {
  if (auto l = last()) {
    RT_ASSERT(offset > l->offset && position > l->position, "offset index entries must increase");
  }
  RT_ASSERT(offset - base_offset_ <= INT32_MAX, "relative offset overflow");
  std::byte* p = bytes_.grow(entry_bytes);
  store_be<int32_t>(p, static_cast<int32_t>(offset - base_offset_));
  store_be<uint32_t>(p + 4, position);
}

void offset_index::truncate_to(int64_t offset) {
  size_t keep = entries();
  while (keep > 0 && at(keep - 1).offset >= offset) --keep;
  bytes_.truncate(keep * entry_bytes);
}

}  // namespace ringtail::core::log
