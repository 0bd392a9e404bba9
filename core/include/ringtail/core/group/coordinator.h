// coordinator: the group coordinator of one shard — every group whose __consumer_offsets
// partition this shard owns, the io timers that drive their sessions and rebalances, and
// the persistence of group metadata and committed offsets in that partition.
//
// Routing (DESIGN.md "Groups"): group g lives on partition
// abs(java_string_hash(g)) % offsets.topic.num.partitions of __consumer_offsets; the
// partition's owner shard (from the metadata image) runs its coordinator. Handlers on any
// connection's shard call route_group() and io::submit_to() the owner.
//
// Lifecycle (per shard, driven from broker_main on shard 0):
//   init_coordinators() → start_coordinator() on each shard (replays the owned
//   partitions, starts the timer and retention tasks) → … → stop_coordinator() on each
//   shard before the server stops (answers every waiting JoinGroup/SyncGroup, ends the
//   tasks, waits for appends in flight) → clear_coordinators().
// A partition created later (first FindCoordinator) is loaded on first use.
//
// Timers: one task per shard sleeps until the earliest deadline of any group
// (group::next_deadline_ms(), kept in an ordered index) and is re-armed, never polled,
// when an operation moves a deadline earlier. Offset retention runs every
// offsets.retention.check.interval.ms (Kafka's default, 10 minutes).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ringtail/codec/error_code.h"
#include "ringtail/core/config.h"
#include "ringtail/core/group/group.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::core::group {

inline constexpr std::string_view offsets_topic_name = "__consumer_offsets";
inline constexpr int64_t offsets_retention_check_interval_ms = 600'000;
inline constexpr int32_t offsets_topic_segment_bytes = 100 * 1024 * 1024;  // offsets.topic.segment.bytes
inline constexpr int64_t idle_timer_ms = 3'600'000;  // timer sleep with nothing scheduled
// Records of queued appends are written as one batch up to about this size.
inline constexpr size_t append_batch_bytes_max = 512 * 1024;
static_assert(append_batch_bytes_max < offsets_topic_segment_bytes);
static_assert(offsets_retention_check_interval_ms > 0);

group_config make_group_config(const broker_config& cfg);

// Where a group's coordinator runs.
struct group_route {
  codec::error_code error = codec::error_code::none;
  int32_t partition = -1;
  unsigned shard = 0;
};
// Creates __consumer_offsets (internal, compacted) through the controller if it is
// missing. Returns whether it exists now.
io::task<bool> ensure_offsets_topic();
// The group's coordinator partition and shard; with `create`, makes the topic first.
// COORDINATOR_NOT_AVAILABLE when the topic does not exist (or cannot be created).
io::task<group_route> route_group(std::string_view group_id, bool create);

// One record for __consumer_offsets: key and value (nullopt = tombstone).
struct offsets_record {
  std::vector<std::byte> key;
  std::optional<std::vector<std::byte>> value;
};

class coordinator final : public group_store {
 public:
  coordinator(group_config cfg, log::clock& clk);
  ~coordinator() override;

  const group_config& config() const noexcept { return cfg_; }
  log::clock& clock() noexcept { return clock_; }
  bool stopping() const noexcept { return stopping_; }

  io::task<void> start();
  io::task<void> stop();

  // Loads the partition (replaying its records) if this shard owns it and it is not
  // loaded yet. NOT_COORDINATOR if this shard does not own it; COORDINATOR_NOT_AVAILABLE
  // while stopping.
  io::task<codec::error_code> ensure_loaded(int32_t partition);

  std::shared_ptr<group> find(std::string_view group_id) const;
  std::shared_ptr<group> get_or_create(std::string_view group_id);
  // Removes a Dead group (after its tombstones were written).
  void remove(std::string_view group_id);
  template <typename F>
  void for_each_group(F&& fn) const {
    for (const auto& [id, g] : groups_) fn(*g);
  }

  // Waits for a deferred JoinGroup / SyncGroup answer.
  io::task<join_result> join(std::shared_ptr<group> g, join_request req);
  io::task<sync_result> sync(std::shared_ptr<group> g, std::string member_id, std::optional<std::string> instance_id,
                             int32_t generation_id, std::map<std::string, std::string> assignments);

  // Appends records to the group's partition (in one batch, with whatever else is queued
  // for it meanwhile) and returns once they are in the log; the error is already mapped
  // to what OffsetCommit/JoinGroup answer (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR …).
  io::task<codec::error_code> append(std::string_view group_id, std::vector<offsets_record> records);

  // After any operation on a group: its deadlines may have moved.
  void reschedule(group& g);

  // Kafka's offset expiration pass (also run by the retention task).
  io::task<void> expire_offsets();

  // group_store
  void store_group(const group_snapshot& snapshot, std::function<void(codec::error_code)> done) override;

 private:
  friend io::task<void> coordinator_timer_loop(coordinator* c);
  friend io::task<void> coordinator_retention_loop(coordinator* c);
  friend io::task<void> coordinator_store_task(coordinator* c, std::string group_id, std::vector<offsets_record> records,
                                               std::function<void(codec::error_code)> done);
  // One writer per __consumer_offsets partition of this shard (see append()).
  struct pending_append {
    std::vector<offsets_record> records;
    std::optional<codec::error_code> result;
  };
  struct partition_writer {
    bool busy = false;
    std::deque<pending_append*> queue;
    io::event done;
  };
  io::task<codec::error_code> write_batch(int32_t partition, std::vector<pending_append*> batch);
  io::task<codec::error_code> load_partition(int32_t partition);
  void unindex(group& g);
  void fire_due_timers();

  group_config cfg_;
  log::clock& clock_;
  std::map<std::string, std::shared_ptr<group>, std::less<>> groups_;
  std::set<int32_t> loaded_;
  std::set<int32_t> loading_;
  io::event loaded_changed_;

  std::map<int32_t, std::unique_ptr<partition_writer>> writers_;
  std::set<std::pair<int64_t, group*>> deadlines_;
  std::unordered_map<group*, int64_t> indexed_;
  int64_t armed_ms_ = no_deadline;
  io::cancel_token* timer_token_ = nullptr;
  io::cancel_token* retention_token_ = nullptr;
  int tasks_running_ = 0;
  io::event tasks_done_;
  int stores_in_flight_ = 0;
  bool stopping_ = false;
};

// This shard's coordinator (valid between init_coordinators and clear_coordinators).
coordinator& local_coordinator();
void init_coordinators(unsigned shard_count, const broker_config& cfg);
void clear_coordinators();
// Run on each shard.
io::task<void> start_coordinator();
io::task<void> stop_coordinator();

// Kafka's client host for a peer "ip:port": "/ip".
std::string client_host_of(std::string_view peer);

}  // namespace ringtail::core::group
