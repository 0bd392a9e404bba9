#include "ringtail/core/client/consumer.h"

#include <algorithm>

#include "ringtail/base/logging.h"
#include "ringtail/codec/gen/consumer_protocol.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::client {

namespace {
constexpr size_t decompressed_batch_max_bytes = 256 * 1024 * 1024;
constexpr int16_t member_id_required = 79;
}  // namespace

consumer::consumer(cluster& c, consumer_config cfg) : cluster_(c), cfg_(std::move(cfg)) {}

consumer::~consumer() { RT_ASSERT(!manager_running_ && running_tasks_ == 0 && !group_running_, "consumer destroyed before close()"); }

consumer::partition_state* consumer::find(std::string_view topic, int32_t partition) const {
  for (const auto& p : partitions_) {
    if (p->partition == partition && p->topic == topic) return p.get();
  }
  return nullptr;
}

int64_t consumer::position(std::string_view topic, int32_t partition) const {
  const partition_state* p = find(topic, partition);
  return p ? p->position : -1;
}

io::task<result<void>> consumer::assign(std::vector<topic_partition_offset> partitions) {
  co_return co_await set_assignment(std::move(partitions));
}

io::task<result<void>> consumer::set_assignment(std::vector<topic_partition_offset> partitions) {
  std::vector<std::string> topics;
  for (const auto& tp : partitions) {
    if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) topics.push_back(tp.topic);
  }
  for (const auto& t : topics) {
    auto tm = co_await cluster_.wait_for_topic(t, false);
    if (!tm) co_return unexpected{tm.error()};
  }
  chunks_.clear();
  queued_bytes_ = 0;
  partitions_.clear();
  for (const auto& tp : partitions) {
    auto p = std::make_unique<partition_state>();
    p->topic = tp.topic;
    p->partition = tp.partition;
    p->epoch = ++epoch_counter_;
    if (tp.offset >= 0) {
      p->fetch_offset = p->position = tp.offset;
    } else {
      p->reset_to = tp.offset;
    }
    partitions_.push_back(std::move(p));
  }
  if (!manager_running_ && !closing_) {
    manager_running_ = true;
    io::spawn(fetch_manager());
  }
  wake_manager();
  co_return result<void>{};
}

io::task<result<void>> consumer::seek(std::string topic, int32_t partition, int64_t offset) {
  partition_state* p = find(topic, partition);
  if (!p) co_return fail(errc::invalid_argument);
  p->epoch = ++epoch_counter_;
  if (offset >= 0) {
    p->fetch_offset = p->position = offset;
  } else {
    p->fetch_offset = p->position = -1;
    p->reset_to = offset;
  }
  wake_manager();
  co_return result<void>{};
}

io::task<result<void>> consumer::seek_to_timestamp(std::string topic, int32_t partition, int64_t timestamp_ms) {
  auto off = co_await cluster_.list_offset(topic, partition, timestamp_ms);
  if (!off) co_return unexpected{off.error()};
  const int64_t target = *off >= 0 ? *off : offset_end;
  co_return co_await seek(std::move(topic), partition, target);
}

io::task<result<void>> consumer::resolve_reset(partition_state* p) {
  const uint64_t epoch = p->epoch;
  const std::string topic = p->topic;
  const int32_t partition = p->partition;
  const int64_t ts = p->reset_to == offset_beginning ? earliest_timestamp : latest_timestamp;
  auto off = co_await cluster_.list_offset(topic, partition, ts);
  partition_state* now = find(topic, partition);
  if (!off) co_return unexpected{off.error()};
  if (now && now->epoch == epoch && now->fetch_offset < 0) now->fetch_offset = now->position = *off;
  co_return result<void>{};
}

io::task<void> consumer::fetch_manager() {
  while (!closing_) {
    // Partitions without a position: ListOffsets first.
    for (size_t i = 0; i < partitions_.size() && !closing_; ++i) {
      partition_state* p = partitions_[i].get();
      if (p->fetch_offset >= 0) continue;
      auto r = co_await resolve_reset(p);
      if (!r) {
        RT_LOG_DEBUG("consumer: offset reset failed: %s", r.error().message().c_str());
        (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
        break;  // the assignment may have changed: start over
      }
    }
    // One Fetch in flight per leader, while the queue has room.
    bool refresh = false;
    if (queued_bytes_ < cfg_.queued_max_bytes) {
      std::map<int32_t, std::vector<fetch_target>> by_node;
      for (const auto& up : partitions_) {
        partition_state* p = up.get();
        if (p->fetch_offset < 0) continue;
        const topic_metadata* tm = cluster_.topic(p->topic);
        int32_t leader = -1;
        if (tm && p->partition < static_cast<int32_t>(tm->partitions.size())) {
          leader = tm->partitions[static_cast<size_t>(p->partition)].leader;
        }
        if (leader < 0) {
          refresh = true;
          continue;
        }
        if (node_busy_[leader]) continue;
        by_node[leader].push_back(fetch_target{p->topic, p->partition, p->fetch_offset, p->epoch});
      }
      for (auto& [node, targets] : by_node) {
        node_busy_[node] = true;
        ++running_tasks_;
        std::vector<fetch_target> t = std::move(targets);
        io::spawn(fetch_from(node, std::move(t)));
      }
    }
    if (refresh) {
      std::vector<std::string> names;
      for (const auto& p : partitions_) {
        if (std::find(names.begin(), names.end(), p->topic) == names.end()) names.push_back(p->topic);
      }
      (void)co_await cluster_.refresh_metadata(std::move(names), false);
      (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
      continue;
    }
    if (closing_) break;
    co_await manager_wake_.wait_until(io::clock::now() + std::chrono::milliseconds(200));
  }
  manager_running_ = false;
  task_done_.notify_all();
}

io::task<void> consumer::fetch_from(int32_t node, std::vector<fetch_target> targets) {
  ++stats_.fetches;
  bool stale_metadata = false;
  auto conn = co_await cluster_.connection(node);
  if (!conn) {
    ++stats_.fetch_errors;
    stale_metadata = true;
    (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
  } else {
    broker_connection* c = *conn;
    const int16_t v = c->pick_version(codec::api_key::fetch, 4, 11);
    if (v < 0) {
      fatal_ = error::of(errc::unsupported_version);
    } else {
      codec::fetch_request req;
      req.replica_id = -1;
      req.max_wait_ms = cfg_.fetch_max_wait_ms;
      req.min_bytes = cfg_.fetch_min_bytes;
      req.max_bytes = cfg_.fetch_max_bytes;
      req.isolation_level = cfg_.isolation_level;
      for (const auto& t : targets) {
        codec::fetch_request::fetch_topic* ft = nullptr;
        for (auto& x : req.topics) {
          if (x.topic == t.topic) ft = &x;
        }
        if (!ft) {
          req.topics.emplace_back();
          ft = &req.topics.back();
          ft->topic = t.topic;
        }
        codec::fetch_request::fetch_partition fp;
        fp.partition = t.partition;
        fp.fetch_offset = t.offset;
        fp.partition_max_bytes = cfg_.max_partition_fetch_bytes;
        ft->partitions.push_back(fp);
      }
      auto resp = co_await c->call(req, v);
      if (!resp) {
        ++stats_.fetch_errors;
        stale_metadata = resp.error().needs_metadata_refresh();
        if (!closing_) (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
      } else {
        auto frame = std::make_shared<response_frame>(std::move(*resp));
        codec::reader rd = frame->body();
        codec::fetch_response body;
        if (!body.decode(rd, v)) {
          ++stats_.fetch_errors;
        } else {
          for (const auto& tr : body.responses) {
            for (const auto& pd : tr.partitions) {
              partition_state* p = find(tr.topic, pd.partition_index);
              if (!p) continue;
              uint64_t epoch = 0;
              int64_t requested = -1;
              for (const auto& t : targets) {
                if (t.partition == pd.partition_index && t.topic == tr.topic) {
                  epoch = t.epoch;
                  requested = t.offset;
                }
              }
              if (p->epoch != epoch || p->fetch_offset != requested) continue;  // seeked meanwhile
              if (pd.error_code != 0) {
                ++stats_.fetch_errors;
                const error e = error::from_kafka(pd.error_code);
                if (pd.error_code == static_cast<int16_t>(codec::error_code::offset_out_of_range)) {
                  if (cfg_.auto_offset_reset == offset_reset::none) {
                    fatal_ = e;
                  } else {
                    p->fetch_offset = p->position = -1;
                    p->reset_to = cfg_.auto_offset_reset == offset_reset::earliest ? offset_beginning : offset_end;
                    p->epoch = ++epoch_counter_;
                  }
                } else if (e.needs_metadata_refresh()) {
                  stale_metadata = true;
                }
                continue;
              }
              if (!pd.records || pd.records->empty()) continue;
              // Advance the fetch position past the last complete batch (a response may
              // end in a partial batch, KIP-74).
              codec::record_batch_reader br(*pd.records);
              int64_t next = p->fetch_offset;
              size_t used = 0;
              for (;;) {
                auto b = br.next();
                if (!b || !*b) break;
                next = std::max(next, (*b)->next_offset());
                used = br.position();
              }
              if (used == 0) continue;
              p->fetch_offset = next;
              stats_.bytes_fetched += used;
              queued_bytes_ += used;
              chunk fetched{frame, p, p->epoch, pd.records->subspan(0, used), {}};
              if (cfg_.isolation_level == isolation_read_committed && pd.aborted_transactions) {
                for (const auto& a : *pd.aborted_transactions) {
                  fetched.aborted.push_back(aborted_transaction{a.producer_id, a.first_offset});
                }
                std::sort(fetched.aborted.begin(), fetched.aborted.end(),
                          [](const aborted_transaction& x, const aborted_transaction& y) {
                            return x.first_offset < y.first_offset;
                          });
              }
              chunks_.push_back(std::move(fetched));
            }
          }
          if (!chunks_.empty()) data_ready_.notify();
        }
      }
    }
  }
  if (stale_metadata && !closing_) {
    std::vector<std::string> names;
    for (const auto& t : targets) names.push_back(t.topic);
    (void)co_await cluster_.refresh_metadata(std::move(names), false);
  }
  node_busy_[node] = false;
  --running_tasks_;
  wake_manager();
  task_done_.notify_all();
}

io::task<result<size_t>> consumer::poll(record_handler& handler, std::chrono::milliseconds timeout) {
  if (fatal_) {
    const error e = *fatal_;
    fatal_.reset();
    co_return unexpected{e};
  }
  if (in_group_ && cfg_.enable_auto_commit && io::clock::now() >= next_auto_commit_) {
    // Kafka's auto-commit: every auto.commit.interval.ms, poll() commits the positions
    // the previous polls delivered (at-least-once: records are handed over first).
    next_auto_commit_ = io::clock::now() + std::chrono::milliseconds(cfg_.auto_commit_interval_ms);
    auto committed = co_await commit();
    if (!committed) RT_LOG_DEBUG("consumer: auto-commit failed: %s", committed.error().message().c_str());
  }
  if (chunks_.empty() && timeout.count() > 0) {
    co_await data_ready_.wait_until(io::clock::now() + timeout);
  }
  size_t delivered = 0;
  while (!chunks_.empty()) {
    chunk ch = std::move(chunks_.front());
    chunks_.pop_front();
    queued_bytes_ -= ch.records.size();
    partition_state* p = ch.partition;
    if (p->epoch != ch.epoch) continue;
    codec::record_batch_reader br(ch.records);
    // read_committed (KIP-98): a producer's transactional batches are dropped from the
    // first offset of an aborted transaction the broker listed up to its abort marker.
    size_t next_abort = 0;
    std::vector<int64_t> aborting;
    for (;;) {
      auto nb = br.next();
      if (!nb || !*nb) break;
      const codec::record_batch_view& b = **nb;
      bool aborted = false;
      if (!ch.aborted.empty() && b.has_producer_id()) {
        while (next_abort < ch.aborted.size() && ch.aborted[next_abort].first_offset < b.next_offset()) {
          aborting.push_back(ch.aborted[next_abort++].producer_id);
        }
        auto it = std::find(aborting.begin(), aborting.end(), b.producer_id());
        if (it != aborting.end()) {
          if (b.is_control()) {
            aborting.erase(it);
          } else {
            aborted = b.is_transactional();
          }
        }
      }
      if (b.next_offset() <= p->position) continue;
      if (!b.is_control() && !aborted) {
        auto recs = b.records(scratch_, decompressed_batch_max_bytes);
        if (!recs) {
          RT_LOG_WARN("consumer: undecodable batch at %lld", static_cast<long long>(b.base_offset()));
          fatal_ = error::of(errc::protocol);
          break;
        }
        consumed_record cr;
        cr.topic = p->topic;
        cr.partition = p->partition;
        for (;;) {
          auto r = recs->next();
          if (!r || !*r) break;
          const codec::record_view& rv = **r;
          const int64_t off = b.offset_of(rv);
          if (off < p->position) continue;
          cr.offset = off;
          cr.timestamp_ms = b.timestamp_of(rv);
          cr.timestamp_type = b.ts_type();
          cr.key = rv.key;
          cr.value = rv.value;
          cr.headers = rv.headers();
          handler.on_record(cr);
          ++delivered;
        }
      }
      p->position = std::max(p->position, b.next_offset());
    }
  }
  wake_manager();  // the queue has room again
  co_return delivered;
}

io::task<void> consumer::close() {
  if (in_group_ && cfg_.enable_auto_commit) (void)co_await commit();
  closing_ = true;
  wake_manager();
  data_ready_.notify();
  while (manager_running_ || running_tasks_ > 0 || group_running_) {
    (void)co_await io::sleep_for(std::chrono::milliseconds(20));
  }
  if (in_group_) {
    // LeaveGroup, so the rest of the group rebalances at once instead of after the
    // session timeout.
    auto c = co_await coordinator();
    if (c) {
      const int16_t v = (*c)->pick_version(codec::api_key::leave_group, 0, 3);
      if (v >= 0) {
        codec::leave_group_request req;
        req.group_id = cfg_.group_id;
        req.member_id = member_id_;
        codec::leave_group_request::member_identity mi;
        mi.member_id = member_id_;
        req.members.push_back(mi);
        (void)co_await (*c)->call(req, v);
      }
    }
    in_group_ = false;
  }
  chunks_.clear();
}

// ---------------------------------------------------------------------------------------
// Groups

io::task<result<broker_connection*>> consumer::coordinator() {
  if (coordinator_id_ >= 0) {
    auto c = co_await cluster_.connection(coordinator_id_);
    if (c) co_return c;
    coordinator_id_ = -1;
  }
  error last = error::of(errc::network);
  for (int attempt = 0; attempt < 30 && !closing_; ++attempt) {
    if (attempt > 0) (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
    auto any = co_await cluster_.any_connection();
    if (!any) {
      last = any.error();
      continue;
    }
    broker_connection* c = *any;
    const int16_t v = c->pick_version(codec::api_key::find_coordinator, 0, 3);
    if (v < 0) co_return fail(errc::unsupported_version);
    codec::find_coordinator_request req;
    req.key = cfg_.group_id;
    auto resp = co_await c->call(req, v);
    if (!resp) {
      last = resp.error();
      continue;
    }
    codec::reader rd = resp->body();
    codec::find_coordinator_response body;
    if (!body.decode(rd, v)) co_return fail(errc::protocol);
    if (body.error_code != 0) {
      last = error::from_kafka(body.error_code);
      if (!last.retriable()) break;
      continue;
    }
    cluster_.add_broker(body.node_id, std::string(body.host), body.port);
    coordinator_id_ = body.node_id;
    auto conn = co_await cluster_.connection(coordinator_id_);
    if (conn) co_return conn;
    last = conn.error();
    coordinator_id_ = -1;
  }
  co_return unexpected{last};
}

io::task<result<void>> consumer::subscribe(std::vector<std::string> topics) {
  if (cfg_.group_id.empty() || topics.empty()) co_return fail(errc::invalid_argument);
  for (const auto& t : topics) {
    auto tm = co_await cluster_.wait_for_topic(t, false);
    if (!tm) co_return unexpected{tm.error()};
  }
  auto r = co_await join_and_sync(topics);
  if (!r) co_return r;
  group_running_ = true;
  io::spawn(group_loop(std::move(topics)));
  co_return result<void>{};
}

io::task<result<void>> consumer::join_and_sync(const std::vector<std::string>& topics) {
  error last = error::of(errc::network);
  for (int attempt = 0; attempt < 50 && !closing_; ++attempt) {
    if (attempt > 0) (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
    auto cr = co_await coordinator();
    if (!cr) {
      last = cr.error();
      continue;
    }
    broker_connection* c = *cr;
    const int16_t jv = c->pick_version(codec::api_key::join_group, 1, 5);
    const int16_t sv = c->pick_version(codec::api_key::sync_group, 0, 3);
    if (jv < 0 || sv < 0) co_return fail(errc::unsupported_version);
    // Subscription (ConsumerProtocolSubscription v0): int16 version, then the body.
    codec::writer sub_w;
    sub_w.write_int16(0);
    codec::consumer_protocol_subscription sub;
    for (const auto& t : topics) sub.topics.push_back(t);
    sub.encode(sub_w, 0);
    codec::join_group_request jreq;
    jreq.group_id = cfg_.group_id;
    jreq.session_timeout_ms = cfg_.session_timeout_ms;
    jreq.rebalance_timeout_ms = cfg_.rebalance_timeout_ms;
    jreq.member_id = member_id_;
    jreq.protocol_type = "consumer";
    codec::join_group_request::join_group_request_protocol proto;
    proto.name = "range";
    proto.metadata = sub_w.bytes();
    jreq.protocols.push_back(proto);
    auto jresp = co_await c->call(jreq, jv);
    if (!jresp) {
      last = jresp.error();
      coordinator_id_ = -1;
      continue;
    }
    codec::reader jrd = jresp->body();
    codec::join_group_response join;
    if (!join.decode(jrd, jv)) co_return fail(errc::protocol);
    if (join.error_code == member_id_required) {
      member_id_ = std::string(join.member_id);
      attempt = 0;
      continue;
    }
    if (join.error_code != 0) {
      last = error::from_kafka(join.error_code);
      if (join.error_code == static_cast<int16_t>(codec::error_code::unknown_member_id)) member_id_.clear();
      if (join.error_code == static_cast<int16_t>(codec::error_code::not_coordinator) ||
          join.error_code == static_cast<int16_t>(codec::error_code::coordinator_not_available)) {
        coordinator_id_ = -1;
      }
      continue;
    }
    member_id_ = std::string(join.member_id);
    generation_ = join.generation_id;
    // The leader runs the range assignor (Kafka's RangeAssignor): per topic, members
    // subscribed to it sorted by member id; partitions split in contiguous ranges, the
    // first (n % m) members getting one extra.
    std::vector<std::string> member_ids;
    std::map<std::string, std::vector<std::string>> subs;  // member → topics
    std::map<std::string, std::map<std::string, std::vector<int32_t>>> plan;
    std::vector<codec::writer> encoded;
    codec::sync_group_request sreq;
    if (join.leader == join.member_id) {
      for (const auto& m : join.members) {
        std::string id(m.member_id);
        member_ids.push_back(id);
        codec::reader mr(m.metadata);
        int16_t ver = 0;
        codec::consumer_protocol_subscription s;
        if (mr.read_int16(ver) && s.decode(mr, std::min<int16_t>(ver, 3))) {
          for (auto t : s.topics) subs[id].push_back(std::string(t));
        }
      }
      std::sort(member_ids.begin(), member_ids.end());
      std::map<std::string, std::vector<std::string>> members_of;
      for (const auto& id : member_ids) {
        for (const auto& t : subs[id]) members_of[t].push_back(id);
      }
      for (auto& [t, ms] : members_of) {
        const topic_metadata* tm = cluster_.topic(t);
        if (!tm) {
          std::vector<std::string> one{t};
          (void)co_await cluster_.refresh_metadata(std::move(one), false);
          tm = cluster_.topic(t);
        }
        if (!tm) continue;
        const auto n = static_cast<int32_t>(tm->partitions.size());
        const auto m = static_cast<int32_t>(ms.size());
        int32_t next = 0;
        for (int32_t i = 0; i < m; ++i) {
          const int32_t count = n / m + (i < n % m ? 1 : 0);
          for (int32_t k = 0; k < count; ++k) plan[ms[static_cast<size_t>(i)]][t].push_back(next++);
        }
      }
      encoded.resize(member_ids.size());
      for (size_t i = 0; i < member_ids.size(); ++i) {
        codec::consumer_protocol_assignment a;
        for (auto& [t, parts] : plan[member_ids[i]]) {
          codec::consumer_protocol_assignment::topic_partition tp;
          tp.topic = t;
          tp.partitions = parts;
          a.assigned_partitions.push_back(tp);
        }
        encoded[i].write_int16(0);
        a.encode(encoded[i], 0);
        codec::sync_group_request::sync_group_request_assignment sa;
        sa.member_id = member_ids[i];
        sa.assignment = encoded[i].bytes();
        sreq.assignments.push_back(sa);
      }
    }
    sreq.group_id = cfg_.group_id;
    sreq.generation_id = generation_;
    sreq.member_id = member_id_;
    auto sresp = co_await c->call(sreq, sv);
    if (!sresp) {
      last = sresp.error();
      continue;
    }
    codec::reader srd = sresp->body();
    codec::sync_group_response sync;
    if (!sync.decode(srd, sv)) co_return fail(errc::protocol);
    if (sync.error_code != 0) {
      last = error::from_kafka(sync.error_code);
      continue;  // REBALANCE_IN_PROGRESS etc.: join again
    }
    std::vector<topic_partition_offset> assigned;
    if (!sync.assignment.empty()) {
      codec::reader ar(sync.assignment);
      int16_t ver = 0;
      codec::consumer_protocol_assignment a;
      if (!ar.read_int16(ver) || !a.decode(ar, std::min<int16_t>(ver, 3))) co_return fail(errc::protocol);
      for (const auto& tp : a.assigned_partitions) {
        for (int32_t p : tp.partitions) assigned.push_back(topic_partition_offset{std::string(tp.topic), p, offset_end});
      }
    }
    // Start from the committed offsets; auto.offset.reset for the rest.
    for (auto& tp : assigned) {
      auto co = co_await committed(tp.topic, tp.partition);
      if (co && *co >= 0) {
        tp.offset = *co;
      } else {
        tp.offset = cfg_.auto_offset_reset == offset_reset::earliest ? offset_beginning : offset_end;
      }
    }
    in_group_ = true;
    next_auto_commit_ = io::clock::now() + std::chrono::milliseconds(cfg_.auto_commit_interval_ms);
    ++stats_.rebalances;
    co_return co_await set_assignment(std::move(assigned));
  }
  co_return unexpected{last};
}

io::task<void> consumer::group_loop(std::vector<std::string> topics) {
  while (!closing_) {
    (void)co_await io::sleep_for(std::chrono::milliseconds(cfg_.heartbeat_interval_ms));
    if (closing_) break;
    auto cr = co_await coordinator();
    if (!cr) continue;
    broker_connection* c = *cr;
    const int16_t v = c->pick_version(codec::api_key::heartbeat, 0, 3);
    if (v < 0) break;
    codec::heartbeat_request req;
    req.group_id = cfg_.group_id;
    req.generation_id = generation_;
    req.member_id = member_id_;
    auto resp = co_await c->call(req, v);
    if (!resp) {
      coordinator_id_ = -1;
      continue;
    }
    codec::reader rd = resp->body();
    codec::heartbeat_response hb;
    if (!hb.decode(rd, v) || hb.error_code == 0) continue;
    using E = codec::error_code;
    const auto ec = static_cast<E>(hb.error_code);
    if (ec == E::not_coordinator || ec == E::coordinator_not_available) {
      coordinator_id_ = -1;
      continue;
    }
    if (ec == E::rebalance_in_progress && cfg_.enable_auto_commit) (void)co_await commit();
    if (ec == E::unknown_member_id || ec == E::illegal_generation) {
      member_id_.clear();
      generation_ = -1;
    }
    auto r = co_await join_and_sync(topics);
    if (!r) RT_LOG_WARN("consumer: rejoin failed: %s", r.error().message().c_str());
  }
  group_running_ = false;
  task_done_.notify_all();
}

io::task<result<void>> consumer::commit() {
  if (cfg_.group_id.empty()) co_return fail(errc::invalid_argument);
  auto cr = co_await coordinator();
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::offset_commit, 2, 7);
  if (v < 0) co_return fail(errc::unsupported_version);
  codec::offset_commit_request req;
  req.group_id = cfg_.group_id;
  req.generation_id_or_member_epoch = in_group_ ? generation_ : -1;
  req.member_id = in_group_ ? std::string_view(member_id_) : std::string_view();
  for (const auto& p : partitions_) {
    if (p->position < 0) continue;
    codec::offset_commit_request::offset_commit_request_topic* t = nullptr;
    for (auto& x : req.topics) {
      if (x.name == p->topic) t = &x;
    }
    if (!t) {
      req.topics.emplace_back();
      t = &req.topics.back();
      t->name = p->topic;
    }
    codec::offset_commit_request::offset_commit_request_partition pp;
    pp.partition_index = p->partition;
    pp.committed_offset = p->position;
    t->partitions.push_back(pp);
  }
  if (req.topics.empty()) co_return result<void>{};
  auto resp = co_await c->call(req, v);
  if (!resp) co_return unexpected{resp.error()};
  codec::reader rd = resp->body();
  codec::offset_commit_response body;
  if (!body.decode(rd, v)) co_return fail(errc::protocol);
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error_code != 0) co_return fail_kafka(p.error_code);
    }
  }
  co_return result<void>{};
}

io::task<result<int64_t>> consumer::committed(std::string topic, int32_t partition) {
  if (cfg_.group_id.empty()) co_return fail(errc::invalid_argument);
  auto cr = co_await coordinator();
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::offset_fetch, 1, 7);
  if (v < 0) co_return fail(errc::unsupported_version);
  codec::offset_fetch_request req;
  req.group_id = cfg_.group_id;
  req.topics.emplace();
  codec::offset_fetch_request::offset_fetch_request_topic t;
  t.name = topic;
  t.partition_indexes.push_back(partition);
  req.topics->push_back(t);
  auto resp = co_await c->call(req, v);
  if (!resp) co_return unexpected{resp.error()};
  codec::reader rd = resp->body();
  codec::offset_fetch_response body;
  if (!body.decode(rd, v)) co_return fail(errc::protocol);
  if (body.error_code != 0) co_return fail_kafka(body.error_code);
  for (const auto& bt : body.topics) {
    for (const auto& p : bt.partitions) {
      if (p.partition_index != partition) continue;
      if (p.error_code != 0) co_return fail_kafka(p.error_code);
      co_return p.committed_offset;
    }
  }
  co_return int64_t{-1};
}

}  // namespace ringtail::core::client
