#include "ringtail/core/group/coordinator.h"

#include <algorithm>
#include <chrono>

#include "ringtail/base/logging.h"
#include "ringtail/codec/record_batch.h"
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/core/broker/shard_router.h"
#include "ringtail/core/group/records.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::group {

namespace {

using codec::error_code;

std::vector<std::unique_ptr<coordinator>> g_coordinators;
group_config g_config;

// Kafka's GroupMetadataManager maps append errors to what group APIs answer.
error_code map_append_error(error_code e) {
  switch (e) {
    case error_code::none: return e;
    case error_code::unknown_topic_or_partition:
    case error_code::not_enough_replicas:
    case error_code::not_enough_replicas_after_append:
    case error_code::request_timed_out:
    case error_code::kafka_storage_error: return error_code::coordinator_not_available;
    case error_code::not_leader_or_follower: return error_code::not_coordinator;
    case error_code::message_too_large:
    case error_code::record_list_too_large:
    case error_code::invalid_fetch_size: return error_code::invalid_commit_offset_size;
    default: return error_code::unknown_server_error;
  }
}

template <typename T>
struct waiter {
  std::optional<T> value;
  io::event ready;
  void set(T v) {
    value = std::move(v);
    ready.notify_all();
  }
};

io::task<admin_result> create_offsets_topic_on_controller(int32_t partitions) {
  controller::create_topic_args args;
  args.name = std::string(offsets_topic_name);
  args.partitions = partitions;
  args.replication_factor = 1;
  args.internal = true;
  args.configs["cleanup.policy"] = "compact";
  args.configs["segment.bytes"] = std::to_string(offsets_topic_segment_bytes);
  co_return co_await the_controller().create_topic(std::move(args));
}

}  // namespace

group_config make_group_config(const broker_config& cfg) {
  group_config g;
  g.min_session_timeout_ms = cfg.group_min_session_timeout_ms;
  g.max_session_timeout_ms = cfg.group_max_session_timeout_ms;
  g.initial_rebalance_delay_ms = cfg.group_initial_rebalance_delay_ms;
  g.offsets_retention_ms = cfg.offsets_retention_minutes * 60 * 1000;
  return g;
}

std::string client_host_of(std::string_view peer) {
  const size_t colon = peer.rfind(':');
  std::string_view host = colon == std::string_view::npos ? peer : peer.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return "/" + std::string(host);
}

io::task<bool> ensure_offsets_topic() {
  if (local_shard().image().find(offsets_topic_name)) co_return true;
  const int32_t partitions = broker().config.offsets_topic_num_partitions;
  admin_result r = co_await io::submit_to(0, [partitions] { return create_offsets_topic_on_controller(partitions); });
  if (r.error != error_code::none && r.error != error_code::topic_already_exists) {
    RT_LOG_WARN("cannot create %s: %s", std::string(offsets_topic_name).c_str(), r.message.c_str());
  }
  // The controller installed the new image on every shard before answering.
  co_return local_shard().image().find(offsets_topic_name) != nullptr;
}

io::task<group_route> route_group(std::string_view group_id, bool create) {
  group_route r;
  if (create) {
    if (!co_await ensure_offsets_topic()) {
      r.error = error_code::coordinator_not_available;
      co_return r;
    }
  }
  const topic_info* t = local_shard().image().find(offsets_topic_name);
  if (!t || t->partitions.empty()) {
    r.error = error_code::coordinator_not_available;
    co_return r;
  }
  r.partition = coordinator_partition_for(group_id, static_cast<int32_t>(t->partitions.size()));
  r.shard = t->partitions[static_cast<size_t>(r.partition)].shard;
  co_return r;
}

// ---------------------------------------------------------------------------------------

coordinator::coordinator(group_config cfg, log::clock& clk) : cfg_(cfg), clock_(clk) {}

coordinator::~coordinator() {
  for (auto& [id, g] : groups_) g->fail_waiting(error_code::not_coordinator);
}

std::shared_ptr<group> coordinator::find(std::string_view group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second;
}

std::shared_ptr<group> coordinator::get_or_create(std::string_view group_id) {
  auto it = groups_.find(group_id);
  if (it != groups_.end()) return it->second;
  auto g = std::make_shared<group>(std::string(group_id), cfg_, clock_, *this);
  groups_.emplace(std::string(group_id), g);
  return g;
}

void coordinator::remove(std::string_view group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  unindex(*it->second);
  it->second->transition_to_dead(error_code::coordinator_not_available);
  groups_.erase(it);
}

void coordinator::unindex(group& g) {
  auto it = indexed_.find(&g);
  if (it == indexed_.end()) return;
  deadlines_.erase({it->second, &g});
  indexed_.erase(it);
}

void coordinator::reschedule(group& g) {
  const int64_t d = g.next_deadline_ms();
  auto it = indexed_.find(&g);
  if (it != indexed_.end()) {
    if (it->second == d) return;
    deadlines_.erase({it->second, &g});
    indexed_.erase(it);
  }
  if (d == no_deadline) return;
  deadlines_.emplace(d, &g);
  indexed_.emplace(&g, d);
  // An earlier deadline than the timer is sleeping for: wake it to re-arm.
  if (d < armed_ms_ && timer_token_) timer_token_->cancel();
}

void coordinator::fire_due_timers() {
  const int64_t now = clock_.now_ms();
  std::vector<std::shared_ptr<group>> due;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it)
    due.push_back(it->second->shared_from_this());
  for (auto& g : due) {
    unindex(*g);
    g->on_timer();
    reschedule(*g);
  }
}

io::task<void> coordinator_timer_loop(coordinator* c) {
  while (!c->stopping_) {
    const int64_t now = c->clock_.now_ms();
    const int64_t next = c->deadlines_.empty() ? now + idle_timer_ms : c->deadlines_.begin()->first;
    if (next > now) {
      io::cancel_token token;
      c->armed_ms_ = next;
      c->timer_token_ = &token;
      (void)co_await io::sleep_for(std::chrono::milliseconds(next - now), &token);
      c->timer_token_ = nullptr;
      c->armed_ms_ = no_deadline;
      if (c->stopping_) break;
    }
    c->fire_due_timers();
  }
  if (--c->tasks_running_ == 0) c->tasks_done_.notify_all();
}

io::task<void> coordinator_retention_loop(coordinator* c) {
  while (!c->stopping_) {
    io::cancel_token token;
    c->retention_token_ = &token;
    auto slept = co_await io::sleep_for(std::chrono::milliseconds(offsets_retention_check_interval_ms), &token);
    c->retention_token_ = nullptr;
    if (!slept || c->stopping_) break;
    co_await c->expire_offsets();
  }
  if (--c->tasks_running_ == 0) c->tasks_done_.notify_all();
}

io::task<void> coordinator::start() {
  const topic_info* t = local_shard().image().find(offsets_topic_name);
  if (t) {
    for (const auto& p : t->partitions) {
      if (p.shard != io::this_shard()) continue;
      (void)co_await ensure_loaded(p.index);
    }
  }
  tasks_running_ = 2;
  io::spawn(coordinator_timer_loop(this));
  io::spawn(coordinator_retention_loop(this));
}

io::task<void> coordinator::stop() {
  stopping_ = true;
  // Waiting JoinGroup/SyncGroup requests are answered now so connections can close;
  // NOT_COORDINATOR sends clients to FindCoordinator (the broker is going away).
  for (auto& [id, g] : groups_) g->fail_waiting(error_code::not_coordinator);
  if (timer_token_) timer_token_->cancel();
  if (retention_token_) retention_token_->cancel();
  while (tasks_running_ > 0 || stores_in_flight_ > 0) (void)co_await tasks_done_.wait();
}

io::task<error_code> coordinator::ensure_loaded(int32_t partition) {
  if (stopping_) co_return error_code::coordinator_not_available;
  if (loaded_.count(partition)) co_return error_code::none;
  if (loading_.count(partition)) {
    while (loading_.count(partition)) (void)co_await loaded_changed_.wait();
    co_return loaded_.count(partition) ? error_code::none : error_code::coordinator_load_in_progress;
  }
  loading_.insert(partition);
  const error_code e = co_await load_partition(partition);
  loading_.erase(partition);
  if (e == error_code::none) loaded_.insert(partition);
  loaded_changed_.notify_all();
  co_return e;
}

io::task<error_code> coordinator::load_partition(int32_t partition) {
  core::partition* part = local_shard().find(offsets_topic_name, partition);
  if (!part) co_return error_code::not_coordinator;
  offsets_replay replay;
  codec::byte_buffer scratch;
  size_t bad = 0;
  offsets_replay* rp = &replay;
  codec::byte_buffer* sp = &scratch;
  size_t* badp = &bad;
  std::function<bool(const codec::record_batch_view&)> fn = [rp, sp, badp](const codec::record_batch_view& b) {
    if (b.is_control()) return true;
    auto records = b.records(*sp, 64u << 20);
    if (!records) {
      ++*badp;
      return true;
    }
    for (;;) {
      auto r = records->next();
      if (!r || !*r) break;
      const codec::record_view& rec = **r;
      if (!rec.key) continue;
      if (!rp->apply(*rec.key, rec.value)) ++*badp;
    }
    return true;
  };
  const int64_t from = part->log_start_offset();
  auto scanned = co_await part->for_each_batch(from, std::move(fn));
  if (!scanned) {
    RT_LOG_ERROR("%s-%d: cannot replay: error %d", std::string(offsets_topic_name).c_str(), partition,
                 static_cast<int>(scanned.error()));
    co_return error_code::coordinator_load_in_progress;
  }
  size_t groups = 0, offsets = 0;
  for (auto& [id, lg] : replay.groups()) {
    if (!lg.metadata && lg.offsets.empty()) continue;
    if (coordinator_partition_for(id, static_cast<int32_t>(local_shard().image().find(offsets_topic_name)->partitions.size())) !=
        partition)
      continue;  // not routed here (e.g. the partition count changed): ignore, as Kafka does
    auto g = get_or_create(id);
    if (lg.metadata) g->load(*lg.metadata);
    for (auto& [tp, o] : lg.offsets) g->apply_commit(tp, std::move(o));
    reschedule(*g);
    ++groups;
    offsets += lg.offsets.size();
  }
  if (replay.records() > 0) {
    RT_LOG_INFO("%s-%d: loaded %zu groups and %zu offsets from %zu records%s", std::string(offsets_topic_name).c_str(),
                partition, groups, offsets, replay.records(), bad ? " (some records undecodable)" : "");
  }
  co_return error_code::none;
}

io::task<join_result> coordinator::join(std::shared_ptr<group> g, join_request req) {
  waiter<join_result> w;
  waiter<join_result>* wp = &w;
  g->join(std::move(req), [wp](join_result r) { wp->set(std::move(r)); });
  reschedule(*g);
  while (!w.value) (void)co_await w.ready.wait();
  reschedule(*g);
  co_return std::move(*w.value);
}

io::task<sync_result> coordinator::sync(std::shared_ptr<group> g, std::string member_id,
                                        std::optional<std::string> instance_id, int32_t generation_id,
                                        std::map<std::string, std::string> assignments) {
  waiter<sync_result> w;
  waiter<sync_result>* wp = &w;
  std::optional<std::string_view> inst;
  if (instance_id) inst = *instance_id;
  g->sync(member_id, inst, generation_id, std::move(assignments), [wp](sync_result r) { wp->set(std::move(r)); });
  reschedule(*g);
  while (!w.value) (void)co_await w.ready.wait();
  reschedule(*g);
  co_return std::move(*w.value);
}

io::task<error_code> coordinator::append(std::string_view group_id, std::vector<offsets_record> records) {
  const topic_info* t = local_shard().image().find(offsets_topic_name);
  if (!t || t->partitions.empty()) co_return error_code::coordinator_not_available;
  const int32_t p = coordinator_partition_for(group_id, static_cast<int32_t>(t->partitions.size()));
  if (!local_shard().find(offsets_topic_name, p)) co_return error_code::not_coordinator;
  if (records.empty()) co_return error_code::none;
  // Appends to one partition go through its writer: while one batch is being appended,
  // later records queue up and go out together in the next batch (group commit). A
  // request's result is set only once the append holding its records has completed.
  std::unique_ptr<partition_writer>& slot = writers_[p];
  if (!slot) slot = std::make_unique<partition_writer>();
  partition_writer* w = slot.get();
  pending_append me;
  me.records = std::move(records);
  w->queue.push_back(&me);
  while (!me.result) {
    if (w->busy) {
      (void)co_await w->done.wait();
      continue;
    }
    w->busy = true;
    while (!w->queue.empty()) {
      std::vector<pending_append*> batch;
      size_t bytes = 0;
      while (!w->queue.empty() && (batch.empty() || bytes < append_batch_bytes_max)) {
        pending_append* next = w->queue.front();
        w->queue.pop_front();
        for (const auto& r : next->records) bytes += r.key.size() + (r.value ? r.value->size() : 0);
        batch.push_back(next);
      }
      const error_code e = co_await write_batch(p, batch);
      for (pending_append* x : batch) x->result = e;
      w->done.notify_all();
    }
    w->busy = false;
  }
  co_return *me.result;
}

io::task<error_code> coordinator::write_batch(int32_t p, std::vector<pending_append*> batch) {
  core::partition* part = local_shard().find(offsets_topic_name, p);
  if (!part) co_return error_code::not_coordinator;
  codec::record_batch_builder builder;
  const int64_t now = clock_.now_ms();
  for (const pending_append* x : batch) {
    for (const auto& r : x->records) {
      std::optional<std::span<const std::byte>> value;
      if (r.value) value = std::span<const std::byte>(*r.value);
      builder.append(now, std::span<const std::byte>(r.key), value);
    }
  }
  auto built = builder.finish();
  if (!built) co_return error_code::unknown_server_error;
  std::vector<std::byte> bytes(built->begin(), built->end());
  auto appended = co_await part->append_internal(std::span<std::byte>(bytes));
  co_return appended ? error_code::none : map_append_error(appended.error());
}

io::task<void> coordinator_store_task(coordinator* c, std::string group_id, std::vector<offsets_record> records,
                                      std::function<void(codec::error_code)> done) {
  const error_code e = co_await c->append(group_id, std::move(records));
  done(e);
  if (auto g = c->find(group_id)) c->reschedule(*g);
  if (--c->stores_in_flight_ == 0) c->tasks_done_.notify_all();
}

void coordinator::store_group(const group_snapshot& snapshot, std::function<void(error_code)> done) {
  std::vector<offsets_record> records;
  records.push_back(offsets_record{encode_group_metadata_key(snapshot.group_id), encode_group_metadata_value(snapshot)});
  ++stores_in_flight_;
  io::spawn(coordinator_store_task(this, snapshot.group_id, std::move(records), std::move(done)));
}

io::task<void> coordinator::expire_offsets() {
  std::vector<std::string> ids;
  for (const auto& [id, g] : groups_) ids.push_back(id);
  size_t expired_total = 0;
  for (const auto& id : ids) {
    auto g = find(id);
    if (!g) continue;
    auto expired = g->expire_offsets(cfg_.offsets_retention_ms);
    std::vector<offsets_record> records;
    for (const auto& tp : expired) records.push_back(offsets_record{encode_offset_commit_key(id, tp), std::nullopt});
    const bool drop = g->state() == group_state::empty && g->offsets().empty();
    if (drop) records.push_back(offsets_record{encode_group_metadata_key(id), std::nullopt});
    if (records.empty()) continue;
    expired_total += expired.size();
    if (drop) remove(id);
    (void)co_await append(id, std::move(records));
  }
  if (expired_total) RT_LOG_INFO("expired %zu committed offsets", expired_total);
}

// ---------------------------------------------------------------------------------------

coordinator& local_coordinator() {
  auto& c = g_coordinators[io::this_shard()];
  RT_ASSERT(c != nullptr, "group coordinator not started on this shard");
  return *c;
}

void init_coordinators(unsigned shard_count, const broker_config& cfg) {
  g_config = make_group_config(cfg);
  g_coordinators.clear();
  g_coordinators.resize(shard_count);
}

void clear_coordinators() { g_coordinators.clear(); }

io::task<void> start_coordinator() {
  auto& slot = g_coordinators[io::this_shard()];
  slot = std::make_unique<coordinator>(g_config, local_shard().clock());
  co_await slot->start();
}

io::task<void> stop_coordinator() {
  auto& slot = g_coordinators[io::this_shard()];
  if (slot) co_await slot->stop();
}

}  // namespace ringtail::core::group
