// Routing decisions, kept pure and small so they can be unit-tested:
//  - which shard owns a new partition (the least-loaded one, ties to the lowest id),
//  - which partition of __consumer_offsets coordinates a group (Kafka's rule).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ringtail::core {

// The shard for the next new partition given the partitions each shard owns now.
unsigned pick_shard(const std::vector<uint32_t>& partitions_per_shard) noexcept;

// Assigns `count` new partitions one by one, updating `partitions_per_shard`.
std::vector<unsigned> assign_shards(std::vector<uint32_t>& partitions_per_shard, int32_t count);

// abs(java_string_hash(group_id)) % offsets_topic_partitions, with Kafka's abs.
int32_t coordinator_partition_for(std::string_view group_id, int32_t offsets_topic_partitions) noexcept;

}  // namespace ringtail::core
