// The group state machine; see group.h. The rules follow Kafka's GroupCoordinator
// (classic protocol, Kafka 2.4–3.x): doJoinGroup / doSyncGroup / heartbeat / leave,
// DelayedJoin and InitialDelayedJoin, static membership (KIP-345), MEMBER_ID_REQUIRED
// (KIP-394) and offset expiration (KIP-211).
#include "ringtail/core/group/group.h"

#include <algorithm>
#include <cctype>

#include "ringtail/base/assert.h"
#include "ringtail/codec/gen/consumer_protocol.h"
#include "ringtail/core/broker/metadata.h"

namespace ringtail::core::group {

namespace {

constexpr std::string_view state_names[] = {"Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view to_string(group_state s) noexcept { return state_names[static_cast<size_t>(s)]; }

std::optional<group_state> group_state_from_string(std::string_view s) noexcept {
  for (size_t i = 0; i < std::size(state_names); ++i)
    if (iequals(s, state_names[i])) return static_cast<group_state>(i);
  return std::nullopt;
}

const std::string* member::metadata_for(std::string_view protocol) const {
  for (const auto& p : protocols)
    if (p.name == protocol) return &p.metadata;
  return nullptr;
}

bool member::matches(const std::vector<join_protocol>& other) const {
  if (other.size() != protocols.size()) return false;
  for (size_t i = 0; i < other.size(); ++i)
    if (other[i].name != protocols[i].name || other[i].metadata != protocols[i].metadata) return false;
  return true;
}

group::group(std::string group_id, const group_config& cfg, log::clock& clk, group_store& store)
    : id_(std::move(group_id)), cfg_(cfg), clock_(clk), store_(store), state_timestamp_ms_(clk.now_ms()) {}

group::~group() {
  // Every deferred answer must have been given (a waiting request would hang forever).
  for (const auto& [id, m] : members_) RT_ASSERT(!m.awaiting_join && !m.awaiting_sync, "group destroyed with a waiting member");
}

void group::run(callbacks& cbs) {
  auto todo = std::move(cbs);
  cbs.clear();
  for (auto& f : todo) f();
}

void group::set_state(group_state s) {
  state_ = s;
  state_timestamp_ms_ = clock_.now_ms();
}

void group::touch(member& m) { m.heartbeat_deadline_ms = clock_.now_ms() + m.session_timeout_ms; }

std::vector<const member*> group::members_in_join_order() const {
  std::vector<const member*> out;
  out.reserve(members_.size());
  for (const auto& [id, m] : members_) out.push_back(&m);
  std::sort(out.begin(), out.end(), [](const member* a, const member* b) { return a->join_order < b->join_order; });
  return out;
}

bool group::supports_protocols(const std::string& type, const std::vector<join_protocol>& protocols) const {
  if (members_.empty()) return !type.empty() && !protocols.empty();
  if (type != protocol_type_) return false;
  for (const auto& p : protocols) {
    bool all = true;
    for (const auto& [id, m] : members_) {
      if (!m.metadata_for(p.name)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

// Kafka's GroupMetadata.selectProtocol: the candidates are the protocols every member
// supports; each member votes for its most preferred candidate; most votes wins (ties go
// to the oldest member's preference order, for determinism).
std::string group::select_protocol() const {
  RT_ASSERT(!members_.empty(), "select_protocol on an empty group");
  const auto ordered = members_in_join_order();
  std::vector<std::string> candidates;
  for (const auto& p : ordered.front()->protocols) {
    bool all = true;
    for (const member* m : ordered) all = all && m->metadata_for(p.name) != nullptr;
    if (all) candidates.push_back(p.name);
  }
  RT_ASSERT(!candidates.empty(), "members share no protocol (supports_protocols admitted them)");
  std::vector<int> votes(candidates.size(), 0);
  for (const member* m : ordered) {
    for (const auto& p : m->protocols) {
      auto it = std::find(candidates.begin(), candidates.end(), p.name);
      if (it != candidates.end()) {
        ++votes[static_cast<size_t>(it - candidates.begin())];
        break;
      }
    }
  }
  const size_t best = static_cast<size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  return candidates[best];
}

int32_t group::rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& [id, m] : members_) t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

bool group::is_fenced(std::string_view member_id, std::optional<std::string_view> instance_id) const {
  if (!instance_id) return false;
  auto it = static_members_.find(*instance_id);
  return it != static_members_.end() && it->second != member_id;
}

std::string group::new_member_id(const std::string& client_id) {
  // Kafka: clientId + "-" + UUID (or instanceId + "-" + UUID for static members).
  const std::string hex = uuid_to_hex(random_uuid());
  std::string id = client_id + "-";
  id += hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
        hex.substr(20, 12);
  return id;
}

join_result group::current_join_result(const member& m, bool with_members) const {
  join_result r;
  r.generation_id = generation_;
  r.protocol_type = protocol_type_;
  r.protocol_name = protocol_name_;
  r.leader_id = leader_.value_or("");
  r.member_id = m.member_id;
  if (with_members && protocol_name_) {
    for (const member* o : members_in_join_order()) {
      const std::string* md = o->metadata_for(*protocol_name_);
      r.members.push_back(join_member_info{o->member_id, o->group_instance_id, md ? *md : std::string()});
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// JoinGroup

void group::join(join_request req, join_callback done) {
  callbacks out;
  auto fail = [&](error_code e) {
    join_result r;
    r.error = e;
    r.member_id = req.member_id;
    done(std::move(r));
  };
  if (req.session_timeout_ms < cfg_.min_session_timeout_ms || req.session_timeout_ms > cfg_.max_session_timeout_ms) {
    return fail(error_code::invalid_session_timeout);
  }
  if (state_ == group_state::dead) return fail(error_code::coordinator_not_available);
  if (!supports_protocols(req.protocol_type, req.protocols)) return fail(error_code::inconsistent_group_protocol);

  if (req.member_id.empty()) {
    std::string id = new_member_id(req.group_instance_id ? *req.group_instance_id : req.client_id);
    if (req.group_instance_id) {
      auto it = static_members_.find(*req.group_instance_id);
      if (it == static_members_.end()) {
        add_member_and_rebalance(std::move(id), std::move(req), std::move(done), out);
      } else {
        std::string old = it->second;
        replace_static_member(std::move(old), std::move(id), std::move(req), std::move(done), out);
      }
    } else if (req.require_known_member_id) {
      // KIP-394: hand out the id and wait for the member to come back with it, so that a
      // client that times out and retries does not leave orphan members behind.
      pending_members_[id] = clock_.now_ms() + req.session_timeout_ms;
      join_result r;
      r.error = error_code::member_id_required;
      r.member_id = std::move(id);
      done(std::move(r));
      return;
    } else {
      add_member_and_rebalance(std::move(id), std::move(req), std::move(done), out);
    }
  } else if (pending_members_.count(req.member_id) != 0) {
    std::string id = req.member_id;
    add_member_and_rebalance(std::move(id), std::move(req), std::move(done), out);
  } else if (is_fenced(req.member_id, req.group_instance_id)) {
    return fail(error_code::fenced_instance_id);
  } else {
    auto it = members_.find(req.member_id);
    if (it == members_.end()) return fail(error_code::unknown_member_id);
    member& m = it->second;
    switch (state_) {
      case group_state::preparing_rebalance:
        update_member_and_rebalance(m, std::move(req), std::move(done), out);
        break;
      case group_state::completing_rebalance:
        if (m.matches(req.protocols)) {
          // A retry of a join whose answer was lost: answer again.
          done(current_join_result(m, leader_ == m.member_id));
        } else {
          update_member_and_rebalance(m, std::move(req), std::move(done), out);
        }
        break;
      case group_state::stable:
        if (leader_ == m.member_id || !m.matches(req.protocols)) {
          // The leader rejoins to force a rebalance (e.g. metadata changed); a member
          // with new protocols needs one too.
          update_member_and_rebalance(m, std::move(req), std::move(done), out);
        } else {
          touch(m);
          done(current_join_result(m, false));
        }
        break;
      case group_state::empty:
      case group_state::dead:
        return fail(error_code::unknown_member_id);
    }
  }
  if (state_ == group_state::preparing_rebalance) try_complete_join(out);
  run(out);
}

void group::add_member_and_rebalance(std::string member_id, join_request req, join_callback done, callbacks& out) {
  member m;
  m.member_id = member_id;
  m.group_instance_id = req.group_instance_id;
  m.client_id = std::move(req.client_id);
  m.client_host = std::move(req.client_host);
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocol_type = req.protocol_type;
  m.protocols = std::move(req.protocols);
  m.awaiting_join = std::move(done);
  m.join_order = next_join_order_++;
  m.is_new = true;
  m.heartbeat_deadline_ms = clock_.now_ms() + m.session_timeout_ms;
  if (state_ == group_state::preparing_rebalance && generation_ == 0) new_member_added_ = true;
  if (members_.empty()) protocol_type_ = req.protocol_type;
  if (!leader_) leader_ = member_id;
  if (m.group_instance_id) static_members_[*m.group_instance_id] = member_id;
  pending_members_.erase(member_id);
  members_.emplace(member_id, std::move(m));
  maybe_prepare_rebalance(out);
}

void group::update_member_and_rebalance(member& m, join_request req, join_callback done, callbacks& out) {
  if (m.awaiting_join) {
    // A second JoinGroup while the first still waits (a client retry): the newer one
    // takes the answer; the older one is released with a retriable error.
    auto old = std::move(m.awaiting_join);
    join_result r;
    r.error = error_code::rebalance_in_progress;
    r.member_id = m.member_id;
    out.push_back([old = std::move(old), r = std::move(r)]() mutable { old(std::move(r)); });
  }
  m.protocols = std::move(req.protocols);
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.awaiting_join = std::move(done);
  touch(m);
  maybe_prepare_rebalance(out);
}

void group::replace_static_member(std::string old_id, std::string new_id, join_request req, join_callback done,
                                  callbacks& out) {
  const std::string current_leader = leader_.value_or("");
  auto node = members_.extract(old_id);
  RT_ASSERT(!node.empty(), "static member map points at a missing member");
  member& m = node.mapped();
  // The old incarnation is fenced (KIP-345): its waiting requests learn it now.
  if (m.awaiting_join) {
    join_result r;
    r.error = error_code::fenced_instance_id;
    r.member_id = old_id;
    out.push_back([cb = std::move(m.awaiting_join), r = std::move(r)]() mutable { cb(std::move(r)); });
    m.awaiting_join = nullptr;
  }
  if (m.awaiting_sync) {
    out.push_back([cb = std::move(m.awaiting_sync)]() mutable { cb(sync_result{error_code::fenced_instance_id, {}}); });
    m.awaiting_sync = nullptr;
  }
  node.key() = new_id;
  m.member_id = new_id;
  m.client_id = std::move(req.client_id);
  m.client_host = std::move(req.client_host);
  auto old_protocols = m.protocols;
  m.protocols = std::move(req.protocols);
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  touch(m);
  members_.insert(std::move(node));
  member& nm = members_.find(new_id)->second;
  if (leader_ == old_id) leader_ = new_id;
  static_members_[*req.group_instance_id] = new_id;

  switch (state_) {
    case group_state::stable: {
      // The restarted static member takes its old assignment without a rebalance, unless
      // the protocol the group would now select differs (KIP-345).
      if (protocol_name_ && select_protocol() == *protocol_name_) {
        nm.awaiting_join = std::move(done);
        std::map<std::string, std::string> assignments;
        for (const auto& [id, mm] : members_) assignments[id] = mm.assignment;
        const int32_t gen = generation_;
        std::weak_ptr<group> self = weak_from_this();
        std::string leader_for_answer = current_leader;
        out.push_back([this, self, gen, new_id, leader_for_answer, assignments = std::move(assignments)]() mutable {
          const group_snapshot snap = snapshot(&assignments);
          store_.store_group(snap, [self, gen, new_id, leader_for_answer](error_code e) {
            auto g = self.lock();
            if (!g) return;
            auto it = g->members_.find(new_id);
            if (it == g->members_.end() || !it->second.awaiting_join) return;
            auto cb = std::move(it->second.awaiting_join);
            it->second.awaiting_join = nullptr;
            join_result r;
            r.member_id = new_id;
            if (e != error_code::none) {
              r.error = e;
            } else {
              // The old leader id, so that a restarted leader does not run a trivial
              // assignment a Stable group would never broadcast (Kafka's comment).
              r = g->current_join_result(it->second, false);
              r.leader_id = leader_for_answer;
              (void)gen;
            }
            cb(std::move(r));
          });
        });
      } else {
        nm.awaiting_join = std::move(done);
        maybe_prepare_rebalance(out);
      }
      break;
    }
    case group_state::completing_rebalance:
      // The leader may have been handed the old member id: rebalance again.
      nm.awaiting_join = std::move(done);
      prepare_rebalance(out);
      break;
    case group_state::preparing_rebalance:
      nm.awaiting_join = std::move(done);
      break;
    case group_state::empty:
    case group_state::dead:
      RT_ASSERT(false, "a static member in an empty or dead group");
  }
  (void)old_protocols;
}

void group::maybe_prepare_rebalance(callbacks& out) {
  if (state_ == group_state::stable || state_ == group_state::completing_rebalance || state_ == group_state::empty)
    prepare_rebalance(out);
}

void group::prepare_rebalance(callbacks& out) {
  if (state_ == group_state::completing_rebalance) reset_and_propagate_assignment_error(error_code::rebalance_in_progress, out);
  const int64_t now = clock_.now_ms();
  if (state_ == group_state::empty) {
    // InitialDelayedJoin: give the other members of a starting group a moment to arrive
    // so the first generation is not immediately followed by another.
    initial_delay_ = true;
    new_member_added_ = false;
    const int32_t delay = cfg_.initial_rebalance_delay_ms;
    initial_delay_remaining_ms_ = std::max<int64_t>(int64_t{rebalance_timeout_ms()} - delay, 0);
    join_deadline_ms_ = now + delay;
  } else {
    initial_delay_ = false;
    join_deadline_ms_ = now + rebalance_timeout_ms();
  }
  set_state(group_state::preparing_rebalance);
  try_complete_join(out);
}

void group::try_complete_join(callbacks& out) {
  if (state_ != group_state::preparing_rebalance || initial_delay_) return;
  if (!pending_members_.empty()) return;
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join) return;
  complete_join(out);
}

void group::complete_join(callbacks& out) {
  RT_ASSERT(state_ == group_state::preparing_rebalance, "complete_join outside PreparingRebalance");
  join_deadline_ms_ = no_deadline;
  initial_delay_ = false;
  // Dynamic members that did not rejoin in time are out; static ones keep their place
  // until their session expires (KIP-345).
  std::vector<std::string> gone;
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join && !m.is_static()) gone.push_back(id);
  for (const auto& id : gone) {
    auto node = members_.extract(id);
    if (node.mapped().awaiting_sync) {
      out.push_back([cb = std::move(node.mapped().awaiting_sync)]() mutable {
        cb(sync_result{error_code::unknown_member_id, {}});
      });
    }
    if (leader_ == id) leader_.reset();
  }
  if (!leader_ && !members_.empty()) leader_ = members_in_join_order().front()->member_id;
  // A static member that did not rejoin cannot be the leader of the new generation (it
  // would never receive the member list).
  if (leader_ && !members_.find(*leader_)->second.awaiting_join) {
    for (const member* m : members_in_join_order()) {
      if (m->awaiting_join) {
        leader_ = m->member_id;
        break;
      }
    }
  }
  pending_members_.clear();
  ++generation_;
  if (members_.empty()) {
    protocol_name_.reset();
    leader_.reset();
    set_state(group_state::empty);
    out.push_back([this] {
      const group_snapshot snap = snapshot();
      store_.store_group(snap, [](error_code) {});
    });
    return;
  }
  protocol_name_ = select_protocol();
  set_state(group_state::completing_rebalance);
  for (auto& [id, m] : members_) {
    if (!m.awaiting_join) continue;
    join_result r = current_join_result(m, leader_ == id);
    auto cb = std::move(m.awaiting_join);
    m.awaiting_join = nullptr;
    m.is_new = false;
    touch(m);
    out.push_back([cb = std::move(cb), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
}

void group::reset_and_propagate_assignment_error(error_code error, callbacks& out) {
  for (auto& [id, m] : members_) {
    m.assignment.clear();
    if (m.awaiting_sync) {
      out.push_back([cb = std::move(m.awaiting_sync), error]() mutable { cb(sync_result{error, {}}); });
      m.awaiting_sync = nullptr;
      touch(m);
    }
  }
}

// ---------------------------------------------------------------------------------------
// SyncGroup

void group::sync(std::string_view member_id, std::optional<std::string_view> instance_id, int32_t generation_id,
                 std::map<std::string, std::string> assignments, sync_callback done) {
  auto fail = [&](error_code e) { done(sync_result{e, {}}); };
  if (state_ == group_state::dead) return fail(error_code::coordinator_not_available);
  if (is_fenced(member_id, instance_id)) return fail(error_code::fenced_instance_id);
  auto it = members_.find(member_id);
  if (it == members_.end()) return fail(error_code::unknown_member_id);
  if (generation_id != generation_) return fail(error_code::illegal_generation);
  member& m = it->second;
  switch (state_) {
    case group_state::empty: return fail(error_code::unknown_member_id);
    case group_state::preparing_rebalance: return fail(error_code::rebalance_in_progress);
    case group_state::stable:
      touch(m);
      done(sync_result{error_code::none, m.assignment});
      return;
    case group_state::completing_rebalance: break;
    case group_state::dead: return fail(error_code::coordinator_not_available);
  }
  callbacks out;
  if (m.awaiting_sync) {
    out.push_back([cb = std::move(m.awaiting_sync)]() mutable { cb(sync_result{error_code::rebalance_in_progress, {}}); });
  }
  m.awaiting_sync = std::move(done);
  touch(m);
  if (leader_ == m.member_id) {
    // Members the leader left out get an empty assignment (Kafka does the same).
    std::map<std::string, std::string> full;
    for (const auto& [id, mm] : members_) {
      auto a = assignments.find(id);
      full[id] = a == assignments.end() ? std::string() : std::move(a->second);
    }
    const int32_t gen = generation_;
    std::weak_ptr<group> self = weak_from_this();
    const group_snapshot snap = snapshot(&full);
    run(out);
    store_.store_group(snap, [self, gen, full = std::move(full)](error_code e) mutable {
      if (auto g = self.lock()) g->on_group_stored(gen, std::move(full), e);
    });
    return;
  }
  run(out);
}

void group::on_group_stored(int32_t generation, std::map<std::string, std::string> assignments, error_code error) {
  // The group may have moved on while the record was written (a member left, a new
  // join): then this generation's assignment is moot.
  if (state_ != group_state::completing_rebalance || generation != generation_) return;
  callbacks out;
  if (error != error_code::none) {
    reset_and_propagate_assignment_error(error, out);
    maybe_prepare_rebalance(out);
  } else {
    for (auto& [id, m] : members_) {
      auto a = assignments.find(id);
      m.assignment = a == assignments.end() ? std::string() : std::move(a->second);
      if (m.awaiting_sync) {
        out.push_back([cb = std::move(m.awaiting_sync), as = m.assignment]() mutable {
          cb(sync_result{error_code::none, std::move(as)});
        });
        m.awaiting_sync = nullptr;
        touch(m);
      }
    }
    set_state(group_state::stable);
  }
  run(out);
}

// ---------------------------------------------------------------------------------------
// Heartbeat, LeaveGroup, OffsetCommit checks

error_code group::heartbeat(std::string_view member_id, std::optional<std::string_view> instance_id,
                            int32_t generation_id) {
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  if (is_fenced(member_id, instance_id)) return error_code::fenced_instance_id;
  auto it = members_.find(member_id);
  if (it == members_.end()) return error_code::unknown_member_id;
  if (generation_id != generation_) return error_code::illegal_generation;
  switch (state_) {
    case group_state::empty: return error_code::unknown_member_id;
    case group_state::preparing_rebalance:
      touch(it->second);
      return error_code::rebalance_in_progress;
    case group_state::completing_rebalance:
    case group_state::stable:
      touch(it->second);
      return error_code::none;
    case group_state::dead: break;
  }
  return error_code::coordinator_not_available;
}

error_code group::leave(std::string_view member_id, std::optional<std::string_view> instance_id) {
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  std::string id(member_id);
  if (id.empty()) {
    if (!instance_id) return error_code::unknown_member_id;
    auto s = static_members_.find(*instance_id);
    if (s == static_members_.end()) return error_code::unknown_member_id;
    id = s->second;
  } else if (is_fenced(member_id, instance_id)) {
    return error_code::fenced_instance_id;
  }
  callbacks out;
  if (pending_members_.erase(id) != 0) {
    try_complete_join(out);
    run(out);
    return error_code::none;
  }
  if (members_.find(id) == members_.end()) return error_code::unknown_member_id;
  remove_member_and_update(id, error_code::unknown_member_id, out);
  run(out);
  return error_code::none;
}

void group::remove_member_and_update(std::string_view member_id, error_code reason, callbacks& out) {
  auto found = members_.find(member_id);
  if (found == members_.end()) return;
  auto node = members_.extract(found);
  member& m = node.mapped();
  if (m.awaiting_join) {
    join_result r;
    r.error = reason;
    r.member_id = m.member_id;
    out.push_back([cb = std::move(m.awaiting_join), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
  if (m.awaiting_sync) {
    out.push_back([cb = std::move(m.awaiting_sync), reason]() mutable { cb(sync_result{reason, {}}); });
  }
  if (m.group_instance_id) {
    auto s = static_members_.find(*m.group_instance_id);
    if (s != static_members_.end() && s->second == m.member_id) static_members_.erase(s);
  }
  if (leader_ == m.member_id) {
    leader_.reset();
    if (!members_.empty()) leader_ = members_in_join_order().front()->member_id;
  }
  switch (state_) {
    case group_state::stable:
    case group_state::completing_rebalance: maybe_prepare_rebalance(out); break;
    case group_state::preparing_rebalance: try_complete_join(out); break;
    case group_state::empty:
    case group_state::dead: break;
  }
}

error_code group::validate_commit(std::string_view member_id, std::optional<std::string_view> instance_id,
                                  int32_t generation_id) {
  if (state_ == group_state::dead) return error_code::coordinator_not_available;
  if (is_fenced(member_id, instance_id)) return error_code::fenced_instance_id;
  // A simple consumer or an admin tool: offsets only, no membership (generation -1).
  if (generation_id < 0 && state_ == group_state::empty) return error_code::none;
  if (state_ == group_state::completing_rebalance) return error_code::rebalance_in_progress;
  auto it = members_.find(member_id);
  if (it == members_.end()) return error_code::unknown_member_id;
  if (generation_id != generation_) return error_code::illegal_generation;
  touch(it->second);
  return error_code::none;
}

void group::apply_commit(const topic_partition& tp, committed_offset o) { offsets_[tp] = std::move(o); }

// ---------------------------------------------------------------------------------------
// Time

int64_t group::next_deadline_ms() const noexcept {
  int64_t d = no_deadline;
  for (const auto& [id, t] : pending_members_) d = std::min(d, t);
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join && !m.awaiting_sync) d = std::min(d, m.heartbeat_deadline_ms);
  if (state_ == group_state::preparing_rebalance) d = std::min(d, join_deadline_ms_);
  return d;
}

void group::on_timer() {
  const int64_t now = clock_.now_ms();
  callbacks out;
  for (auto it = pending_members_.begin(); it != pending_members_.end();) {
    if (it->second <= now) it = pending_members_.erase(it);
    else ++it;
  }
  // Sessions: a member waiting for its JoinGroup/SyncGroup answer is alive (it cannot
  // heartbeat meanwhile); the rebalance timeout bounds that wait instead.
  std::vector<std::string> expired;
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join && !m.awaiting_sync && m.heartbeat_deadline_ms <= now) expired.push_back(id);
  for (const auto& id : expired) remove_member_and_update(id, error_code::unknown_member_id, out);

  if (state_ == group_state::preparing_rebalance && join_deadline_ms_ <= now) {
    if (initial_delay_ && new_member_added_ && initial_delay_remaining_ms_ > 0) {
      // InitialDelayedJoin: someone arrived during the delay; wait another delay (bounded
      // by the rebalance timeout).
      new_member_added_ = false;
      const int64_t delay = std::min<int64_t>(cfg_.initial_rebalance_delay_ms, initial_delay_remaining_ms_);
      initial_delay_remaining_ms_ = std::max<int64_t>(initial_delay_remaining_ms_ - delay, 0);
      join_deadline_ms_ = now + delay;
    } else {
      complete_join(out);
    }
  } else if (state_ == group_state::preparing_rebalance) {
    try_complete_join(out);
  }
  run(out);
}

std::vector<topic_partition> group::expire_offsets(int64_t retention_ms) {
  const int64_t now = clock_.now_ms();
  std::vector<topic_partition> out;
  std::optional<std::set<std::string>> subscribed;
  int mode = 0;  // 0: none expire, 1: since empty, 2: since commit (skip subscribed), 3: since commit
  if (!protocol_type_.empty() && state_ == group_state::empty) mode = 1;
  else if (is_consumer_group() && state_ == group_state::stable && (subscribed = subscribed_topics())) mode = 2;
  else if (protocol_type_.empty()) mode = 3;
  if (mode == 0) return out;
  for (auto it = offsets_.begin(); it != offsets_.end();) {
    const committed_offset& o = it->second;
    bool expire;
    if (mode == 2 && subscribed->count(it->first.topic)) expire = false;
    else if (o.expire_timestamp_ms >= 0) expire = now >= o.expire_timestamp_ms;
    else {
      const int64_t base = mode == 1 && state_timestamp_ms_ >= 0 ? state_timestamp_ms_ : o.commit_timestamp_ms;
      expire = now - base >= retention_ms;
    }
    if (expire) {
      out.push_back(it->first);
      it = offsets_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Lifecycle and queries

void group::fail_waiting(error_code error) {
  callbacks out;
  for (auto& [id, m] : members_) {
    if (m.awaiting_join) {
      join_result r;
      r.error = error;
      r.member_id = id;
      out.push_back([cb = std::move(m.awaiting_join), r = std::move(r)]() mutable { cb(std::move(r)); });
      m.awaiting_join = nullptr;
    }
    if (m.awaiting_sync) {
      out.push_back([cb = std::move(m.awaiting_sync), error]() mutable { cb(sync_result{error, {}}); });
      m.awaiting_sync = nullptr;
    }
  }
  run(out);
}

void group::transition_to_dead(error_code error) {
  fail_waiting(error);
  members_.clear();
  static_members_.clear();
  pending_members_.clear();
  leader_.reset();
  join_deadline_ms_ = no_deadline;
  set_state(group_state::dead);
}

void group::load(const group_snapshot& s) {
  RT_ASSERT(members_.empty(), "load into a live group");
  protocol_type_ = s.protocol_type;
  generation_ = s.generation;
  protocol_name_ = s.protocol_name;
  leader_ = s.leader;
  for (const auto& e : s.members) {
    member m;
    m.member_id = e.member_id;
    m.group_instance_id = e.group_instance_id;
    m.client_id = e.client_id;
    m.client_host = e.client_host;
    m.rebalance_timeout_ms = e.rebalance_timeout_ms;
    m.session_timeout_ms = e.session_timeout_ms;
    m.protocol_type = s.protocol_type;
    if (s.protocol_name) m.protocols.push_back(join_protocol{*s.protocol_name, e.subscription});
    m.assignment = e.assignment;
    m.join_order = next_join_order_++;
    m.is_new = false;
    touch(m);
    if (m.group_instance_id) static_members_[*m.group_instance_id] = m.member_id;
    members_.emplace(m.member_id, std::move(m));
  }
  if (leader_ && members_.find(*leader_) == members_.end()) leader_.reset();
  set_state(members_.empty() ? group_state::empty : group_state::stable);
  if (s.current_state_timestamp_ms >= 0 && members_.empty()) state_timestamp_ms_ = s.current_state_timestamp_ms;
}

std::optional<std::set<std::string>> group::subscribed_topics() const {
  if (!is_consumer_group() || !protocol_name_) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [id, m] : members_) {
    const std::string* md = m.metadata_for(*protocol_name_);
    if (!md) return std::nullopt;
    codec::reader r(std::as_bytes(std::span<const char>(md->data(), md->size())));
    int16_t version = 0;
    if (!r.read_int16(version) || version < 0) return std::nullopt;
    codec::consumer_protocol_subscription sub;
    const int16_t v = std::min<int16_t>(version, codec::consumer_protocol_subscription::max_version);
    if (!sub.decode(r, v)) return std::nullopt;
    for (auto t : sub.topics) topics.emplace(t);
  }
  return topics;
}

group_snapshot group::snapshot(const std::map<std::string, std::string>* assignments) const {
  group_snapshot s;
  s.group_id = id_;
  s.protocol_type = protocol_type_;
  s.generation = generation_;
  s.protocol_name = protocol_name_;
  s.leader = leader_;
  s.current_state_timestamp_ms = state_timestamp_ms_;
  for (const member* m : members_in_join_order()) {
    group_snapshot::member_entry e;
    e.member_id = m->member_id;
    e.group_instance_id = m->group_instance_id;
    e.client_id = m->client_id;
    e.client_host = m->client_host;
    e.rebalance_timeout_ms = m->rebalance_timeout_ms;
    e.session_timeout_ms = m->session_timeout_ms;
    if (protocol_name_)
      if (const std::string* md = m->metadata_for(*protocol_name_)) e.subscription = *md;
    if (assignments) {
      auto a = assignments->find(m->member_id);
      if (a != assignments->end()) e.assignment = a->second;
    } else {
      e.assignment = m->assignment;
    }
    s.members.push_back(std::move(e));
  }
  return s;
}

}  // namespace ringtail::core::group
