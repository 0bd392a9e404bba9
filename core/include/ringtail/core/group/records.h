// The records the group coordinator writes to __consumer_offsets, in Kafka's own formats
// (so kafka-console-consumer --formatter ...GroupMetadataManager$OffsetsMessageFormatter,
// kafka-dump-log --offsets-decoder and friends understand them). Pure: bytes in, bytes out.
//
// Every key and value starts with an int16 schema version (the generated structs do not
// write it; this file does):
//   OffsetCommitKey   v1: version | group string | topic string | partition int32
//   OffsetCommitValue v3: version | offset int64 | leader_epoch int32 | metadata string |
//                         commit_timestamp int64
//                     v1: version | offset int64 | metadata string | commit_timestamp int64 |
//                         expire_timestamp int64   (written when a commit asked for a retention)
//   GroupMetadataKey  v2: version | group string
//   GroupMetadataValue v3: version | protocol_type string | generation int32 |
//                         protocol nullable string | leader nullable string |
//                         current_state_timestamp int64 | members [member_id string |
//                         group_instance_id nullable string | client_id string |
//                         client_host string | rebalance_timeout int32 |
//                         session_timeout int32 | subscription bytes | assignment bytes]
// A null value (tombstone) deletes the key: an offset, or a whole group's metadata.
// Readers accept every version Kafka has written (keys 0-2, values 0-4).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringtail/base/result.h"
#include "ringtail/core/group/group.h"

namespace ringtail::core::group {

inline constexpr int16_t offset_commit_key_version = 1;
inline constexpr int16_t offset_commit_value_version = 3;
inline constexpr int16_t offset_commit_value_version_with_expiry = 1;
inline constexpr int16_t group_metadata_key_version = 2;
inline constexpr int16_t group_metadata_value_version = 3;

std::vector<std::byte> encode_offset_commit_key(std::string_view group_id, const topic_partition& tp);
std::vector<std::byte> encode_offset_commit_value(const committed_offset& o);
std::vector<std::byte> encode_group_metadata_key(std::string_view group_id);
std::vector<std::byte> encode_group_metadata_value(const group_snapshot& s);

// What replaying a __consumer_offsets partition yields, per group.
struct loaded_group {
  std::optional<group_snapshot> metadata;  // latest GroupMetadata (nullopt: none or deleted)
  bool metadata_deleted = false;           // a tombstone came last
  std::map<topic_partition, committed_offset> offsets;
};

// Folds records, in log order, into the latest state of every group.
class offsets_replay {
 public:
  // One record; errors describe an undecodable key/value (the record is skipped).
  result<void, std::string> apply(std::span<const std::byte> key, std::optional<std::span<const std::byte>> value);
  std::map<std::string, loaded_group>& groups() noexcept { return groups_; }
  size_t records() const noexcept { return records_; }

 private:
  std::map<std::string, loaded_group> groups_;
  size_t records_ = 0;
};

}  // namespace ringtail::core::group
