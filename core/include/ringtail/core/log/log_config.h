// log_config: the settings of one partition log, as Kafka topic configs. Built from the
// broker's log.* defaults (core::broker_config) overridden by the topic's own configs
// (Kafka names: segment.bytes, retention.ms …). validate_topic_config() is the one place
// a topic config key/value is checked — CreateTopics, AlterConfigs and the log use it.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "ringtail/base/result.h"
#include "ringtail/codec/record_batch.h"
#include "ringtail/core/config.h"

namespace ringtail::core::log {

inline constexpr int64_t never_ms = std::numeric_limits<int64_t>::max();
inline constexpr int32_t offset_index_entry_bytes = 8;
inline constexpr int32_t time_index_entry_bytes = 12;
// Kafka's LegacyRecord.RECORD_OVERHEAD_V0 (14) is the smallest segment.bytes it accepts.
inline constexpr int32_t segment_bytes_min = 14;

struct log_config {
  int32_t segment_bytes = 1 << 30;                   // segment.bytes / log.segment.bytes
  int64_t roll_ms = 168LL * 3600 * 1000;             // segment.ms / log.roll.{ms,hours}
  int32_t index_interval_bytes = 4096;               // index.interval.bytes
  int32_t index_size_max_bytes = 10 * 1024 * 1024;   // segment.index.bytes
  int64_t retention_ms = 168LL * 3600 * 1000;        // retention.ms; -1 = unlimited
  int64_t retention_bytes = -1;                      // retention.bytes; -1 = unlimited
  int64_t flush_messages = std::numeric_limits<int64_t>::max();  // flush.messages
  int64_t flush_ms = never_ms;                       // flush.ms
  codec::timestamp_type message_timestamp_type = codec::timestamp_type::create_time;
  int32_t max_message_bytes = 1048588;               // max.message.bytes
  bool cleanup_policy_delete = true;                 // cleanup.policy contains "delete"
  bool cleanup_policy_compact = false;               // cleanup.policy contains "compact"
  std::string compression_type = "producer";         // compression.type
  int32_t min_insync_replicas = 1;                   // min.insync.replicas

  // Index entries a segment's offset index may hold before the segment rolls.
  int64_t max_index_entries() const { return index_size_max_bytes / offset_index_entry_bytes; }
};

// Checks one topic config. Unknown keys and bad values are errors naming the key and
// what it allows, e.g. "segment.bytes: must be an integer >= 14, got 'x'".
ringtail::result<void, std::string> validate_topic_config(const std::string& key, const std::string& value);

// Broker defaults (log.* settings).
log_config log_config_from_broker(const broker_config& broker);

// Broker defaults overridden by the topic's configs; the first invalid one is an error.
ringtail::result<log_config, std::string> make_log_config(const broker_config& broker,
                                                const std::map<std::string, std::string>& topic_overrides);

}  // namespace ringtail::core::log
