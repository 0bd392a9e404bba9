// consumer: Kafka's consumer on one shard — manual assignment or group subscription
// (classic protocol: FindCoordinator, JoinGroup, SyncGroup with the range assignor,
// Heartbeat, OffsetCommit/OffsetFetch), fetching with fetch.min.bytes /
// fetch.max.wait.ms / max.partition.fetch.bytes, seeks, and decompression.
//
// Owns the per-partition positions, the queue of fetched chunks (bounded by
// queued.max.bytes) and its background tasks: a fetch manager that keeps one Fetch in
// flight per leader (prefetching while the application processes the previous answer),
// and, with a group, the membership task (join/sync/heartbeat). Uses a cluster it does
// not own.
//
// poll() hands records to a handler in offset order per partition; a chunk fetched
// before a seek() is dropped (each partition has an epoch bumped by seek/assign).
//
// Lifecycle: assign() or subscribe() → poll()… → commit() → close().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/client/cluster.h"
#include "ringtail/core/client/wakeup.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::core::client {

enum class offset_reset : uint8_t { earliest, latest, none };

// Special offsets for assign()/seek().
inline constexpr int64_t offset_beginning = -2;
inline constexpr int64_t offset_end = -1;

// isolation.level, as Fetch carries it (KIP-98).
inline constexpr int8_t isolation_read_uncommitted = 0;
inline constexpr int8_t isolation_read_committed = 1;

struct consumer_config {
  int32_t fetch_min_bytes = 1;                       // fetch.min.bytes
  int fetch_max_wait_ms = 500;                       // fetch.max.wait.ms
  int32_t max_partition_fetch_bytes = 1024 * 1024;   // max.partition.fetch.bytes
  int32_t fetch_max_bytes = 50 * 1024 * 1024;        // fetch.max.bytes
  size_t queued_max_bytes = 64 * 1024 * 1024;        // bound on fetched, unconsumed bytes
  offset_reset auto_offset_reset = offset_reset::latest;  // auto.offset.reset
  std::string group_id;                              // group.id (subscribe only)
  int session_timeout_ms = 10'000;                   // session.timeout.ms
  int rebalance_timeout_ms = 30'000;                 // max.poll.interval.ms
  int heartbeat_interval_ms = 1'000;                 // heartbeat.interval.ms
  bool enable_auto_commit = true;                    // enable.auto.commit (periodic, on rebalance/close)
  int auto_commit_interval_ms = 5'000;               // auto.commit.interval.ms
  // isolation.level: read_committed fetches up to the last stable offset and drops the
  // batches of aborted transactions the broker lists.
  int8_t isolation_level = isolation_read_uncommitted;
};

struct topic_partition_offset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = offset_end;  // >= 0, offset_beginning or offset_end
};

struct consumed_record {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  codec::timestamp_type timestamp_type = codec::timestamp_type::create_time;
  std::optional<std::span<const std::byte>> key;
  std::optional<std::span<const std::byte>> value;
  codec::header_reader headers;
};

class record_handler {
 public:
  virtual void on_record(const consumed_record& r) = 0;

 protected:
  ~record_handler() = default;
};

struct consumer_stats {
  uint64_t fetches = 0;
  uint64_t fetch_errors = 0;
  uint64_t bytes_fetched = 0;
  uint64_t rebalances = 0;
};

class consumer {
 public:
  consumer(cluster& c, consumer_config cfg);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  // Replaces the assignment and starts fetching.
  io::task<result<void>> assign(std::vector<topic_partition_offset> partitions);
  // Joins cfg.group_id and consumes what the group assigns (range assignor).
  io::task<result<void>> subscribe(std::vector<std::string> topics);

  // offset >= 0, offset_beginning or offset_end.
  io::task<result<void>> seek(std::string topic, int32_t partition, int64_t offset);
  // The first offset whose timestamp is >= timestamp_ms (the end if none).
  io::task<result<void>> seek_to_timestamp(std::string topic, int32_t partition, int64_t timestamp_ms);
  // The next offset poll() delivers for the partition; -1 until known.
  int64_t position(std::string_view topic, int32_t partition) const;

  // Delivers the records fetched so far (waiting up to `timeout` for some); returns how
  // many. A fatal error (e.g. out of range with auto.offset.reset=none) is returned once.
  io::task<result<size_t>> poll(record_handler& handler, std::chrono::milliseconds timeout);

  // Commits the current positions of the assigned partitions to the group.
  io::task<result<void>> commit();
  // The group's committed offset for a partition (-1 if none).
  io::task<result<int64_t>> committed(std::string topic, int32_t partition);

  io::task<void> close();

  size_t assignment_size() const noexcept { return partitions_.size(); }
  // Every assigned partition has a position (resets resolved).
  bool positions_known() const noexcept {
    for (const auto& p : partitions_) {
      if (p->fetch_offset < 0) return false;
    }
    return true;
  }
  int32_t generation() const noexcept { return generation_; }
  const consumer_stats& stats() const noexcept { return stats_; }

 private:
  struct partition_state {
    std::string topic;
    int32_t partition = 0;
    int64_t fetch_offset = -1;  // next offset to fetch
    int64_t position = -1;      // next offset to deliver
    int64_t reset_to = offset_end;  // pending reset (when fetch_offset < 0)
    uint64_t epoch = 0;
    bool fetching = false;
  };
  struct aborted_transaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
  };
  struct chunk {
    std::shared_ptr<response_frame> frame;
    partition_state* partition = nullptr;
    uint64_t epoch = 0;
    std::span<const std::byte> records;
    std::vector<aborted_transaction> aborted;  // read_committed only, by first_offset
  };

  partition_state* find(std::string_view topic, int32_t partition) const;
  io::task<result<void>> set_assignment(std::vector<topic_partition_offset> partitions);
  io::task<void> fetch_manager();
  struct fetch_target {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    uint64_t epoch = 0;
  };
  io::task<void> fetch_from(int32_t node, std::vector<fetch_target> targets);
  io::task<result<void>> resolve_reset(partition_state* p);
  io::task<void> group_loop(std::vector<std::string> topics);
  io::task<result<void>> join_and_sync(const std::vector<std::string>& topics);
  io::task<result<broker_connection*>> coordinator();
  void wake_manager() { manager_wake_.notify(); }

  cluster& cluster_;
  consumer_config cfg_;
  std::vector<std::unique_ptr<partition_state>> partitions_;
  std::deque<chunk> chunks_;
  size_t queued_bytes_ = 0;
  wakeup data_ready_;
  wakeup manager_wake_;
  io::event task_done_;
  std::map<int32_t, bool> node_busy_;
  int running_tasks_ = 0;
  bool manager_running_ = false;
  bool closing_ = false;
  std::optional<error> fatal_;
  codec::byte_buffer scratch_;
  consumer_stats stats_;
  uint64_t epoch_counter_ = 0;
  // Group membership.
  int32_t coordinator_id_ = -1;
  std::string member_id_;
  int32_t generation_ = -1;
  bool in_group_ = false;
  bool group_running_ = false;
  io::clock::time_point next_auto_commit_{};
};

}  // namespace ringtail::core::client
