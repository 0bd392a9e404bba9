// controller: the single writer of the cluster metadata, on shard 0. Requests that change
// metadata (CreateTopics, DeleteTopics, CreatePartitions, config changes, producer-id
// allocation) are forwarded here from any shard. Each change is persisted before it is
// acknowledged, then published: the owner shards open or remove partition logs and
// every shard installs the new metadata image.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ringtail/codec/error_code.h"
#include "ringtail/core/broker/metadata.h"
#include "ringtail/io/mutex.h"
#include "ringtail/io/task.h"

namespace ringtail::core {

struct admin_result {
  codec::error_code error = codec::error_code::none;
  std::string message;  // empty = null on the wire
  static admin_result ok() { return {}; }
};

class controller {
 public:
  // Loads (or creates) the metadata file and opens every partition on its owner shard.
  io::task<result<void, std::string>> start();
  // Closes every partition (flush + clean marker) on its owner shard.
  io::task<void> stop();

  const metadata_image& image() const noexcept { return image_; }
  const std::string& cluster_id() const noexcept { return cluster_id_; }

  struct create_topic_args {
    std::string name;
    int32_t partitions = -1;          // -1: num.partitions
    int16_t replication_factor = -1;  // -1: default.replication.factor
    std::map<std::string, std::string> configs;
    bool validate_only = false;
    bool internal = false;
  };
  io::task<admin_result> create_topic(create_topic_args args);
  io::task<admin_result> delete_topic(std::string name);
  io::task<admin_result> create_partitions(std::string name, int32_t total, bool validate_only);
  // Replaces the topic's overrides with `configs` (AlterConfigs semantics) after checking
  // every key; incremental callers merge first.
  io::task<admin_result> set_topic_configs(std::string name, std::map<std::string, std::string> configs,
                                           bool validate_only);
  // A fresh producer id, unique across restarts (ids are reserved in persisted blocks).
  io::task<result<int64_t, codec::error_code>> allocate_producer_id();

 private:
  io::task<admin_result> create_topic_locked(create_topic_args args);
  io::task<admin_result> delete_topic_locked(std::string name);
  io::task<admin_result> create_partitions_locked(std::string name, int32_t total, bool validate_only);
  io::task<admin_result> set_topic_configs_locked(std::string name, std::map<std::string, std::string> configs,
                                                  bool validate_only);
  io::task<result<int64_t, codec::error_code>> allocate_producer_id_locked();
  io::task<result<void, std::string>> persist();
  // --recover-metadata: topics from `<topic>-<index>` directories (no metadata file).
  void rebuild_from_directories(const std::map<std::string, std::set<int32_t>>& found, unsigned shards);
  io::task<void> publish();
  io::task<void> open_partitions(const topic_info& t, int32_t from_index);

  metadata_image image_;
  std::string cluster_id_;
  int64_t next_producer_id_ = 0;
  int64_t producer_id_block_end_ = 0;
  std::vector<uint32_t> partitions_per_shard_;
  io::mutex lock_;  // metadata changes are serialised (they span co_awaits)
};

inline constexpr int64_t producer_id_block_size = 1000;

}  // namespace ringtail::core
