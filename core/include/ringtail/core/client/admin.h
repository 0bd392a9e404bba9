// admin: the Kafka Admin API calls the CLI tools need — cluster and topic metadata
// (with replicas and ISR), CreateTopics/DeleteTopics/CreatePartitions, DescribeConfigs
// and (Incremental)AlterConfigs, ListOffsets for many partitions at once, and the
// consumer-group calls (FindCoordinator, ListGroups, DescribeGroups, DeleteGroups,
// OffsetFetch/OffsetCommit/OffsetDelete as an administrator, outside any generation).
//
// Uses a cluster it does not own and lives on that cluster's shard. Every request is
// built at the highest version both sides support (ApiVersions), so the calls work
// against any Kafka broker as well as Ringtail. Retriable failures (lost connection,
// NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS …) are retried after retry.backoff.ms
// until the call's deadline (`timeout_ms`, Kafka's default.api.timeout.ms) passes;
// anything else is returned at once with the broker's error message when it sent one.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ringtail/core/client/cluster.h"
#include "ringtail/io/task.h"

namespace ringtail::core::client {

// A failed admin call: the client error plus the broker's error_message, if any.
struct admin_error {
  error err{};
  std::string message;

  // "UNKNOWN_TOPIC_OR_PARTITION (3): <broker message>" or the local error's text.
  std::string text() const;
  bool is_kafka(codec::error_code ec) const noexcept {
    return err.code == errc::kafka && err.kafka == static_cast<int16_t>(ec);
  }
};

template <typename T>
using admin_result = ringtail::result<T, admin_error>;

inline unexpected<admin_error> admin_fail(error e, std::string message = {}) {
  return unexpected<admin_error>{admin_error{e, std::move(message)}};
}

// A failed try of an admin call, and whether another try (before the call's deadline)
// may cure it: a lost connection, a moved controller or coordinator, a loading group.
struct admin_failure {
  admin_error error;
  bool retriable = false;
};

// What one try of an admin call came to (admin's retry loop runs tries until one is
// final): the call's result — a success, or a failure no retry cures — or an
// admin_failure that says for itself whether to try again.
template <typename T>
struct admin_attempt {
  // A final try: its result, success or failure.
  admin_attempt(admin_result<T> r) : result(std::move(r)) {}  // NOLINT
  // A failed try, retriable or not.
  admin_attempt(admin_failure f) : result(unexpected{std::move(f.error)}), retriable(f.retriable) {}  // NOLINT

  admin_result<T> result;
  bool retriable = false;
};

struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const topic_partition&) const = default;
  bool operator==(const topic_partition&) const = default;
  // Kafka's TopicPartition.toString(): "topic-partition".
  std::string to_string() const { return topic + "-" + std::to_string(partition); }
};

struct broker_node {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
};

struct partition_description {
  int32_t partition = 0;
  int32_t leader = -1;  // -1: none
  int16_t error = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct topic_description {
  std::string name;
  int16_t error = 0;
  bool internal = false;
  std::vector<partition_description> partitions;  // sorted by partition
};

// A Metadata answer, kept whole (the cluster's cache drops replicas and ISR).
struct cluster_description {
  std::vector<broker_node> brokers;  // sorted by id
  int32_t controller_id = -1;
  std::vector<topic_description> topics;  // sorted by name
  const topic_description* find(std::string_view name) const;
};

// DescribeConfigs resource types (Kafka's ConfigResource.Type).
enum class config_resource : int8_t { topic = 2, broker = 4 };

// DescribeConfigs config sources (Kafka's ConfigEntry.ConfigSource, by wire id).
enum class config_source : int8_t {
  unknown = 0,
  dynamic_topic_config = 1,
  dynamic_broker_config = 2,
  dynamic_default_broker_config = 3,
  static_broker_config = 4,
  default_config = 5,
  dynamic_broker_logger_config = 6,
  client_metrics_config = 7,
  group_config = 8,
};
// Kafka's names: "DYNAMIC_TOPIC_CONFIG", "DEFAULT_CONFIG", …
std::string_view to_string(config_source s) noexcept;

struct config_synonym {
  std::string name;
  std::optional<std::string> value;
  config_source source = config_source::unknown;
};

struct config_entry {
  std::string name;
  std::optional<std::string> value;  // null for sensitive values
  bool read_only = false;
  bool is_default = false;
  bool sensitive = false;
  config_source source = config_source::unknown;
  std::vector<config_synonym> synonyms;
};

// IncrementalAlterConfigs operations (Kafka's AlterConfigOp.OpType, by wire id).
enum class alter_config_op : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

struct config_alteration {
  std::string name;
  alter_config_op op = alter_config_op::set;
  std::string value;
};

struct group_listing {
  std::string group_id;
  std::string protocol_type;
  std::string state;  // empty when the broker does not say (ListGroups < v4)
};

struct group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<topic_partition> assignment;  // decoded when the protocol type is "consumer"
};

struct group_description {
  std::string group_id;
  std::string state;  // "Stable", "Empty", "Dead" (unknown group), …
  std::string protocol_type;
  std::string protocol;  // the assignor while Stable
  std::vector<group_member> members;
  broker_node coordinator;
};

// ListOffsets over many partitions: the offsets found and the per-partition failures.
struct listed_offsets {
  std::map<topic_partition, int64_t> offsets;  // -1: no offset for the timestamp
  std::map<topic_partition, admin_error> errors;
};

// OffsetDelete: the group-level error (none when the call succeeded) and each partition's.
struct deleted_offsets {
  int16_t error = 0;
  std::map<topic_partition, int16_t> partitions;
};

class admin {
 public:
  admin(cluster& c, int timeout_ms);
  admin(const admin&) = delete;
  admin& operator=(const admin&) = delete;

  int timeout_ms() const noexcept { return timeout_ms_; }

  // Metadata for `topics` (every topic when empty), without auto-creation.
  io::task<admin_result<cluster_description>> describe_cluster(std::vector<std::string> topics);
  // Metadata for no topic: the brokers and the controller.
  io::task<admin_result<cluster_description>> describe_brokers();

  // CreateTopics. partitions / replication_factor -1 = the broker's defaults (v4+).
  io::task<admin_result<void>> create_topic(std::string name, int32_t partitions, int16_t replication_factor,
                                            std::map<std::string, std::string> configs);
  io::task<admin_result<void>> delete_topic(std::string name);
  // CreatePartitions: grows `name` to `total` partitions.
  io::task<admin_result<void>> create_partitions(std::string name, int32_t total);

  io::task<admin_result<std::vector<config_entry>>> describe_configs(config_resource type, std::string name,
                                                                     bool include_synonyms);
  // IncrementalAlterConfigs; errc::unsupported_version when the broker lacks it.
  io::task<admin_result<void>> incremental_alter_configs(config_resource type, std::string name,
                                                         std::vector<config_alteration> ops);
  // AlterConfigs (the whole set of dynamic values at once; for brokers before 2.3).
  io::task<admin_result<void>> alter_configs(config_resource type, std::string name,
                                             std::map<std::string, std::string> configs);

  // ListOffsets for every partition (grouped by leader, one request per leader).
  // timestamp: latest_timestamp, earliest_timestamp or a time in ms.
  io::task<admin_result<listed_offsets>> list_offsets(std::vector<topic_partition> partitions, int64_t timestamp);

  // ListGroups on every broker, merged.
  io::task<admin_result<std::vector<group_listing>>> list_groups();
  io::task<admin_result<group_description>> describe_group(std::string group);
  io::task<admin_result<void>> delete_group(std::string group);
  // OffsetFetch for every partition the group has committed (-1 entries dropped).
  io::task<admin_result<std::map<topic_partition, int64_t>>> list_group_offsets(std::string group);
  // OffsetCommit outside any generation (generation -1, no member id), as Kafka's
  // alterConsumerGroupOffsets does: the group must be empty.
  io::task<admin_result<void>> alter_group_offsets(std::string group, std::map<topic_partition, int64_t> offsets);
  io::task<admin_result<deleted_offsets>> delete_group_offsets(std::string group,
                                                               std::vector<topic_partition> partitions);

 private:
  // Runs `try_once` (a callable returning io::task<admin_attempt<T>>) until a try is final
  // or the call's deadline (timeout_ms) has passed, waiting retry.backoff.ms between tries.
  // The callable is called anew for each try and must not be a coroutine itself (a lambda
  // coroutine's captures die before its frame does): it calls a named *_once coroutine.
  template <typename T, typename TryOnce>
  io::task<admin_result<T>> with_retries(TryOnce try_once) {
    const auto until = deadline();
    for (;;) {
      admin_attempt<T> a = co_await try_once();
      if (!a.retriable || past(until)) co_return std::move(a.result);
      co_await backoff();
    }
  }

  // One try of each call (the calls run them with with_retries).
  io::task<admin_attempt<cluster_description>> metadata_once(std::vector<std::string> topics, bool all);
  io::task<admin_attempt<void>> create_topic_once(std::string name, int32_t partitions, int16_t replication_factor,
                                                  std::map<std::string, std::string> configs);
  io::task<admin_attempt<void>> delete_topic_once(std::string name);
  io::task<admin_attempt<void>> create_partitions_once(std::string name, int32_t total);
  io::task<admin_attempt<std::vector<config_entry>>> describe_configs_once(config_resource type, std::string name,
                                                                           bool include_synonyms);
  io::task<admin_attempt<void>> incremental_alter_configs_once(config_resource type, std::string name,
                                                               std::vector<config_alteration> ops);
  io::task<admin_attempt<void>> alter_configs_once(config_resource type, std::string name,
                                                   std::map<std::string, std::string> configs);
  io::task<admin_attempt<broker_connection*>> coordinator_once(std::string group, broker_node* node);
  // The consumer groups one broker coordinates.
  io::task<admin_attempt<std::vector<group_listing>>> list_groups_once(int32_t broker_id);
  io::task<admin_attempt<group_description>> describe_group_once(std::string group);
  io::task<admin_attempt<void>> delete_group_once(std::string group);
  io::task<admin_attempt<std::map<topic_partition, int64_t>>> list_group_offsets_once(std::string group);
  io::task<admin_attempt<void>> alter_group_offsets_once(std::string group, std::map<topic_partition, int64_t> offsets);
  io::task<admin_attempt<deleted_offsets>> delete_group_offsets_once(std::string group,
                                                                     std::vector<topic_partition> partitions);

  // The coordinator of `group` (FindCoordinator, retried until the deadline); its node
  // in `*node` when not null.
  io::task<admin_result<broker_connection*>> coordinator(const std::string& group, broker_node* node);
  io::task<admin_result<broker_connection*>> controller_connection();
  io::task<admin_result<cluster_description>> metadata(std::vector<std::string> topics, bool all);
  // The connection to `node_id`, or any live one when it is -1.
  io::task<result<broker_connection*>> connection_for(int32_t node_id);
  bool past(io::clock::time_point deadline) const noexcept { return io::clock::now() >= deadline; }
  io::clock::time_point deadline() const noexcept { return io::clock::now() + std::chrono::milliseconds(timeout_ms_); }
  io::task<void> backoff();

  cluster& cluster_;
  int timeout_ms_;
};

}  // namespace ringtail::core::client
