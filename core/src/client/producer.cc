#include "ringtail/core/client/producer.h"

#include <algorithm>

#include "ringtail/base/logging.h"
#include "ringtail/codec/murmur2.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::client {

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

producer::producer(cluster& c, producer_config cfg, delivery_handler* handler)
    : cluster_(c), cfg_(cfg), handler_(handler) {}

producer::~producer() { RT_ASSERT(!sender_running_ && outstanding_requests_ == 0, "producer destroyed before close()"); }

io::task<result<void>> producer::start() {
  if (cfg_.batch_size <= 0 || cfg_.linger_ms < 0 || cfg_.max_in_flight < 1 || cfg_.max_in_flight > max_in_flight_limit ||
      (cfg_.acks != 0 && cfg_.acks != 1 && cfg_.acks != -1) || cfg_.buffer_memory == 0) {
    co_return fail(errc::invalid_argument);
  }
  // Idempotence needs acks=all and at most 5 in flight (Kafka's rule: the broker keeps
  // the last 5 batches per producer for duplicate detection).
  if (cfg_.idempotence && (cfg_.acks != acks_all || cfg_.max_in_flight > 5)) co_return fail(errc::invalid_argument);
  auto conn = co_await cluster_.any_connection();
  if (!conn) co_return unexpected{conn.error()};
  produce_version_ = (*conn)->pick_version(codec::api_key::produce, 3, 7);
  if (produce_version_ < 0) co_return fail(errc::unsupported_version);
  if (cfg_.compression == codec::compression_type::zstd && produce_version_ < 7) co_return fail(errc::unsupported_version);
  if (cfg_.idempotence) {
    auto r = co_await init_producer_id();
    if (!r) co_return r;
  }
  sender_running_ = true;
  io::spawn(run_sender());
  co_return result<void>{};
}

io::task<result<void>> producer::init_producer_id() {
  error last = error::of(errc::network);
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (attempt > 0) (void)co_await io::sleep_for(std::chrono::milliseconds(cfg_.retry_backoff_ms));
    auto conn = co_await cluster_.any_connection();
    if (!conn) {
      last = conn.error();
      continue;
    }
    broker_connection* c = *conn;
    const int16_t v = c->pick_version(codec::api_key::init_producer_id, 0, 3);
    if (v < 0) co_return fail(errc::unsupported_version);
    codec::init_producer_id_request req;
    req.transaction_timeout_ms = 60'000;
    auto resp = co_await c->call(req, v);
    if (!resp) {
      last = resp.error();
      continue;
    }
    codec::reader rd = resp->body();
    codec::init_producer_id_response body;
    if (!body.decode(rd, v)) co_return fail(errc::protocol);
    if (body.error_code != 0) {
      last = error::from_kafka(body.error_code);
      if (!last.retriable()) break;
      continue;
    }
    producer_id_ = body.producer_id;
    producer_epoch_ = body.producer_epoch;
    co_return result<void>{};
  }
  co_return unexpected{last};
}

io::task<void> producer::reset_producer_id() {
  pid_reset_pending_ = false;
  ++stats_.producer_id_resets;
  auto r = co_await init_producer_id();
  if (!r) {
    // Without a producer id nothing unsent can go: fail it (newer batches try again).
    RT_LOG_WARN("producer: cannot get a new producer id: %s", r.error().message().c_str());
    for (auto& [name, t] : topics_) {
      for (auto& p : t->partitions) {
        while (!p->ready.empty()) {
          batch* b = p->ready.front();
          p->ready.pop_front();
          deliver(b, -1, r.error());
        }
      }
    }
    co_return;
  }
  for (auto& [name, t] : topics_) {
    for (auto& p : t->partitions) {
      int32_t seq = 0;
      for (batch* b : p->ready) {  // in sequence order
        auto m = codec::mutable_record_batch_view::parse(b->bytes);
        RT_ASSERT(m.has_value(), "a finished batch does not parse");
        m->set_producer(producer_id_, producer_epoch_, seq);
        b->base_sequence = seq;
        seq += b->builder.record_count();
      }
      if (p->open) {
        p->open->builder.set_producer(producer_id_, producer_epoch_, seq);
        p->open->base_sequence = seq;
      }
      p->next_sequence = seq;
    }
  }
}

io::task<result<void>> producer::prepare_topic(std::string topic) {
  if (find_topic(topic)) co_return result<void>{};
  auto tm = co_await cluster_.wait_for_topic(topic, false);
  if (!tm) co_return unexpected{tm.error()};
  if (find_topic(topic)) co_return result<void>{};  // prepared concurrently
  auto t = std::make_unique<topic_state>();
  t->name = topic;
  for (size_t i = 0; i < (*tm)->partitions.size(); ++i) {
    auto p = std::make_unique<partition_state>();
    p->index = static_cast<int32_t>(i);
    p->topic = t.get();
    t->partitions.push_back(std::move(p));
  }
  last_topic_ = nullptr;
  topics_[topic] = std::move(t);
  co_return result<void>{};
}

producer::topic_state* producer::find_topic(std::string_view name) {
  if (last_topic_ && last_topic_->name == name) return last_topic_;
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) return nullptr;
  last_topic_ = it->second.get();
  return last_topic_;
}

int32_t producer::choose_partition(topic_state& t, const producer_record& r) {
  const auto n = static_cast<int32_t>(t.partitions.size());
  if (r.partition >= 0) return r.partition;
  if (r.key) return codec::to_positive(codec::murmur2(*r.key)) % n;
  // Sticky partitioner (KIP-480): null-key records stick to one partition until its
  // batch closes, then a new random one is chosen.
  if (t.sticky < 0 || t.sticky >= n) t.sticky = static_cast<int32_t>(rng_() % static_cast<uint32_t>(n));
  return t.sticky;
}

producer::batch* producer::acquire_batch(topic_state& t, partition_state& p) {
  batch* b;
  if (!free_batches_.empty()) {
    b = free_batches_.back();
    free_batches_.pop_back();
  } else {
    all_batches_.push_back(std::make_unique<batch>());
    b = all_batches_.back().get();
  }
  b->builder.reset();
  codec::compress_options co;
  co.level = cfg_.compression_level;
  b->builder.set_compression(cfg_.compression, co);
  b->base_sequence = codec::no_sequence;
  if (cfg_.idempotence) {
    b->base_sequence = p.next_sequence;
    b->builder.set_producer(producer_id_, producer_epoch_, p.next_sequence);
  }
  b->tags.clear();
  b->topic = &t;
  b->partition = &p;
  b->memory_bytes = 0;
  b->attempts = 0;
  b->created = io::clock::now();
  b->retry_at = {};
  b->bytes = {};
  b->closed = false;
  ++outstanding_batches_;
  return b;
}

void producer::release_batch(batch* b) {
  b->tags.clear();
  // Keep a bounded pool: enough batches to fill buffer.memory, no more.
  const size_t pool_max = cfg_.buffer_memory / static_cast<size_t>(cfg_.batch_size) + 64;
  if (free_batches_.size() < pool_max) {
    free_batches_.push_back(b);
  } else {
    auto it = std::find_if(all_batches_.begin(), all_batches_.end(), [b](const auto& u) { return u.get() == b; });
    RT_ASSERT(it != all_batches_.end(), "unknown batch");
    all_batches_.erase(it);
  }
}

result<void> producer::try_send(const producer_record& r, uint64_t tag) {
  if (closing_) return fail(errc::closed);
  topic_state* t = find_topic(r.topic);
  if (!t) return fail(errc::unknown_topic);
  size_t size = record_overhead_bytes + (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& h : r.headers) size += h.key.size() + (h.value ? h.value->size() : 0) + 4;
  if (size + codec::record_batch_header_bytes > static_cast<size_t>(cfg_.max_request_size)) {
    return fail(errc::invalid_argument);
  }
  if (buffered_bytes_ > 0 && buffered_bytes_ + size > cfg_.buffer_memory) return fail(errc::buffer_full);
  const int32_t pi = choose_partition(*t, r);
  if (pi < 0 || pi >= static_cast<int32_t>(t->partitions.size())) return fail(errc::invalid_argument);
  partition_state& p = *t->partitions[static_cast<size_t>(pi)];
  if (p.open && p.open->builder.uncompressed_size_bytes() + size > static_cast<size_t>(cfg_.batch_size)) close_batch(p);
  if (!p.open) {
    p.open = acquire_batch(*t, p);
    open_partitions_.push_back(&p);
    if (sender_sleeping_) sender_wake_.notify();  // a new linger deadline
  }
  batch* b = p.open;
  b->builder.append(r.timestamp_ms >= 0 ? r.timestamp_ms : now_ms(), r.key, r.value, r.headers);
  b->tags.push_back(tag);
  b->memory_bytes += size;
  buffered_bytes_ += size;
  if (b->builder.uncompressed_size_bytes() >= static_cast<size_t>(cfg_.batch_size)) close_batch(p);
  return {};
}

io::task<result<void>> producer::send(const producer_record* r, uint64_t tag) {
  for (;;) {
    auto res = try_send(*r, tag);
    if (res) co_return res;
    if (res.error() == errc::buffer_full) {
      co_await wait_for_space();
    } else if (res.error() == errc::unknown_topic) {
      auto p = co_await prepare_topic(std::string(r->topic));
      if (!p) co_return p;
    } else {
      co_return res;
    }
  }
}

io::task<void> producer::wait_for_space() {
  if (buffered_bytes_ == 0) co_return;
  // A full buffer means batches should go now rather than at linger.
  if (sender_sleeping_) sender_wake_.notify();
  (void)co_await space_freed_.wait();
}

void producer::close_batch(partition_state& p) {
  batch* b = p.open;
  RT_ASSERT(b && !b->closed, "close_batch without an open batch");
  p.open = nullptr;
  auto it = std::find(open_partitions_.begin(), open_partitions_.end(), &p);
  RT_ASSERT(it != open_partitions_.end(), "open partition not listed");
  *it = open_partitions_.back();
  open_partitions_.pop_back();
  if (p.topic->sticky == p.index) p.topic->sticky = -1;
  auto fin = b->builder.finish();
  b->closed = true;
  if (!fin) {
    RT_LOG_WARN("producer: cannot finish a batch (compression failed)");
    deliver(b, -1, error::of(errc::invalid_argument));
    return;
  }
  b->bytes = *fin;
  if (cfg_.idempotence) p.next_sequence += b->builder.record_count();
  p.ready.push_back(b);
  mark_ready(p);
}

void producer::mark_ready(partition_state& p) {
  if (!p.queued) {
    p.queued = true;
    ready_partitions_.push_back(&p);
  }
  if (sender_sleeping_) sender_wake_.notify();
}

void producer::requeue(batch* b) {
  partition_state& p = *b->partition;
  // Back in sequence (or creation) order, ahead of newer batches.
  auto pos = std::find_if(p.ready.begin(), p.ready.end(), [b](const batch* o) {
    return b->base_sequence >= 0 ? o->base_sequence > b->base_sequence : o->created > b->created;
  });
  p.ready.insert(pos, b);
  mark_ready(p);
}

void producer::deliver(batch* b, int64_t base_offset, error err) {
  delivery_report rep;
  rep.topic = b->topic->name;
  rep.partition = b->partition->index;
  rep.base_offset = base_offset;
  rep.err = err;
  rep.tags = b->tags;
  rep.bytes = b->memory_bytes;
  if (err.code != errc::ok) stats_.records_failed += b->tags.size();
  if (handler_) handler_->on_delivery(rep);
  buffered_bytes_ -= b->memory_bytes;
  release_batch(b);
  --outstanding_batches_;
  space_freed_.notify_all();
  if (outstanding_batches_ == 0) delivered_.notify_all();
}

io::task<void> producer::run_sender() {
  std::vector<std::pair<int32_t, std::vector<batch*>>> by_node;
  std::vector<partition_state*> still_ready;
  for (;;) {
    if (closing_ && outstanding_batches_ == 0) break;
    if (metadata_stale_) {
      metadata_stale_ = false;
      std::vector<std::string> names;
      for (auto& [n, t] : topics_) names.push_back(n);
      auto r = co_await cluster_.refresh_metadata(std::move(names), false);
      if (!r) RT_LOG_DEBUG("producer: metadata refresh failed: %s", r.error().message().c_str());
    }
    if (pid_reset_pending_) {
      if (outstanding_requests_ == 0) {
        co_await reset_producer_id();
      } else {
        // Wait for the answers in flight (each wakes the sender) before renumbering.
        sender_sleeping_ = true;
        const auto until = io::clock::now() + std::chrono::milliseconds(cfg_.request_timeout_ms);
        co_await sender_wake_.wait_until(until);
        sender_sleeping_ = false;
        continue;
      }
    }
    const auto now = io::clock::now();
    const auto linger = std::chrono::milliseconds(cfg_.linger_ms);
    io::clock::time_point next_deadline = io::clock::time_point::max();
    // Close batches whose linger has passed; when flushing or when the buffer is full
    // (nothing else would make room), also those whose partition has nothing closed
    // waiting — closing more while closed batches still queue would only cut the open
    // batch short, and a full buffer would then keep producing ever smaller batches.
    const bool urgent = flushing_ || closing_ || buffered_bytes_ * 10 >= cfg_.buffer_memory * 9;
    for (size_t i = 0; i < open_partitions_.size();) {
      partition_state* p = open_partitions_[i];
      if ((urgent && p->ready.empty()) || p->open->created + linger <= now) {
        close_batch(*p);  // swaps the last entry into i
      } else {
        next_deadline = std::min(next_deadline, p->open->created + linger);
        ++i;
      }
    }
    // Drain: the oldest batch of each ready partition, grouped by leader.
    for (auto& [node, list] : by_node) list.clear();
    still_ready.clear();
    std::vector<size_t> request_bytes(by_node.size(), 0);
    bool sent_any = false;
    while (!ready_partitions_.empty()) {
      partition_state* p = ready_partitions_.front();
      ready_partitions_.pop_front();
      p->queued = false;
      if (p->ready.empty()) continue;
      batch* b = p->ready.front();
      bool keep = true;
      const topic_metadata* tm = cluster_.topic(p->topic->name);
      int32_t leader = -1;
      if (tm && p->index < static_cast<int32_t>(tm->partitions.size())) leader = tm->partitions[static_cast<size_t>(p->index)].leader;
      if (b->retry_at > now) {
        next_deadline = std::min(next_deadline, b->retry_at);
      } else if (cfg_.idempotence && p->in_flight > 0 && b->attempts > 0) {
        // A retried idempotent batch waits until nothing of its partition is in flight,
        // so sequences reach the broker in order.
      } else if (leader < 0) {
        metadata_stale_ = true;
        b->retry_at = now + std::chrono::milliseconds(cfg_.retry_backoff_ms);
        next_deadline = std::min(next_deadline, b->retry_at);
      } else if (node_in_flight_[leader] < cfg_.max_in_flight) {
        size_t slot = by_node.size();
        for (size_t i = 0; i < by_node.size(); ++i) {
          if (by_node[i].first == leader) slot = i;
        }
        if (slot == by_node.size()) {
          by_node.emplace_back(leader, std::vector<batch*>{});
          request_bytes.push_back(0);
        }
        if (by_node[slot].second.empty() ||
            request_bytes[slot] + b->bytes.size() + 64 <= static_cast<size_t>(cfg_.max_request_size)) {
          by_node[slot].second.push_back(b);
          request_bytes[slot] += b->bytes.size() + 64;
          p->ready.pop_front();
          ++p->in_flight;
          keep = !p->ready.empty();
        }
      }
      if (keep) still_ready.push_back(p);
    }
    for (partition_state* p : still_ready) {
      if (!p->queued) {
        p->queued = true;
        ready_partitions_.push_back(p);
      }
    }
    for (auto& [node, list] : by_node) {
      if (list.empty()) continue;
      ++node_in_flight_[node];
      ++outstanding_requests_;
      sent_any = true;
      std::vector<batch*> batches = std::move(list);
      list = {};
      io::spawn(send_request(node, std::move(batches)));
    }
    if (sent_any) continue;
    if (closing_ && outstanding_batches_ == 0) break;
    // Sleep until woken (a new batch, a response, flush) or the next deadline.
    sender_sleeping_ = true;
    if (next_deadline == io::clock::time_point::max()) next_deadline = io::clock::now() + std::chrono::seconds(1);
    co_await sender_wake_.wait_until(next_deadline);
    sender_sleeping_ = false;
  }
  sender_running_ = false;
  sender_done_.notify_all();
}

io::task<void> producer::send_request(int32_t node, std::vector<batch*> batches) {
  ++stats_.requests;
  stats_.batches_sent += batches.size();
  error err{};
  std::optional<codec::produce_response> resp_body;
  response_frame frame;  // keeps resp_body's views alive
  auto conn = co_await cluster_.connection(node);
  if (!conn) {
    err = conn.error();
  } else {
    broker_connection* c = *conn;
    codec::produce_request req;
    req.acks = cfg_.acks;
    req.timeout_ms = cfg_.request_timeout_ms;
    for (batch* b : batches) {
      codec::produce_request::topic_produce_data* td = nullptr;
      for (auto& t : req.topic_data) {
        if (t.name.data() == b->topic->name.data()) td = &t;
      }
      if (!td) {
        req.topic_data.emplace_back();
        td = &req.topic_data.back();
        td->name = b->topic->name;
      }
      codec::produce_request::partition_produce_data pd;
      pd.index = b->partition->index;
      pd.records = codec::bytes_view(b->bytes);
      td->partition_data.push_back(pd);
    }
    if (cfg_.acks == acks_none) {
      auto s = co_await c->send_only(req, produce_version_);
      if (!s) err = s.error();
    } else {
      auto r = co_await c->call(req, produce_version_);
      if (!r) {
        err = r.error();
      } else {
        frame = std::move(*r);
        codec::reader rd = frame.body();
        codec::produce_response body;
        if (!body.decode(rd, produce_version_)) {
          err = error::of(errc::protocol);
        } else {
          resp_body = std::move(body);
        }
      }
    }
  }
  const auto now = io::clock::now();
  for (batch* b : batches) {
    --b->partition->in_flight;
    error e = err;
    int64_t base_offset = -1;
    if (e.code == errc::ok && resp_body) {
      bool found = false;
      for (const auto& t : resp_body->responses) {
        if (t.name != b->topic->name) continue;
        for (const auto& pr : t.partition_responses) {
          if (pr.index != b->partition->index) continue;
          found = true;
          base_offset = pr.base_offset;
          if (pr.error_code != 0) e = error::from_kafka(pr.error_code);
        }
      }
      if (!found) e = error::of(errc::protocol);
    }
    if (e.code == errc::kafka && e.kafka == static_cast<int16_t>(codec::error_code::duplicate_sequence_number)) {
      e = {};  // already written by an earlier attempt (KIP-98)
      base_offset = -1;
    }
    if (e.code == errc::ok) {
      deliver(b, base_offset, e);
      continue;
    }
    const bool out_of_order =
        cfg_.idempotence && e.code == errc::kafka && e.kafka == static_cast<int16_t>(codec::error_code::out_of_order_sequence_number);
    if (cfg_.idempotence && e.code == errc::kafka &&
        e.kafka == static_cast<int16_t>(codec::error_code::unknown_producer_id) && b->attempts < cfg_.retries) {
      // The broker no longer knows this producer: the sender takes a new id and
      // renumbers before anything else goes out.
      ++b->attempts;
      ++stats_.retries;
      pid_reset_pending_ = true;
      b->retry_at = now;
      requeue(b);
      continue;
    }
    const bool expired = now - b->created > std::chrono::milliseconds(cfg_.delivery_timeout_ms);
    if ((e.retriable() || out_of_order) && b->attempts < cfg_.retries && !expired) {
      ++b->attempts;
      ++stats_.retries;
      if (e.needs_metadata_refresh()) metadata_stale_ = true;
      b->retry_at = now + std::chrono::milliseconds(cfg_.retry_backoff_ms);
      requeue(b);
    } else {
      deliver(b, -1, expired && e.retriable() ? error::of(errc::timed_out) : e);
    }
  }
  --node_in_flight_[node];
  --outstanding_requests_;
  if (sender_sleeping_) sender_wake_.notify();
  if (outstanding_requests_ == 0) delivered_.notify_all();
}

io::task<void> producer::flush() {
  flushing_ = true;
  if (sender_sleeping_) sender_wake_.notify();
  while (outstanding_batches_ > 0) (void)co_await delivered_.wait();
  flushing_ = false;
}

io::task<void> producer::close() {
  if (sender_running_) co_await flush();
  closing_ = true;
  if (sender_sleeping_) sender_wake_.notify();
  while (sender_running_) (void)co_await sender_done_.wait();
  while (outstanding_requests_ > 0) (void)co_await delivered_.wait();
}

}  // namespace ringtail::core::client
