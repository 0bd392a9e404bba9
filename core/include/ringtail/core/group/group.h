// group: one consumer group's state machine — Kafka's GroupMetadata + the group half of
// GroupCoordinator (classic protocol), as a pure class: no I/O, no runtime. Time comes
// from an injected log::clock; timers are explicit (next_deadline_ms() says when the
// group next needs on_timer()); persistence goes through a group_store the owner
// provides. The shard glue (coordinator.h) arms io timers and appends records; unit
// tests drive the same class with a fake clock and a fake store.
//
// Lives on the owner shard of its __consumer_offsets partition; never touched elsewhere.
// Lifecycle: created on the first JoinGroup (or a simple OffsetCommit, or at replay),
// removed by the coordinator when it becomes Dead (DeleteGroups, offset expiry).
//
// States (Kafka's GroupState):
//   Empty ──join──▶ PreparingRebalance ──all joined / rebalance timeout──▶ CompletingRebalance
//   CompletingRebalance ──leader's SyncGroup stored──▶ Stable
//   Stable / CompletingRebalance ──join of leader or changed member, leave, expiry──▶ PreparingRebalance
//   PreparingRebalance ──no member left──▶ Empty;  Empty ──delete / offsets expired──▶ Dead
//
// Deferred answers: JoinGroup and SyncGroup answers wait for the rebalance; they are
// callbacks held by the member and called exactly once (with an error if the member is
// removed, replaced or the coordinator stops). Callbacks must not call back into the
// group; the group invokes them after its own state is consistent.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ringtail/codec/error_code.h"
#include "ringtail/core/log/clock.h"

namespace ringtail::core::group {

using codec::error_code;

enum class group_state : uint8_t { empty, preparing_rebalance, completing_rebalance, stable, dead };
// Kafka's names ("Empty", "PreparingRebalance", ...), as DescribeGroups/ListGroups show them.
std::string_view to_string(group_state s) noexcept;
std::optional<group_state> group_state_from_string(std::string_view s) noexcept;  // case-insensitive

inline constexpr int64_t no_deadline = std::numeric_limits<int64_t>::max();
inline constexpr std::string_view consumer_protocol_type = "consumer";

// Kafka's group.* / offsets.* broker settings the state machine uses.
struct group_config {
  int32_t min_session_timeout_ms = 6000;            // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1'800'000;       // group.max.session.timeout.ms
  int32_t initial_rebalance_delay_ms = 3000;        // group.initial.rebalance.delay.ms
  int32_t offset_metadata_max_bytes = 4096;         // offset.metadata.max.bytes
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;  // offsets.retention.minutes
};

struct join_protocol {
  std::string name;
  std::string metadata;
};

struct join_request {
  std::string member_id;  // "" = a new member
  std::optional<std::string> group_instance_id;  // static membership (KIP-345)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<join_protocol> protocols;
  bool require_known_member_id = false;  // JoinGroup v4+: MEMBER_ID_REQUIRED round trip (KIP-394)
};

struct join_member_info {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;  // for the selected protocol
};

struct join_result {
  error_code error = error_code::none;
  int32_t generation_id = -1;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader_id;
  std::string member_id;
  std::vector<join_member_info> members;  // only for the leader
};
using join_callback = std::function<void(join_result)>;

struct sync_result {
  error_code error = error_code::none;
  std::string assignment;
};
using sync_callback = std::function<void(sync_result)>;

struct member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<join_protocol> protocols;
  std::string assignment;
  join_callback awaiting_join;
  sync_callback awaiting_sync;
  int64_t heartbeat_deadline_ms = no_deadline;
  uint64_t join_order = 0;  // leader succession and member listing follow join order
  bool is_new = true;

  const std::string* metadata_for(std::string_view protocol) const;
  // Same protocols with the same metadata, in the same order (Kafka's MemberMetadata.matches).
  bool matches(const std::vector<join_protocol>& protocols) const;
  bool is_static() const noexcept { return group_instance_id.has_value(); }
};

struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const topic_partition&) const = default;
};

struct committed_offset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
  int64_t expire_timestamp_ms = -1;  // -1: the group-level retention rule applies (KIP-211)
};

// What a GroupMetadata record holds (GroupMetadataValue v3).
struct group_snapshot {
  struct member_entry {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    int32_t rebalance_timeout_ms = 0;
    int32_t session_timeout_ms = 0;
    std::string subscription;  // metadata for the selected protocol
    std::string assignment;
  };
  std::string group_id;
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader;
  int64_t current_state_timestamp_ms = -1;
  std::vector<member_entry> members;
};

class group;

// Persistence of group metadata (the owner appends a GroupMetadata record to the group's
// __consumer_offsets partition). `done` is called exactly once, later or at once.
class group_store {
 public:
  virtual ~group_store() = default;
  virtual void store_group(const group_snapshot& snapshot, std::function<void(error_code)> done) = 0;
};

class group : public std::enable_shared_from_this<group> {
 public:
  group(std::string group_id, const group_config& cfg, log::clock& clk, group_store& store);
  ~group();
  group(const group&) = delete;
  group& operator=(const group&) = delete;

  // --- the classic protocol -------------------------------------------------------
  void join(join_request req, join_callback done);
  void sync(std::string_view member_id, std::optional<std::string_view> group_instance_id, int32_t generation_id,
            std::map<std::string, std::string> assignments, sync_callback done);
  error_code heartbeat(std::string_view member_id, std::optional<std::string_view> group_instance_id,
                       int32_t generation_id);
  // One member of a LeaveGroup (member_id may be "" with an instance id, v3+).
  error_code leave(std::string_view member_id, std::optional<std::string_view> group_instance_id);

  // OffsetCommit: whether this member may commit now (generation, membership, state).
  // Counts as a heartbeat. The caller persists the offsets, then apply_commit()s them.
  error_code validate_commit(std::string_view member_id, std::optional<std::string_view> group_instance_id,
                             int32_t generation_id);
  void apply_commit(const topic_partition& tp, committed_offset o);
  void remove_offset(const topic_partition& tp) { offsets_.erase(tp); }

  // --- time ------------------------------------------------------------------------
  // The earliest time on_timer() has work (no_deadline if none).
  int64_t next_deadline_ms() const noexcept;
  // Expires sessions and pending members and completes a rebalance whose timeout (or
  // initial delay) passed, as of clock.now_ms().
  void on_timer();

  // Offsets past retention (KIP-211 rules): removed from the group and returned so the
  // owner can write tombstones.
  std::vector<topic_partition> expire_offsets(int64_t retention_ms);

  // --- lifecycle -------------------------------------------------------------------
  // Dead: every waiting JoinGroup/SyncGroup is answered with `error`.
  void transition_to_dead(error_code error);
  // The coordinator is stopping: answer every waiting request with `error`, keep state.
  void fail_waiting(error_code error);
  // Replay of a GroupMetadata record (state becomes Empty or Stable; members get a
  // fresh session).
  void load(const group_snapshot& s);

  // --- queries ---------------------------------------------------------------------
  const std::string& id() const noexcept { return id_; }
  group_state state() const noexcept { return state_; }
  int32_t generation_id() const noexcept { return generation_; }
  const std::string& protocol_type() const noexcept { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const noexcept { return protocol_name_; }
  const std::optional<std::string>& leader_id() const noexcept { return leader_; }
  const std::map<std::string, member, std::less<>>& members() const noexcept { return members_; }
  std::vector<const member*> members_in_join_order() const;
  const std::map<topic_partition, committed_offset>& offsets() const noexcept { return offsets_; }
  bool has_member(std::string_view id) const { return members_.find(id) != members_.end(); }
  size_t pending_member_count() const noexcept { return pending_members_.size(); }
  int64_t current_state_timestamp_ms() const noexcept { return state_timestamp_ms_; }
  bool is_consumer_group() const noexcept { return protocol_type_ == consumer_protocol_type; }
  // Topics the members subscribe to (ConsumerProtocolSubscription of the selected
  // protocol); nullopt if unknown (not a consumer group, or undecodable metadata).
  std::optional<std::set<std::string>> subscribed_topics() const;
  group_snapshot snapshot(const std::map<std::string, std::string>* assignments = nullptr) const;

 private:
  using callbacks = std::vector<std::function<void()>>;

  bool supports_protocols(const std::string& type, const std::vector<join_protocol>& protocols) const;
  std::string select_protocol() const;
  int32_t rebalance_timeout_ms() const;
  bool is_fenced(std::string_view member_id, std::optional<std::string_view> instance_id) const;
  std::string new_member_id(const std::string& client_id);
  join_result current_join_result(const member& m, bool with_members) const;

  void add_member_and_rebalance(std::string member_id, join_request req, join_callback done, callbacks& out);
  void update_member_and_rebalance(member& m, join_request req, join_callback done, callbacks& out);
  void replace_static_member(std::string old_id, std::string new_id, join_request req, join_callback done,
                             callbacks& out);
  void remove_member_and_update(std::string_view member_id, error_code reason, callbacks& out);
  void maybe_prepare_rebalance(callbacks& out);
  void prepare_rebalance(callbacks& out);
  void try_complete_join(callbacks& out);
  void complete_join(callbacks& out);
  void reset_and_propagate_assignment_error(error_code error, callbacks& out);
  void on_group_stored(int32_t generation, std::map<std::string, std::string> assignments, error_code error);
  void touch(member& m);
  void set_state(group_state s);
  static void run(callbacks& cbs);

  std::string id_;
  const group_config& cfg_;
  log::clock& clock_;
  group_store& store_;

  group_state state_ = group_state::empty;
  int64_t state_timestamp_ms_ = -1;
  int32_t generation_ = 0;
  std::string protocol_type_;  // "" = none yet (Kafka: None)
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_;
  std::map<std::string, member, std::less<>> members_;
  std::map<std::string, std::string, std::less<>> static_members_;  // instance id -> member id
  std::map<std::string, int64_t, std::less<>> pending_members_;     // MEMBER_ID_REQUIRED sent; deadline
  uint64_t next_join_order_ = 0;

  // PreparingRebalance: when the join phase ends at the latest. During the initial
  // delay (group was Empty) the phase never ends early and is extended while members
  // keep arriving (InitialDelayedJoin).
  int64_t join_deadline_ms_ = no_deadline;
  bool initial_delay_ = false;
  int64_t initial_delay_remaining_ms_ = 0;
  bool new_member_added_ = false;

  std::map<topic_partition, committed_offset> offsets_;
};

}  // namespace ringtail::core::group
