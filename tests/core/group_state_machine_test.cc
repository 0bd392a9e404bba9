// The group state machine (core/group/group.h) driven deterministically: a fake clock,
// explicit on_timer() calls, and a fake store whose completions the test controls.
#include <gtest/gtest.h>

#include <deque>
#include <optional>

#include "ringtail/core/group/group.h"

namespace ringtail::core::group {
namespace {

using codec::error_code;

class fake_store final : public group_store {
 public:
  bool auto_complete = true;
  error_code result = error_code::none;
  std::vector<group_snapshot> stored;
  std::deque<std::function<void(error_code)>> pending;

  void store_group(const group_snapshot& s, std::function<void(error_code)> done) override {
    stored.push_back(s);
    if (auto_complete) done(result);
    else pending.push_back(std::move(done));
  }
  void complete_one(error_code e = error_code::none) {
    auto f = std::move(pending.front());
    pending.pop_front();
    f(e);
  }
};

struct join_slot {
  std::optional<join_result> r;
  join_callback cb() {
    return [this](join_result x) {
      ASSERT_FALSE(r.has_value()) << "join answered twice";
      r = std::move(x);
    };
  }
};
struct sync_slot {
  std::optional<sync_result> r;
  sync_callback cb() {
    return [this](sync_result x) {
      ASSERT_FALSE(r.has_value()) << "sync answered twice";
      r = std::move(x);
    };
  }
};

class group_test : public ::testing::Test {
 protected:
  group_test() {
    cfg.initial_rebalance_delay_ms = 0;
    cfg.min_session_timeout_ms = 1000;
    cfg.max_session_timeout_ms = 60000;
    g = std::make_shared<group>("g", cfg, clock, store);
  }

  join_request req(std::string member_id = "", std::vector<join_protocol> protocols = {{"range", "m"}},
                   std::optional<std::string> instance = std::nullopt) {
    join_request r;
    r.member_id = std::move(member_id);
    r.group_instance_id = std::move(instance);
    r.client_id = "client";
    r.client_host = "/127.0.0.1";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 30000;
    r.protocol_type = "consumer";
    r.protocols = std::move(protocols);
    return r;
  }

  // Runs time forward in steps, firing due timers like the shard glue does.
  void advance(int64_t ms) {
    const int64_t end = clock.now_ms() + ms;
    for (;;) {
      const int64_t d = g->next_deadline_ms();
      if (d > end) break;
      clock.set_ms(std::max(d, clock.now_ms()));
      g->on_timer();
    }
    clock.set_ms(end);
  }

  // Two dynamic members through join + sync to Stable; returns {leader, follower}.
  std::pair<std::string, std::string> stable_pair() {
    join_slot a, b;
    g->join(req(), a.cb());
    g->join(req(), b.cb());
    // group.initial.rebalance.delay.ms = 0: the (extended) initial delay ends at once.
    advance(1);
    EXPECT_TRUE(a.r && b.r);
    EXPECT_EQ(a.r->error, error_code::none);
    EXPECT_EQ(b.r->error, error_code::none);
    const std::string leader = a.r->leader_id;
    const std::string follower = leader == a.r->member_id ? b.r->member_id : a.r->member_id;
    sync_slot sa, sf;
    g->sync(follower, std::nullopt, g->generation_id(), {}, sf.cb());
    EXPECT_FALSE(sf.r.has_value());
    g->sync(leader, std::nullopt, g->generation_id(), {{leader, "A"}, {follower, "B"}}, sa.cb());
    EXPECT_TRUE(sa.r && sf.r);
    EXPECT_EQ(sa.r->assignment, "A");
    EXPECT_EQ(sf.r->assignment, "B");
    EXPECT_EQ(g->state(), group_state::stable);
    return {leader, follower};
  }

  group_config cfg;
  log::fake_clock clock{1'000'000};
  fake_store store;
  std::shared_ptr<group> g;
};

TEST_F(group_test, join_sync_heartbeat_flow_with_initial_delay) {
  cfg.initial_rebalance_delay_ms = 3000;
  join_slot a, b;
  g->join(req(), a.cb());
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
  clock.advance_ms(1000);
  g->join(req(), b.cb());
  advance(2000);  // first delay ends; a member arrived meanwhile: one more delay
  EXPECT_FALSE(a.r.has_value());
  advance(3000);
  ASSERT_TRUE(a.r && b.r);
  EXPECT_EQ(g->state(), group_state::completing_rebalance);
  EXPECT_EQ(a.r->generation_id, 1);
  EXPECT_EQ(b.r->generation_id, 1);
  EXPECT_EQ(a.r->protocol_name, "range");
  EXPECT_EQ(a.r->leader_id, a.r->member_id) << "the first member leads";
  EXPECT_EQ(a.r->members.size(), 2u) << "the leader gets every member's metadata";
  EXPECT_EQ(a.r->members[0].metadata, "m");
  EXPECT_TRUE(b.r->members.empty());
  EXPECT_EQ(b.r->leader_id, a.r->member_id);

  sync_slot sa, sb;
  g->sync(b.r->member_id, std::nullopt, 1, {}, sb.cb());
  EXPECT_FALSE(sb.r.has_value()) << "followers wait for the leader's assignment";
  EXPECT_EQ(g->heartbeat(a.r->member_id, std::nullopt, 1), error_code::none);
  store.auto_complete = false;
  g->sync(a.r->member_id, std::nullopt, 1, {{a.r->member_id, "pa"}, {b.r->member_id, "pb"}}, sa.cb());
  EXPECT_FALSE(sa.r.has_value()) << "answers wait for the group record to be stored";
  ASSERT_EQ(store.stored.size(), 1u);
  EXPECT_EQ(store.stored[0].members.size(), 2u);
  EXPECT_EQ(store.stored[0].protocol_name, "range");
  store.complete_one();
  ASSERT_TRUE(sa.r && sb.r);
  EXPECT_EQ(sa.r->assignment, "pa");
  EXPECT_EQ(sb.r->assignment, "pb");
  EXPECT_EQ(g->state(), group_state::stable);
  EXPECT_EQ(g->heartbeat(b.r->member_id, std::nullopt, 1), error_code::none);

  // Stable: a follower's SyncGroup retry gets its assignment at once.
  sync_slot again;
  g->sync(b.r->member_id, std::nullopt, 1, {}, again.cb());
  ASSERT_TRUE(again.r);
  EXPECT_EQ(again.r->assignment, "pb");
}

TEST_F(group_test, member_id_required_round_trip) {
  join_slot first;
  auto r = req();
  r.require_known_member_id = true;
  g->join(r, first.cb());
  ASSERT_TRUE(first.r);
  EXPECT_EQ(first.r->error, error_code::member_id_required);
  EXPECT_FALSE(first.r->member_id.empty());
  EXPECT_EQ(g->pending_member_count(), 1u);
  EXPECT_TRUE(g->members().empty());

  join_slot second;
  auto r2 = req(first.r->member_id);
  r2.require_known_member_id = true;
  g->join(r2, second.cb());
  advance(1);
  ASSERT_TRUE(second.r);
  EXPECT_EQ(second.r->error, error_code::none);
  EXPECT_EQ(second.r->member_id, first.r->member_id);
  EXPECT_EQ(g->pending_member_count(), 0u);
}

TEST_F(group_test, pending_member_expires_after_session_timeout) {
  join_slot first;
  auto r = req();
  r.require_known_member_id = true;
  g->join(r, first.cb());
  EXPECT_EQ(g->pending_member_count(), 1u);
  advance(10000);
  EXPECT_EQ(g->pending_member_count(), 0u);
}

TEST_F(group_test, member_session_timeout_triggers_rebalance) {
  auto [leader, follower] = stable_pair();
  // The leader keeps heartbeating; the follower dies silently.
  for (int i = 0; i < 3; ++i) {
    advance(3000);
    EXPECT_EQ(g->heartbeat(leader, std::nullopt, 1), error_code::none);
  }
  EXPECT_TRUE(g->has_member(follower));
  advance(3000);
  EXPECT_FALSE(g->has_member(follower)) << "expired after session.timeout.ms";
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
  EXPECT_EQ(g->heartbeat(leader, std::nullopt, 1), error_code::rebalance_in_progress);
  join_slot again;
  g->join(req(leader), again.cb());
  ASSERT_TRUE(again.r) << "every remaining member rejoined: the join completes at once";
  EXPECT_EQ(again.r->generation_id, 2);
  EXPECT_EQ(again.r->members.size(), 1u);
  EXPECT_EQ(g->state(), group_state::completing_rebalance);
}

TEST_F(group_test, member_missing_the_rebalance_is_dropped_at_rebalance_timeout) {
  auto [leader, follower] = stable_pair();
  join_slot l;
  g->join(req(leader), l.cb());  // the leader rejoins: rebalance
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
  // The follower keeps heartbeating (REBALANCE_IN_PROGRESS) but never rejoins.
  for (int i = 0; i < 9; ++i) {
    advance(3000);
    EXPECT_EQ(g->heartbeat(follower, std::nullopt, 1), error_code::rebalance_in_progress);
  }
  EXPECT_FALSE(l.r.has_value());
  advance(3001);  // 30 s rebalance timeout
  ASSERT_TRUE(l.r);
  EXPECT_EQ(l.r->generation_id, 2);
  EXPECT_FALSE(g->has_member(follower));
  EXPECT_EQ(g->heartbeat(follower, std::nullopt, 2), error_code::unknown_member_id);
}

TEST_F(group_test, leader_leaving_mid_rebalance) {
  auto [leader, follower] = stable_pair();
  // A third member joins: PreparingRebalance; the leader leaves before rejoining.
  join_slot c, f;
  g->join(req(), c.cb());
  g->join(req(follower), f.cb());
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
  EXPECT_EQ(g->leave(leader, std::nullopt), error_code::none);
  ASSERT_TRUE(c.r && f.r) << "the remaining members had all rejoined";
  EXPECT_EQ(c.r->generation_id, 2);
  EXPECT_NE(c.r->leader_id, leader);
  const join_result& new_leader = c.r->leader_id == c.r->member_id ? *c.r : *f.r;
  EXPECT_EQ(new_leader.members.size(), 2u);

  // Now the leader leaves during CompletingRebalance: followers waiting in SyncGroup
  // learn REBALANCE_IN_PROGRESS.
  const std::string l2 = new_leader.member_id;
  const std::string other = l2 == c.r->member_id ? f.r->member_id : c.r->member_id;
  sync_slot s;
  g->sync(other, std::nullopt, 2, {}, s.cb());
  EXPECT_FALSE(s.r.has_value());
  EXPECT_EQ(g->leave(l2, std::nullopt), error_code::none);
  ASSERT_TRUE(s.r);
  EXPECT_EQ(s.r->error, error_code::rebalance_in_progress);
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
}

TEST_F(group_test, last_member_leaving_empties_the_group) {
  auto [leader, follower] = stable_pair();
  EXPECT_EQ(g->leave(leader, std::nullopt), error_code::none);
  EXPECT_EQ(g->leave(follower, std::nullopt), error_code::none);
  EXPECT_EQ(g->state(), group_state::empty);
  EXPECT_EQ(g->generation_id(), 2);
  ASSERT_FALSE(store.stored.empty());
  EXPECT_TRUE(store.stored.back().members.empty()) << "the empty group is persisted";
  EXPECT_EQ(g->leave(leader, std::nullopt), error_code::unknown_member_id);
}

TEST_F(group_test, static_member_restart_keeps_assignment_without_rebalance) {
  join_slot a, b;
  g->join(req("", {{"range", "m"}}, "inst-a"), a.cb());
  g->join(req("", {{"range", "m"}}, "inst-b"), b.cb());
  advance(1);
  ASSERT_TRUE(a.r && b.r);
  sync_slot sa, sb;
  g->sync(b.r->member_id, "inst-b", 1, {}, sb.cb());
  g->sync(a.r->member_id, "inst-a", 1, {{a.r->member_id, "A"}, {b.r->member_id, "B"}}, sa.cb());
  ASSERT_TRUE(sb.r);
  EXPECT_EQ(g->state(), group_state::stable);
  const std::string old_b = b.r->member_id;

  // inst-b restarts (new process, no member id) within its session timeout.
  clock.advance_ms(2000);
  join_slot b2;
  g->join(req("", {{"range", "m"}}, "inst-b"), b2.cb());
  ASSERT_TRUE(b2.r);
  EXPECT_EQ(b2.r->error, error_code::none);
  EXPECT_NE(b2.r->member_id, old_b);
  EXPECT_EQ(b2.r->generation_id, 1) << "same generation: no rebalance";
  EXPECT_EQ(b2.r->leader_id, a.r->member_id);
  EXPECT_EQ(g->state(), group_state::stable);
  sync_slot s2;
  g->sync(b2.r->member_id, "inst-b", 1, {}, s2.cb());
  ASSERT_TRUE(s2.r);
  EXPECT_EQ(s2.r->assignment, "B") << "the restarted member takes the old assignment";

  // The old incarnation is fenced.
  EXPECT_EQ(g->heartbeat(old_b, "inst-b", 1), error_code::fenced_instance_id);
  EXPECT_EQ(g->validate_commit(old_b, "inst-b", 1), error_code::fenced_instance_id);
  join_slot zombie;
  g->join(req(old_b, {{"range", "m"}}, "inst-b"), zombie.cb());
  ASSERT_TRUE(zombie.r);
  EXPECT_EQ(zombie.r->error, error_code::fenced_instance_id);
}

TEST_F(group_test, static_member_survives_missing_a_rebalance_until_session_timeout) {
  join_slot a, b;
  g->join(req("", {{"range", "m"}}, "inst-a"), a.cb());
  g->join(req(), b.cb());
  advance(1);
  ASSERT_TRUE(a.r && b.r);
  const std::string static_id = a.r->member_id;
  const std::string dyn = b.r->member_id;
  sync_slot s1, s2;
  g->sync(static_id, "inst-a", 1, {}, s1.cb());
  g->sync(dyn, std::nullopt, 1, {}, s2.cb());
  ASSERT_TRUE(s1.r && s2.r);
  EXPECT_EQ(g->state(), group_state::stable);
  // The dynamic member leaves; the static one stays silent.
  EXPECT_EQ(g->leave(dyn, std::nullopt), error_code::none);
  EXPECT_TRUE(g->has_member(static_id));
  advance(10001);
  EXPECT_FALSE(g->has_member(static_id)) << "gone after its session timeout";
  EXPECT_EQ(g->state(), group_state::empty);
}

TEST_F(group_test, illegal_generation) {
  auto [leader, follower] = stable_pair();
  EXPECT_EQ(g->heartbeat(leader, std::nullopt, 7), error_code::illegal_generation);
  sync_slot s;
  g->sync(follower, std::nullopt, 0, {}, s.cb());
  ASSERT_TRUE(s.r);
  EXPECT_EQ(s.r->error, error_code::illegal_generation);
  EXPECT_EQ(g->validate_commit(follower, std::nullopt, 2), error_code::illegal_generation);
  EXPECT_EQ(g->validate_commit(follower, std::nullopt, 1), error_code::none);
}

TEST_F(group_test, unknown_member) {
  auto [leader, follower] = stable_pair();
  EXPECT_EQ(g->heartbeat("nobody", std::nullopt, 1), error_code::unknown_member_id);
  EXPECT_EQ(g->leave("nobody", std::nullopt), error_code::unknown_member_id);
  EXPECT_EQ(g->validate_commit("nobody", std::nullopt, 1), error_code::unknown_member_id);
  join_slot j;
  g->join(req("nobody"), j.cb());
  ASSERT_TRUE(j.r);
  EXPECT_EQ(j.r->error, error_code::unknown_member_id);
  sync_slot s;
  g->sync("nobody", std::nullopt, 1, {}, s.cb());
  ASSERT_TRUE(s.r);
  EXPECT_EQ(s.r->error, error_code::unknown_member_id);
}

TEST_F(group_test, commit_during_rebalance) {
  // Empty group: a simple consumer (generation -1) may commit.
  EXPECT_EQ(g->validate_commit("", std::nullopt, -1), error_code::none);
  auto [leader, follower] = stable_pair();
  EXPECT_EQ(g->validate_commit("", std::nullopt, -1), error_code::unknown_member_id)
      << "a group with members does not take anonymous commits";
  // PreparingRebalance: members of the current generation may still commit (they do so
  // while revoking partitions).
  join_slot l;
  g->join(req(leader), l.cb());
  ASSERT_EQ(g->state(), group_state::preparing_rebalance);
  EXPECT_EQ(g->validate_commit(follower, std::nullopt, 1), error_code::none);
  join_slot f;
  g->join(req(follower), f.cb());
  ASSERT_EQ(g->state(), group_state::completing_rebalance);
  EXPECT_EQ(g->validate_commit(follower, std::nullopt, 2), error_code::rebalance_in_progress);
}

TEST_F(group_test, protocol_selection_and_consistency) {
  join_slot a, b, c;
  g->join(req("", {{"range", "ra"}, {"roundrobin", "rra"}}), a.cb());
  g->join(req("", {{"roundrobin", "rrb"}, {"cooperative-sticky", "cs"}}), b.cb());
  auto other = req("", {{"sticky", "s"}});
  g->join(other, c.cb());
  ASSERT_TRUE(c.r);
  EXPECT_EQ(c.r->error, error_code::inconsistent_group_protocol);
  auto wrong_type = req();
  wrong_type.protocol_type = "connect";
  join_slot d;
  g->join(wrong_type, d.cb());
  ASSERT_TRUE(d.r);
  EXPECT_EQ(d.r->error, error_code::inconsistent_group_protocol);
  advance(1);
  ASSERT_TRUE(a.r && b.r);
  EXPECT_EQ(a.r->protocol_name, "roundrobin");
  ASSERT_EQ(a.r->members.size(), 2u);
  EXPECT_EQ(a.r->members[0].metadata, "rra") << "the leader sees each member's metadata for the chosen protocol";
  EXPECT_EQ(a.r->members[1].metadata, "rrb");
}

TEST_F(group_test, session_timeout_bounds) {
  auto r = req();
  r.session_timeout_ms = 999;
  join_slot j;
  g->join(r, j.cb());
  ASSERT_TRUE(j.r);
  EXPECT_EQ(j.r->error, error_code::invalid_session_timeout);
  r.session_timeout_ms = 60001;
  join_slot k;
  g->join(r, k.cb());
  ASSERT_TRUE(k.r);
  EXPECT_EQ(k.r->error, error_code::invalid_session_timeout);
}

TEST_F(group_test, failed_store_sends_members_back_to_rebalance) {
  join_slot a, b;
  g->join(req(), a.cb());
  g->join(req(), b.cb());
  advance(1);
  ASSERT_TRUE(a.r && b.r);
  store.result = error_code::coordinator_not_available;
  sync_slot sa, sb;
  const std::string leader = a.r->leader_id;
  const std::string follower = leader == a.r->member_id ? b.r->member_id : a.r->member_id;
  g->sync(follower, std::nullopt, 1, {}, sb.cb());
  g->sync(leader, std::nullopt, 1, {{leader, "x"}}, sa.cb());
  ASSERT_TRUE(sa.r && sb.r);
  EXPECT_EQ(sa.r->error, error_code::coordinator_not_available);
  EXPECT_EQ(g->state(), group_state::preparing_rebalance);
}

TEST_F(group_test, fail_waiting_answers_everyone) {
  join_slot a;
  g->join(req(), a.cb());
  EXPECT_FALSE(a.r.has_value());
  g->fail_waiting(error_code::not_coordinator);
  ASSERT_TRUE(a.r);
  EXPECT_EQ(a.r->error, error_code::not_coordinator);
}

TEST_F(group_test, next_deadline_tracks_sessions) {
  EXPECT_EQ(g->next_deadline_ms(), no_deadline);
  auto [leader, follower] = stable_pair();
  EXPECT_EQ(g->next_deadline_ms(), clock.now_ms() + 10000);
}

TEST_F(group_test, offsets_expire_after_retention_when_empty) {
  g->apply_commit({"t", 0}, committed_offset{5, -1, "", clock.now_ms(), -1});
  g->apply_commit({"t", 1}, committed_offset{7, -1, "", clock.now_ms(), clock.now_ms() + 1000});
  // Standalone group (no protocol type): retention counts from the commit.
  clock.advance_ms(1000);
  auto gone = g->expire_offsets(5000);
  ASSERT_EQ(gone.size(), 1u) << "an explicit expire timestamp wins";
  EXPECT_EQ(gone[0].partition, 1);
  clock.advance_ms(4000);
  gone = g->expire_offsets(5000);
  EXPECT_EQ(gone.size(), 1u);
  EXPECT_TRUE(g->offsets().empty());
}

TEST_F(group_test, state_names) {
  EXPECT_EQ(to_string(group_state::completing_rebalance), "CompletingRebalance");
  EXPECT_EQ(group_state_from_string("stable"), group_state::stable);
  EXPECT_EQ(group_state_from_string("nope"), std::nullopt);
}

}  // namespace
}  // namespace ringtail::core::group
