// The cluster metadata of a single-node broker: topics, their ids, partitions, the shard
// that owns each partition, per-topic config overrides, and the producer-id block.
//
// Ownership: the mutable `controller_state` lives on shard 0 (the controller). Every
// change is persisted (written to a temporary file, fdatasync'ed, renamed over the old
// file, directory synced) before it takes effect, then an immutable `metadata_image` copy
// is installed on every shard, which serves Metadata requests and routing from it
// without asking shard 0.
//
// File `<log.dir>/ringtail.metadata`, one record per line (names never contain spaces:
// Kafka topic names are [a-zA-Z0-9._-]):
//   ringtail-metadata 1
//   cluster.id <id>
//   producer.id.block.end <n>          ids below n may have been handed out
//   topic <name> <uuid hex> <partition count> <internal 0|1>
//   partition <name> <index> <shard> <leader epoch>
//   config <name> <key> <value...>
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ringtail/base/result.h"
#include "ringtail/codec/wire.h"

namespace ringtail::core {

struct partition_info {
  int32_t index = 0;
  unsigned shard = 0;
  int32_t leader_epoch = 0;
  // Single node for now; replication will fill these from the assignment.
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct topic_info {
  std::string name;
  codec::uuid id;
  bool internal = false;
  std::vector<partition_info> partitions;
  std::map<std::string, std::string> configs;  // overrides of the broker defaults
};

struct metadata_image {
  std::map<std::string, topic_info, std::less<>> topics;
  uint64_t version = 0;

  const topic_info* find(std::string_view name) const {
    auto it = topics.find(name);
    return it == topics.end() ? nullptr : &it->second;
  }
  const partition_info* find(std::string_view name, int32_t partition) const {
    const topic_info* t = find(name);
    if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size())) return nullptr;
    return &t->partitions[static_cast<size_t>(partition)];
  }
};

// Kafka's topic name rule: 1..249 chars of [a-zA-Z0-9._-], not "." or "..".
bool valid_topic_name(std::string_view name) noexcept;

// Serialises / parses the metadata file (pure; the controller does the I/O).
// Largest partition count of one topic (CreateTopics / CreatePartitions refuse more).
inline constexpr int64_t max_partitions_per_topic = 100'000;

// The metadata file `<log.dir>/ringtail.metadata` (text, one record a line; version 2 ends
// in a CRC-32C of the lines before it). decode_metadata() refuses a file that is damaged
// or inconsistent (checksum, duplicate topics or ids, partition records missing or
// repeated) rather than guessing.
std::string encode_metadata(const metadata_image& image, const std::string& cluster_id, int64_t producer_id_block_end);
struct decoded_metadata {
  metadata_image image;
  std::string cluster_id;
  int64_t producer_id_block_end = 0;
};
result<decoded_metadata, std::string> decode_metadata(const std::string& text);

codec::uuid random_uuid();
std::string uuid_to_hex(const codec::uuid& id);
std::optional<codec::uuid> uuid_from_hex(std::string_view hex);

}  // namespace ringtail::core
