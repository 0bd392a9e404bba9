// Broker configuration with Kafka's property names. A server.properties file is read,
// then --override key=value pairs are applied; every key must be known and every value
// valid, or the start fails with a message naming the key and what it allows (Kafka
// also refuses unknown-but-malformed values; it merely warns on unknown keys, but a
// typo silently ignored is worse for an operator, so we refuse them too).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ringtail/base/result.h"

namespace ringtail::core {

struct listener {
  std::string name = "PLAINTEXT";  // listener name / security protocol
  std::string host;                // empty = all interfaces
  uint16_t port = 9092;
};

struct broker_config {
  // Server
  int32_t node_id = 1;
  std::vector<listener> listeners{listener{"PLAINTEXT", "localhost", 9092}};
  std::vector<listener> advertised_listeners;  // empty = same as listeners
  unsigned num_shards = 0;                     // 0 = one per online core
  int32_t socket_request_max_bytes = 100 * 1024 * 1024;
  int64_t connections_max_idle_ms = 10 * 60 * 1000;
  // Bytes of requests read and not yet handled, for the whole broker (Kafka's name; its
  // default is -1, unbounded: Ringtail bounds it so that clients cannot make it hold
  // more request memory than this). -1: no bound.
  int64_t queued_max_request_bytes = 512LL * 1024 * 1024;
  std::string cluster_id = "ringtail-cluster";

  // Topics
  int32_t num_partitions = 1;
  int16_t default_replication_factor = 1;
  bool auto_create_topics_enable = true;
  int32_t message_max_bytes = 1048588;
  bool delete_topic_enable = true;

  // Log
  std::vector<std::string> log_dirs{"./data"};
  int32_t log_segment_bytes = 1 << 30;
  int64_t log_roll_ms = 168LL * 3600 * 1000;
  int64_t log_retention_ms = 168LL * 3600 * 1000;  // the most precise of ms/minutes/hours wins
  int64_t log_retention_bytes = -1;
  int64_t log_retention_check_interval_ms = 5 * 60 * 1000;
  int32_t log_index_interval_bytes = 4096;
  int32_t log_index_size_max_bytes = 10 * 1024 * 1024;
  int64_t log_flush_interval_messages = INT64_MAX;
  int64_t log_flush_interval_ms = -1;  // -1: not set (Kafka: falls back to the scheduler)
  int64_t log_flush_scheduler_interval_ms = INT64_MAX;
  std::string log_message_timestamp_type = "CreateTime";
  std::string compression_type = "producer";
  int64_t log_recent_cache_bytes = 64LL * 1024 * 1024;  // per shard (Ringtail)

  // Groups
  int32_t offsets_topic_num_partitions = 50;
  int64_t offsets_retention_minutes = 7 * 24 * 60;
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t group_initial_rebalance_delay_ms = 3000;

  // The raw, validated properties (for DescribeConfigs).
  std::map<std::string, std::string> properties;
};

// Parses Java-properties text (key=value or key: value, # and ! comments, line
// continuations with a trailing backslash). Errors name the line.
result<std::map<std::string, std::string>, std::string> parse_properties(const std::string& text);

// Builds a config from properties; unknown keys and bad values are errors naming the key.
result<broker_config, std::string> make_broker_config(const std::map<std::string, std::string>& props);

// Reads `path` (if not empty) and applies `overrides` ("key=value").
result<broker_config, std::string> load_broker_config(const std::string& path, const std::vector<std::string>& overrides);

// Parses "PLAINTEXT://host:port,NAME://:port".
result<std::vector<listener>, std::string> parse_listeners(const std::string& value);

}  // namespace ringtail::core
