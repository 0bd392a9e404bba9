#include "ringtail/codec/api.h"

#include <array>

namespace ringtail::codec {

namespace {

// Indexed by api key. Columns: key, name, supported min, supported max, flexible from
// (Kafka 3.9), Kafka 3.9 max.
constexpr std::array<api_info, api_key_max + 1> all_apis{{
    {api_key::produce, "Produce", 0, 7, 9, 11},
    {api_key::fetch, "Fetch", 0, 12, 12, 17},
    {api_key::list_offsets, "ListOffsets", 0, 5, 6, 9},
    {api_key::metadata, "Metadata", 0, 9, 9, 12},
    {api_key::leader_and_isr, "LeaderAndIsr", -1, -1, 4, 7},
    {api_key::stop_replica, "StopReplica", -1, -1, 2, 4},
    {api_key::update_metadata, "UpdateMetadata", -1, -1, 6, 8},
    {api_key::controlled_shutdown, "ControlledShutdown", -1, -1, 3, 3},
    {api_key::offset_commit, "OffsetCommit", 0, 8, 8, 9},
    {api_key::offset_fetch, "OffsetFetch", 0, 8, 6, 9},
    {api_key::find_coordinator, "FindCoordinator", 0, 4, 3, 6},
    {api_key::join_group, "JoinGroup", 0, 6, 6, 9},
    {api_key::heartbeat, "Heartbeat", 0, 4, 4, 4},
    {api_key::leave_group, "LeaveGroup", 0, 4, 4, 5},
    {api_key::sync_group, "SyncGroup", 0, 4, 4, 5},
    {api_key::describe_groups, "DescribeGroups", 0, 5, 5, 5},
    {api_key::list_groups, "ListGroups", 0, 4, 3, 5},
    {api_key::sasl_handshake, "SaslHandshake", 0, 1, -1, 1},
    {api_key::api_versions, "ApiVersions", 0, 3, 3, 4},
    {api_key::create_topics, "CreateTopics", 0, 7, 5, 7},
    {api_key::delete_topics, "DeleteTopics", 0, 6, 4, 6},
    {api_key::delete_records, "DeleteRecords", 0, 2, 2, 2},
    {api_key::init_producer_id, "InitProducerId", 0, 3, 2, 5},
    {api_key::offset_for_leader_epoch, "OffsetForLeaderEpoch", -1, -1, 4, 4},
    {api_key::add_partitions_to_txn, "AddPartitionsToTxn", 0, 3, 3, 5},
    {api_key::add_offsets_to_txn, "AddOffsetsToTxn", 0, 1, 3, 4},
    {api_key::end_txn, "EndTxn", 0, 3, 3, 4},
    {api_key::write_txn_markers, "WriteTxnMarkers", -1, -1, 1, 1},
    {api_key::txn_offset_commit, "TxnOffsetCommit", 0, 3, 3, 4},
    {api_key::describe_acls, "DescribeAcls", 0, 2, 2, 3},
    {api_key::create_acls, "CreateAcls", 0, 2, 2, 3},
    {api_key::delete_acls, "DeleteAcls", 0, 2, 2, 3},
    {api_key::describe_configs, "DescribeConfigs", 0, 2, 4, 4},
    {api_key::alter_configs, "AlterConfigs", 0, 2, 2, 2},
    {api_key::alter_replica_log_dirs, "AlterReplicaLogDirs", -1, -1, 2, 2},
    {api_key::describe_log_dirs, "DescribeLogDirs", 0, 2, 2, 4},
    {api_key::sasl_authenticate, "SaslAuthenticate", 0, 2, 2, 2},
    {api_key::create_partitions, "CreatePartitions", 0, 1, 2, 3},
    {api_key::create_delegation_token, "CreateDelegationToken", -1, -1, 2, 3},
    {api_key::renew_delegation_token, "RenewDelegationToken", -1, -1, 2, 2},
    {api_key::expire_delegation_token, "ExpireDelegationToken", -1, -1, 2, 2},
    {api_key::describe_delegation_token, "DescribeDelegationToken", -1, -1, 2, 3},
    {api_key::delete_groups, "DeleteGroups", 0, 2, 2, 2},
    {api_key::elect_leaders, "ElectLeaders", -1, -1, 2, 2},
    {api_key::incremental_alter_configs, "IncrementalAlterConfigs", 0, 1, 1, 1},
    {api_key::alter_partition_reassignments, "AlterPartitionReassignments", 0, 0, 0, 0},
    {api_key::list_partition_reassignments, "ListPartitionReassignments", 0, 0, 0, 0},
    {api_key::offset_delete, "OffsetDelete", 0, 0, -1, 0},
    {api_key::describe_client_quotas, "DescribeClientQuotas", 0, 1, 1, 1},
    {api_key::alter_client_quotas, "AlterClientQuotas", 0, 1, 1, 1},
    {api_key::describe_user_scram_credentials, "DescribeUserScramCredentials", -1, -1, 0, 0},
    {api_key::alter_user_scram_credentials, "AlterUserScramCredentials", -1, -1, 0, 0},
    {api_key::vote, "Vote", -1, -1, 0, 1},
    {api_key::begin_quorum_epoch, "BeginQuorumEpoch", -1, -1, 1, 1},
    {api_key::end_quorum_epoch, "EndQuorumEpoch", -1, -1, 1, 1},
    {api_key::describe_quorum, "DescribeQuorum", -1, -1, 0, 2},
    {api_key::alter_partition, "AlterPartition", -1, -1, 0, 3},
    {api_key::update_features, "UpdateFeatures", -1, -1, 0, 1},
    {api_key::envelope, "Envelope", -1, -1, 0, 0},
    {api_key::fetch_snapshot, "FetchSnapshot", -1, -1, 0, 1},
    {api_key::describe_cluster, "DescribeCluster", 0, 1, 0, 1},
    {api_key::describe_producers, "DescribeProducers", -1, -1, 0, 0},
    {api_key::broker_registration, "BrokerRegistration", -1, -1, 0, 4},
    {api_key::broker_heartbeat, "BrokerHeartbeat", -1, -1, 0, 1},
    {api_key::unregister_broker, "UnregisterBroker", -1, -1, 0, 0},
    {api_key::describe_transactions, "DescribeTransactions", -1, -1, 0, 0},
    {api_key::list_transactions, "ListTransactions", -1, -1, 0, 1},
    {api_key::allocate_producer_ids, "AllocateProducerIds", -1, -1, 0, 0},
    {api_key::consumer_group_heartbeat, "ConsumerGroupHeartbeat", -1, -1, 0, 0},
    {api_key::consumer_group_describe, "ConsumerGroupDescribe", -1, -1, 0, 0},
    {api_key::controller_registration, "ControllerRegistration", -1, -1, 0, 0},
    {api_key::get_telemetry_subscriptions, "GetTelemetrySubscriptions", -1, -1, 0, 0},
    {api_key::push_telemetry, "PushTelemetry", -1, -1, 0, 0},
    {api_key::assign_replicas_to_dirs, "AssignReplicasToDirs", -1, -1, 0, 0},
    {api_key::list_client_metrics_resources, "ListClientMetricsResources", -1, -1, 0, 0},
    {api_key::describe_topic_partitions, "DescribeTopicPartitions", -1, -1, 0, 0},
    {api_key::share_group_heartbeat, "ShareGroupHeartbeat", -1, -1, 0, 0},
    {api_key::share_group_describe, "ShareGroupDescribe", -1, -1, 0, 0},
    {api_key::share_fetch, "ShareFetch", -1, -1, 0, 0},
    {api_key::share_acknowledge, "ShareAcknowledge", -1, -1, 0, 0},
    {api_key::add_raft_voter, "AddRaftVoter", -1, -1, 0, 0},
    {api_key::remove_raft_voter, "RemoveRaftVoter", -1, -1, 0, 0},
    {api_key::update_raft_voter, "UpdateRaftVoter", -1, -1, 0, 0},
    {api_key::initialize_share_group_state, "InitializeShareGroupState", -1, -1, 0, 0},
    {api_key::read_share_group_state, "ReadShareGroupState", -1, -1, 0, 0},
    {api_key::write_share_group_state, "WriteShareGroupState", -1, -1, 0, 0},
    {api_key::delete_share_group_state, "DeleteShareGroupState", -1, -1, 0, 0},
    {api_key::read_share_group_state_summary, "ReadShareGroupStateSummary", -1, -1, 0, 0},
}};

constexpr bool keys_match_index() {
  for (size_t i = 0; i < all_apis.size(); ++i) {
    if (static_cast<size_t>(all_apis[i].key) != i) return false;
  }
  return true;
}
static_assert(keys_match_index(), "all_apis must be indexed by api key");

constexpr size_t supported_count() {
  size_t n = 0;
  for (const auto& a : all_apis) n += a.supported() ? 1 : 0;
  return n;
}

constexpr auto make_supported() {
  std::array<api_info, supported_count()> out{};
  size_t i = 0;
  for (const auto& a : all_apis) {
    if (a.supported()) out[i++] = a;
  }
  return out;
}
constexpr auto supported_table = make_supported();

}  // namespace

const api_info* find_api(int16_t key) noexcept {
  if (key < 0 || key > api_key_max) return nullptr;
  return &all_apis[static_cast<size_t>(key)];
}

std::span<const api_info> supported_apis() noexcept { return supported_table; }

bool is_supported(int16_t key, int16_t version) noexcept {
  const api_info* a = find_api(key);
  return a != nullptr && a->supports(version);
}

bool is_flexible(int16_t key, int16_t version) noexcept {
  const api_info* a = find_api(key);
  return a != nullptr && a->is_flexible(version);
}

std::string_view to_string(api_key key) noexcept {
  const api_info* a = find_api(static_cast<int16_t>(key));
  return a != nullptr ? a->name : std::string_view("Unknown");
}

}  // namespace ringtail::codec
