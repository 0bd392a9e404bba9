#include "ringtail/core/broker/shard_router.h"

#include "ringtail/codec/murmur2.h"

namespace ringtail::core {

unsigned pick_shard(const std::vector<uint32_t>& load) noexcept {
  unsigned best = 0;
  for (unsigned s = 1; s < load.size(); ++s)
    if (load[s] < load[best]) best = s;
  return best;
}

std::vector<unsigned> assign_shards(std::vector<uint32_t>& load, int32_t count) {
  std::vector<unsigned> out;
  out.reserve(static_cast<size_t>(count > 0 ? count : 0));
  for (int32_t i = 0; i < count; ++i) {
    const unsigned s = pick_shard(load);
    ++load[s];
    out.push_back(s);
  }
  return out;
}

int32_t coordinator_partition_for(std::string_view group_id, int32_t n) noexcept {
  return codec::coordinator_partition(group_id, n);
}

}  // namespace ringtail::core
