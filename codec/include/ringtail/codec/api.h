// Kafka API keys, the version range Ringtail supports (and advertises in ApiVersions)
// for each, and Kafka 3.9's flexible-version rule, which picks the request/response
// header version and whether a body uses compact encodings + tagged fields.
//
// Supported ranges = "Recommended advertised ranges" in the shared CLIENT_VERSIONS.md
// (the smallest maxima with which every surveyed client still works, all starting at 0
// so that librdkafka's feature probes succeed), plus DescribeCluster 0-1.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ringtail::codec {

// Every API key Kafka 3.9 defines; only those with a supported range are decoded.
enum class api_key : int16_t {
  produce = 0,
  fetch = 1,
  list_offsets = 2,
  metadata = 3,
  leader_and_isr = 4,
  stop_replica = 5,
  update_metadata = 6,
  controlled_shutdown = 7,
  offset_commit = 8,
  offset_fetch = 9,
  find_coordinator = 10,
  join_group = 11,
  heartbeat = 12,
  leave_group = 13,
  sync_group = 14,
  describe_groups = 15,
  list_groups = 16,
  sasl_handshake = 17,
  api_versions = 18,
  create_topics = 19,
  delete_topics = 20,
  delete_records = 21,
  init_producer_id = 22,
  offset_for_leader_epoch = 23,
  add_partitions_to_txn = 24,
  add_offsets_to_txn = 25,
  end_txn = 26,
  write_txn_markers = 27,
  txn_offset_commit = 28,
  describe_acls = 29,
  create_acls = 30,
  delete_acls = 31,
  describe_configs = 32,
  alter_configs = 33,
  alter_replica_log_dirs = 34,
  describe_log_dirs = 35,
  sasl_authenticate = 36,
  create_partitions = 37,
  create_delegation_token = 38,
  renew_delegation_token = 39,
  expire_delegation_token = 40,
  describe_delegation_token = 41,
  delete_groups = 42,
  elect_leaders = 43,
  incremental_alter_configs = 44,
  alter_partition_reassignments = 45,
  list_partition_reassignments = 46,
  offset_delete = 47,
  describe_client_quotas = 48,
  alter_client_quotas = 49,
  describe_user_scram_credentials = 50,
  alter_user_scram_credentials = 51,
  vote = 52,
  begin_quorum_epoch = 53,
  end_quorum_epoch = 54,
  describe_quorum = 55,
  alter_partition = 56,
  update_features = 57,
  envelope = 58,
  fetch_snapshot = 59,
  describe_cluster = 60,
  describe_producers = 61,
  broker_registration = 62,
  broker_heartbeat = 63,
  unregister_broker = 64,
  describe_transactions = 65,
  list_transactions = 66,
  allocate_producer_ids = 67,
  consumer_group_heartbeat = 68,
  consumer_group_describe = 69,
  controller_registration = 70,
  get_telemetry_subscriptions = 71,
  push_telemetry = 72,
  assign_replicas_to_dirs = 73,
  list_client_metrics_resources = 74,
  describe_topic_partitions = 75,
  share_group_heartbeat = 76,
  share_group_describe = 77,
  share_fetch = 78,
  share_acknowledge = 79,
  add_raft_voter = 80,
  remove_raft_voter = 81,
  update_raft_voter = 82,
  initialize_share_group_state = 83,
  read_share_group_state = 84,
  write_share_group_state = 85,
  delete_share_group_state = 86,
  read_share_group_state_summary = 87,
};
inline constexpr int16_t api_key_max = 87;  // highest key Kafka 3.9 defines

struct api_info {
  api_key key;
  std::string_view name;    // Kafka's name, e.g. "Produce"
  int16_t min_version;      // supported by Ringtail; -1 = not supported
  int16_t max_version;      // supported by Ringtail; -1 = not supported
  int16_t flexible_from;    // Kafka 3.9's first flexible version; -1 = never flexible
  int16_t kafka_max_version;  // Kafka 3.9's highest version (informational)

  constexpr bool supported() const noexcept { return min_version >= 0; }
  constexpr bool supports(int16_t version) const noexcept {
    return supported() && version >= min_version && version <= max_version;
  }
  constexpr bool is_flexible(int16_t version) const noexcept {
    return flexible_from >= 0 && version >= flexible_from;
  }
};

// Info for any api key Kafka 3.9 defines, or nullptr for an unknown key.
const api_info* find_api(int16_t key) noexcept;
inline const api_info* find_api(api_key key) noexcept { return find_api(static_cast<int16_t>(key)); }

// The APIs Ringtail supports, in key order (what ApiVersions advertises).
std::span<const api_info> supported_apis() noexcept;

// True if (key, version) is inside Ringtail's supported table.
bool is_supported(int16_t key, int16_t version) noexcept;

// Kafka 3.9's rule for (key, version), also for versions Ringtail does not support, so
// the header of an out-of-range request can still be parsed to answer it.
bool is_flexible(int16_t key, int16_t version) noexcept;

std::string_view to_string(api_key key) noexcept;

}  // namespace ringtail::codec
