// cluster: the client's view of a Kafka cluster — bootstrap servers, the metadata cache
// (brokers, topics, partition leaders) and one pipelined connection per broker, opened on
// first use and reopened after it breaks. Also the few admin calls the CLI and the load
// generator need (CreateTopics, ListOffsets).
//
// Lives on one shard; the producer and consumer built on it live there too. Several
// clients (one per simulated producer/consumer) each own a cluster. close() must be
// awaited before destruction.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ringtail/core/client/connection.h"
#include "ringtail/core/client/errors.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::core::client {

// ListOffsets' special timestamps.
inline constexpr int64_t latest_timestamp = -1;
inline constexpr int64_t earliest_timestamp = -2;

struct client_config {
  std::vector<io::endpoint> bootstrap_servers;
  connection_config connection;
  int retry_backoff_ms = 100;     // retry.backoff.ms
  int metadata_max_age_ms = 300'000;
  int retries = 10;               // for metadata/admin calls
};

// "host:port,host:port" → endpoints; errc::invalid_argument on a malformed entry.
result<std::vector<io::endpoint>> parse_bootstrap(std::string_view servers);

struct partition_metadata {
  int32_t partition = 0;
  int32_t leader = -1;  // -1: no leader right now
  int32_t leader_epoch = -1;
  int16_t error = 0;
};

struct topic_metadata {
  std::string name;
  int16_t error = 0;
  std::vector<partition_metadata> partitions;  // indexed by partition number
};

class cluster {
 public:
  explicit cluster(client_config cfg);
  ~cluster();
  cluster(const cluster&) = delete;
  cluster& operator=(const cluster&) = delete;

  const client_config& config() const noexcept { return cfg_; }

  // Connects to the first bootstrap server that answers and loads the broker list.
  io::task<result<void>> bootstrap();
  io::task<void> close();

  // Refreshes metadata for `topics` (all topics if empty). With `auto_create`, the
  // broker may create missing topics (allow_auto_topic_creation).
  io::task<result<void>> refresh_metadata(std::vector<std::string> topics, bool auto_create = false);
  // The cached metadata of `topic`, or nullptr. Valid until the next refresh.
  const topic_metadata* topic(std::string_view name) const;
  // Loads the topic's metadata, refreshing (with retries) until it has partitions and
  // every partition has a leader, or the retries run out.
  io::task<result<const topic_metadata*>> wait_for_topic(std::string name, bool auto_create = false);
  // Bumped on every successful refresh, so holders of leader ids know to look again.
  uint64_t metadata_version() const noexcept { return metadata_version_; }

  // The connection to `node_id` (opened on first use; reopened if broken).
  io::task<result<broker_connection*>> connection(int32_t node_id);
  // Some live connection (the least recently failed bootstrap/broker).
  io::task<result<broker_connection*>> any_connection();
  // Registers a broker seen outside Metadata (e.g. a FindCoordinator answer).
  void add_broker(int32_t node_id, std::string host, int32_t port);

  // CreateTopics; TOPIC_ALREADY_EXISTS is success when `if_not_exists`.
  io::task<result<void>> create_topic(std::string name, int32_t partitions, int16_t replication_factor,
                                      std::vector<std::pair<std::string, std::string>> configs, bool if_not_exists);
  // ListOffsets for one partition at `timestamp` (latest_timestamp, earliest_timestamp or
  // a time in ms): the offset, or -1 when no record is at/after the timestamp.
  io::task<result<int64_t>> list_offset(std::string topic, int32_t partition, int64_t timestamp);

 private:
  io::task<result<void>> refresh_once(const std::vector<std::string>& topics, bool auto_create);

  client_config cfg_;
  std::map<int32_t, io::endpoint> brokers_;
  std::unordered_map<std::string, topic_metadata> topics_;
  uint64_t metadata_version_ = 0;
  // node id → connection; broken ones move to retired_ until close() (requests may
  // still be finishing on them).
  std::map<int32_t, std::unique_ptr<broker_connection>> connections_;
  std::vector<std::unique_ptr<broker_connection>> retired_;
  // Bootstrap connections get negative ids (-1 - index), as Kafka clients do.
  bool closed_ = false;
};

}  // namespace ringtail::core::client
