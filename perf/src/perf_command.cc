// The load generator's runner: an io::runtime of its own (--threads shards), producers
// and consumers spread over the shards as tasks, each with its own client (cluster),
// per-shard statistics read by the reporter on shard 0 through submit_to.
#include "ringtail/perf/perf_command.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "ringtail/base/logging.h"
#include "ringtail/core/client/cluster.h"
#include "ringtail/core/client/consumer.h"
#include "ringtail/core/client/producer.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/runtime.h"
#include "ringtail/io/signals.h"
#include "ringtail/io/timer.h"
#include "ringtail/io/when_all.h"
#include "ringtail/perf/histogram.h"
#include "ringtail/perf/options.h"
#include "ringtail/perf/payload.h"
#include "ringtail/perf/rate_limiter.h"
#include "ringtail/perf/report.h"

namespace ringtail::perf {

namespace client = core::client;
using std::chrono::steady_clock;

namespace {

constexpr int records_per_yield = 64;  // let the sender run between bursts

struct yield_awaiter {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { io::local().schedule(h); }
  void await_resume() const noexcept {}
};

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

// Written only by its own shard; copied by the reporter through submit_to.
struct side_stats {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  histogram interval;
  histogram total;
};

struct shard_slot {
  side_stats produce;
  side_stats consume;
};

struct run_state {
  options opt;
  std::vector<std::unique_ptr<shard_slot>> shards;
  std::vector<std::string> topics;
  std::atomic<uint64_t> consumed{0};
  std::atomic<bool> producers_done{false};
  std::atomic<bool> stop_consumers{false};
  std::atomic<int> consumers_ready{0};
  std::atomic<int> failures{0};
  int64_t consume_target = 0;
  steady_clock::time_point start{};
  steady_clock::time_point produce_end{};
  steady_clock::time_point consume_first{}, consume_last{};
  std::atomic<int64_t> first_consume_ns{0}, last_consume_ns{0};
  // The reporter (a detached task on shard 0) runs until `reporter_stop`; perf_main
  // waits for `reporter_exited` so nothing it touches is gone before it leaves.
  bool reporter_stop = false;
  bool reporter_exited = false;
  // SIGINT/SIGTERM stop the run early (producers stop sending, consumers stop), and the
  // summary still prints. The watcher lives on shard 0.
  std::atomic<bool> interrupted{false};
  io::cancel_token* signal_token = nullptr;
  bool signal_watcher_exited = false;
};

io::task<void> watch_signals(run_state* st) {
  io::cancel_token token;
  st->signal_token = &token;
  auto sig = co_await io::wait_for_shutdown_signal(&token);
  st->signal_token = nullptr;
  if (sig) {
    std::fprintf(stderr, "perf: signal %d, stopping\n", *sig);
    st->interrupted.store(true);
    st->stop_consumers.store(true);
  }
  st->signal_watcher_exited = true;
}

client::client_config make_client_config(const options& o) {
  client::client_config cc;
  auto bs = client::parse_bootstrap(o.bootstrap);
  if (bs) cc.bootstrap_servers = *bs;
  cc.connection.client_id = "ringtail-perf";
  cc.connection.max_in_flight = std::max(1, std::min(o.max_in_flight, client::max_in_flight_limit));
  return cc;
}

class perf_delivery_handler final : public client::delivery_handler {
 public:
  explicit perf_delivery_handler(side_stats* s) : s_(s) {}
  void on_delivery(const client::delivery_report& r) override {
    if (r.err.code != client::errc::ok) {
      s_->errors += r.tags.size();
      if (errors_logged_++ < 5) RT_LOG_WARN("perf: delivery failed: %s", r.err.message().c_str());
      return;
    }
    const int64_t now = steady_ns();
    for (uint64_t due : r.tags) {
      const int64_t lat = now - static_cast<int64_t>(due);
      s_->interval.record(lat);
      s_->total.record(lat);
    }
    s_->records += r.tags.size();
    s_->bytes += r.bytes - r.tags.size() * client::record_overhead_bytes;
  }

 private:
  side_stats* s_;
  int errors_logged_ = 0;
};

io::task<void> run_one_producer(run_state* st, unsigned shard, int index, int64_t records, double rate) {
  const options& o = st->opt;
  side_stats* stats = &st->shards[shard]->produce;
  client::cluster c(make_client_config(o));
  perf_delivery_handler handler(stats);
  client::producer_config pc;
  pc.acks = o.acks;
  pc.batch_size = o.batch_size;
  pc.linger_ms = o.linger_ms;
  pc.compression = o.compression;
  pc.compression_level = o.compression_level;
  pc.idempotence = o.idempotence;
  pc.buffer_memory = static_cast<size_t>(o.buffer_memory);
  pc.max_in_flight = o.max_in_flight;
  pc.max_request_size = o.max_request_size;
  client::producer p(c, pc, &handler);
  auto boot = co_await c.bootstrap();
  bool ok = static_cast<bool>(boot);
  if (!ok) {
    std::fprintf(stderr, "perf: producer %d cannot bootstrap: %s\n", index, boot.error().message().c_str());
  } else if (auto s = co_await p.start(); !s) {
    std::fprintf(stderr, "perf: producer %d cannot start: %s\n", index, s.error().message().c_str());
    ok = false;
  }
  const std::string& topic = st->topics[static_cast<size_t>(index) % st->topics.size()];
  if (ok) {
    auto pt = co_await p.prepare_topic(topic);
    if (!pt) {
      std::fprintf(stderr, "perf: topic %s: %s\n", topic.c_str(), pt.error().message().c_str());
      ok = false;
    }
  }
  if (!ok) {
    st->failures.fetch_add(1);
  } else {
    payload_pool pool(o.payload, o.payload_file, static_cast<size_t>(o.record_size_max), 1234 + static_cast<uint64_t>(index));
    std::mt19937_64 rng(99 + static_cast<uint64_t>(index));
    std::vector<codec::record_header> headers(static_cast<size_t>(o.headers));
    std::vector<std::byte> header_value(static_cast<size_t>(o.header_size), std::byte{'h'});
    std::vector<std::string> header_keys;
    for (int h = 0; h < o.headers; ++h) header_keys.push_back("h" + std::to_string(h));
    for (size_t h = 0; h < headers.size(); ++h) {
      headers[h].key = header_keys[h];
      headers[h].value = std::span<const std::byte>(header_value);
    }
    char key_buf[32];
    // Steady and wall clocks are sampled together once; each record's stamp is its due
    // time on the wall clock, so e2e latency is measured from when it was due.
    const auto start = steady_clock::now();
    const int64_t wall_at_start = realtime_ns();
    rate_schedule sched(rate, start);
    const auto end = o.duration_s > 0 ? start + std::chrono::duration_cast<steady_clock::duration>(
                                                    std::chrono::duration<double>(o.duration_s))
                                      : steady_clock::time_point::max();
    client::producer_record rec;
    rec.topic = topic;
    rec.headers = headers;
    int since_yield = 0;
    for (int64_t i = 0; i < records; ++i) {
      auto now = steady_clock::now();
      if (now >= end || st->interrupted.load(std::memory_order_relaxed)) break;
      auto due = sched.unlimited() ? now : sched.due(static_cast<uint64_t>(i));
      if (now < due) {
        (void)co_await io::sleep_until(due);
        since_yield = 0;
      }
      const size_t size = o.record_size_min == o.record_size_max
                              ? static_cast<size_t>(o.record_size_max)
                              : static_cast<size_t>(o.record_size_min) +
                                    rng() % static_cast<size_t>(o.record_size_max - o.record_size_min + 1);
      auto value = pool.value(static_cast<uint64_t>(i), size);
      const int64_t due_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count();
      write_stamp(value, wall_at_start + (due_ns - std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch()).count()));
      rec.value = std::span<const std::byte>(value);
      if (o.key_cardinality > 0) {
        const int n = std::snprintf(key_buf, sizeof key_buf, "key-%llu",
                                    static_cast<unsigned long long>(rng() % static_cast<uint64_t>(o.key_cardinality)));
        rec.key = std::as_bytes(std::span<const char>(key_buf, static_cast<size_t>(n)));
      }
      for (;;) {
        auto r = p.try_send(rec, static_cast<uint64_t>(due_ns));
        if (r) break;
        if (r.error() == client::errc::buffer_full) {
          co_await p.wait_for_space();
          since_yield = 0;
          continue;
        }
        ++stats->errors;
        break;
      }
      if (++since_yield >= records_per_yield) {
        since_yield = 0;
        co_await yield_awaiter{};
      }
    }
  }
  co_await p.close();
  co_await c.close();
}

class perf_record_handler final : public client::record_handler {
 public:
  explicit perf_record_handler(side_stats* s) : s_(s) {}
  void on_record(const client::consumed_record& r) override {
    ++s_->records;
    ++batch_records_;
    s_->bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
    int64_t sent_ns;
    if (auto st = r.value ? read_stamp(*r.value) : std::nullopt) {
      sent_ns = *st;
    } else {
      sent_ns = r.timestamp_ms * 1'000'000;
    }
    if (now_ns_ == 0) now_ns_ = realtime_ns();
    const int64_t lat = now_ns_ - sent_ns;
    s_->interval.record(lat);
    s_->total.record(lat);
  }
  // The receive time of a poll()'s records: sampled once per poll (the records arrived
  // together), which also keeps clock reads off the per-record path.
  void begin_poll() { now_ns_ = 0; batch_records_ = 0; }
  uint64_t batch_records() const { return batch_records_; }

 private:
  side_stats* s_;
  int64_t now_ns_ = 0;
  uint64_t batch_records_ = 0;
};

io::task<void> run_one_consumer(run_state* st, unsigned shard, int index) {
  const options& o = st->opt;
  side_stats* stats = &st->shards[shard]->consume;
  client::cluster c(make_client_config(o));
  client::consumer_config cc;
  cc.fetch_min_bytes = o.fetch_min_bytes;
  cc.fetch_max_wait_ms = o.fetch_max_wait_ms;
  cc.max_partition_fetch_bytes = o.max_partition_fetch_bytes;
  cc.group_id = o.group;
  const bool from_start = o.command == mode::consume && o.from_beginning;
  cc.auto_offset_reset = from_start ? client::offset_reset::earliest : client::offset_reset::latest;
  client::consumer con(c, cc);
  bool ok = false;
  if (auto boot = co_await c.bootstrap(); !boot) {
    std::fprintf(stderr, "perf: consumer %d cannot bootstrap: %s\n", index, boot.error().message().c_str());
  } else if (!o.group.empty()) {
    std::vector<std::string> topics = st->topics;
    auto s = co_await con.subscribe(std::move(topics));
    if (!s) std::fprintf(stderr, "perf: consumer %d cannot join group: %s\n", index, s.error().message().c_str());
    ok = static_cast<bool>(s);
  } else {
    // Manual assignment: partitions dealt round-robin over the consumers.
    std::vector<client::topic_partition_offset> mine;
    int k = 0;
    ok = true;
    for (const auto& t : st->topics) {
      auto tm = co_await c.wait_for_topic(t, false);
      if (!tm) {
        std::fprintf(stderr, "perf: topic %s: %s\n", t.c_str(), tm.error().message().c_str());
        ok = false;
        break;
      }
      for (const auto& pm : (*tm)->partitions) {
        if (k++ % o.consumers == index) {
          mine.push_back(client::topic_partition_offset{t, pm.partition, from_start ? client::offset_beginning : client::offset_end});
        }
      }
    }
    if (ok) {
      auto a = co_await con.assign(std::move(mine));
      ok = static_cast<bool>(a);
    }
  }
  if (!ok) st->failures.fetch_add(1);
  // e2e: the producers start once every consumer knows its start positions.
  perf_record_handler handler(stats);
  if (ok && o.command == mode::e2e) {
    // Resolve the start positions (ListOffsets) before the producers begin.
    for (int i = 0; i < 1000 && !con.positions_known(); ++i) {
      handler.begin_poll();
      (void)co_await con.poll(handler, std::chrono::milliseconds(10));
    }
  }
  st->consumers_ready.fetch_add(1);
  auto idle_since = steady_clock::now();
  while (ok && !st->stop_consumers.load(std::memory_order_relaxed)) {
    handler.begin_poll();
    auto r = co_await con.poll(handler, std::chrono::milliseconds(100));
    if (!r) {
      ++stats->errors;
      std::fprintf(stderr, "perf: consumer %d: %s\n", index, r.error().message().c_str());
      (void)co_await io::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const auto now = steady_clock::now();
    if (*r > 0) {
      idle_since = now;
      const int64_t ns = steady_ns();
      int64_t zero = 0;
      st->first_consume_ns.compare_exchange_strong(zero, ns);
      st->last_consume_ns.store(ns);
      const uint64_t total = st->consumed.fetch_add(*r) + *r;
      if (st->consume_target > 0 && total >= static_cast<uint64_t>(st->consume_target)) st->stop_consumers.store(true);
    } else if (now - idle_since > std::chrono::milliseconds(o.timeout_ms) &&
               (o.command == mode::consume || st->producers_done.load())) {
      break;
    }
  }
  co_await con.close();
  co_await c.close();
}

// Runs the shard's share of producers (indices i with i % shards == shard).
io::task<void> shard_producers(run_state* st, unsigned shard, unsigned shards) {
  const options& o = st->opt;
  std::vector<io::task<void>> tasks;
  const int64_t total = o.num_records > 0 ? o.num_records : INT64_MAX;
  for (int i = 0; i < o.producers; ++i) {
    if (static_cast<unsigned>(i) % shards != shard) continue;
    int64_t n = total == INT64_MAX ? INT64_MAX : total / o.producers + (i < total % o.producers ? 1 : 0);
    const double rate = o.throughput > 0 ? o.throughput / o.producers : -1;
    tasks.push_back(run_one_producer(st, shard, i, n, rate));
  }
  co_await io::when_all(std::move(tasks));
}

io::task<void> shard_consumers(run_state* st, unsigned shard, unsigned shards) {
  std::vector<io::task<void>> tasks;
  for (int i = 0; i < st->opt.consumers; ++i) {
    if (static_cast<unsigned>(i) % shards != shard) continue;
    tasks.push_back(run_one_consumer(st, shard, i));
  }
  co_await io::when_all(std::move(tasks));
}

io::task<void> on_shard_producers(run_state* st, unsigned shard, unsigned shards) {
  co_await io::submit_to(shard, [st, shard, shards]() -> io::task<void> { return shard_producers(st, shard, shards); });
}
io::task<void> on_shard_consumers(run_state* st, unsigned shard, unsigned shards) {
  co_await io::submit_to(shard, [st, shard, shards]() -> io::task<void> { return shard_consumers(st, shard, shards); });
}

struct snapshot {
  uint64_t records = 0, bytes = 0, errors = 0;
  histogram interval;
};

// Copies and resets the interval figures of one side on `shard` (runs there).
io::task<void> take_snapshot(run_state* st, unsigned shard, bool consume_side, snapshot* out) {
  co_await io::submit_to(shard, [st, shard, consume_side, out] {
    side_stats& s = consume_side ? st->shards[shard]->consume : st->shards[shard]->produce;
    out->records = s.records;
    out->bytes = s.bytes;
    out->errors = s.errors;
    out->interval.merge(s.interval);
    s.interval.reset();
  });
}

io::task<void> reporter(run_state* st, unsigned shards, run_result* result) {
  const bool* done = &st->reporter_stop;
  const bool sides[2] = {st->opt.command != mode::consume, st->opt.command != mode::produce};
  uint64_t last_records[2] = {0, 0}, last_bytes[2] = {0, 0};
  auto last = steady_clock::now();
  while (!*done) {
    for (int k = 0; k < st->opt.report_interval_ms / 50 && !*done; ++k) (void)co_await io::sleep_for(std::chrono::milliseconds(50));
    const auto now = steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    for (int side = 0; side < 2; ++side) {
      if (!sides[side]) continue;
      snapshot total;
      for (unsigned s = 0; s < shards; ++s) {
        snapshot one;
        co_await take_snapshot(st, s, side == 1, &one);
        total.records += one.records;
        total.bytes += one.bytes;
        total.errors += one.errors;
        total.interval.merge(one.interval);
      }
      timeline_point p;
      p.t_s = std::chrono::duration<double>(now - st->start).count();
      p.records_per_sec = dt > 0 ? static_cast<double>(total.records - last_records[side]) / dt : 0;
      p.mib_per_sec = dt > 0 ? static_cast<double>(total.bytes - last_bytes[side]) / dt / (1024.0 * 1024.0) : 0;
      p.p50_ms = static_cast<double>(total.interval.percentile(50)) / 1e6;
      p.p99_ms = static_cast<double>(total.interval.percentile(99)) / 1e6;
      p.errors = total.errors;
      last_records[side] = total.records;
      last_bytes[side] = total.bytes;
      result->sides[static_cast<size_t>(side == 1 && sides[0] ? 1 : 0)].timeline.push_back(p);
      if (!st->opt.quiet) std::fprintf(stderr, "%s\n", progress_line(side == 0 ? "produce" : "consume", p).c_str());
    }
  }
}

io::task<void> run_reporter(run_state* st, unsigned shards, run_result* result) {
  co_await reporter(st, shards, result);
  st->reporter_exited = true;
}

io::task<int> perf_main(run_state* st, unsigned shards, run_result* result) {
  const options& o = st->opt;
  // Topic creation (and a reachability check) with an admin client on shard 0.
  {
    client::cluster admin(make_client_config(o));
    auto boot = co_await admin.bootstrap();
    if (!boot) {
      std::fprintf(stderr, "perf: cannot reach %s: %s\n", o.bootstrap.c_str(), boot.error().message().c_str());
      co_await admin.close();
      co_return 2;
    }
    if (o.partitions > 0) {
      for (const auto& t : st->topics) {
        std::vector<std::pair<std::string, std::string>> cfgs;
        auto r = co_await admin.create_topic(t, o.partitions, o.replication_factor, std::move(cfgs), true);
        if (!r) {
          std::fprintf(stderr, "perf: cannot create topic %s: %s\n", t.c_str(), r.error().message().c_str());
          co_await admin.close();
          co_return 2;
        }
      }
    }
    co_await admin.close();
  }
  st->start = steady_clock::now();
  io::spawn(run_reporter(st, shards, result));
  io::spawn(watch_signals(st));
  const bool with_producers = o.command != mode::consume;
  const bool with_consumers = o.command != mode::produce;
  std::vector<io::task<void>> consumer_tasks;
  if (with_consumers) {
    if (o.command == mode::e2e && o.num_records > 0) st->consume_target = o.num_records;
    if (o.command == mode::consume) st->consume_target = o.num_records;
    for (unsigned s = 0; s < shards; ++s) consumer_tasks.push_back(on_shard_consumers(st, s, shards));
  }
  // Consumers run concurrently with producers; for e2e the producers wait until every
  // consumer has its assignment, so no record is produced before they listen.
  io::event consumers_finished;
  bool consumers_done = !with_consumers;
  struct consumer_join {
    static io::task<void> run(std::vector<io::task<void>> ts, bool* flag, io::event* ev) {
      co_await io::when_all(std::move(ts));
      *flag = true;
      ev->notify_all();
    }
  };
  if (with_consumers) io::spawn(consumer_join::run(std::move(consumer_tasks), &consumers_done, &consumers_finished));
  if (with_producers) {
    if (with_consumers) {
      while (st->consumers_ready.load() < o.consumers && !consumers_done) {
        (void)co_await io::sleep_for(std::chrono::milliseconds(10));
      }
      st->start = steady_clock::now();
    }
    std::vector<io::task<void>> tasks;
    for (unsigned s = 0; s < shards; ++s) tasks.push_back(on_shard_producers(st, s, shards));
    co_await io::when_all(std::move(tasks));
    st->produce_end = steady_clock::now();
    st->producers_done.store(true);
    if (with_consumers && o.num_records <= 0) {
      // Duration runs: give consumers a moment to drain, then stop them.
      (void)co_await io::sleep_for(std::chrono::milliseconds(std::min<int64_t>(o.timeout_ms, 2000)));
      st->stop_consumers.store(true);
    }
  }
  while (!consumers_done) (void)co_await consumers_finished.wait();
  const auto end = steady_clock::now();
  st->reporter_stop = true;
  if (st->signal_token) st->signal_token->cancel();
  while (!st->signal_watcher_exited) (void)co_await io::sleep_for(std::chrono::milliseconds(5));
  while (!st->reporter_exited) (void)co_await io::sleep_for(std::chrono::milliseconds(10));
  // Final figures: every shard has finished its tasks, so its stats are settled; the
  // submit_to replies ordered those writes before our reads.
  size_t side_index = 0;
  if (with_producers) {
    side_result& s = result->sides[side_index++];
    for (unsigned k = 0; k < shards; ++k) {
      const side_stats& x = st->shards[k]->produce;
      s.records += x.records;
      s.bytes += x.bytes;
      s.errors += x.errors;
      s.latency.merge(x.total);
    }
    s.duration_s = std::chrono::duration<double>(st->produce_end - st->start).count();
  }
  if (with_consumers) {
    side_result& s = result->sides[side_index++];
    for (unsigned k = 0; k < shards; ++k) {
      const side_stats& x = st->shards[k]->consume;
      s.records += x.records;
      s.bytes += x.bytes;
      s.errors += x.errors;
      s.latency.merge(x.total);
    }
    // Consume rate: from the start (e2e) or the first record (consume) to the last record.
    const int64_t first = st->first_consume_ns.load(), lastns = st->last_consume_ns.load();
    const int64_t start_ns = o.command == mode::e2e
                                 ? std::chrono::duration_cast<std::chrono::nanoseconds>(st->start.time_since_epoch()).count()
                                 : first;
    s.duration_s = lastns > start_ns ? static_cast<double>(lastns - start_ns) / 1e9
                                     : std::chrono::duration<double>(end - st->start).count();
  }
  co_return st->failures.load() > 0 ? 1 : 0;
}

}  // namespace

int run_perf_command(const std::vector<std::string>& args) {
  options o;
  const std::string err = parse_options(args, o);
  if (o.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (!err.empty()) {
    std::fprintf(stderr, "ringtail perf: %s\n%s", err.c_str(), usage().c_str());
    return 2;
  }
  if (!client::parse_bootstrap(o.bootstrap)) {
    std::fprintf(stderr, "ringtail perf: bad --bootstrap-server '%s'\n", o.bootstrap.c_str());
    return 2;
  }
  if (o.threads == 0) o.threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  auto st = std::make_unique<run_state>();
  st->opt = o;
  for (unsigned s = 0; s < o.threads; ++s) st->shards.push_back(std::make_unique<shard_slot>());
  if (o.topics == 1) {
    st->topics.push_back(o.topic);
  } else {
    for (int t = 0; t < o.topics; ++t) st->topics.push_back(o.topic + "-" + std::to_string(t));
  }
  run_result result;
  result.config = o;
  if (o.command != mode::consume) result.sides.emplace_back().name = "produce";
  if (o.command != mode::produce) result.sides.emplace_back().name = "consume";
  int rc = 0;
  try {
    io::runtime_config rc_cfg;
    rc_cfg.shards = o.threads;
    rc_cfg.pin_threads = false;  // the broker may share the machine
    io::runtime rt(rc_cfg);
    run_state* stp = st.get();
    run_result* res = &result;
    const unsigned shards = o.threads;
    rc = rt.run([stp, shards, res]() -> io::task<int> { return perf_main(stp, shards, res); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ringtail perf: %s\n", e.what());
    return 2;
  }
  if (rc == 2) return rc;
  std::fputs(summary_text(result).c_str(), stdout);
  if (!o.json_file.empty()) {
    std::ofstream out(o.json_file);
    out << to_json(result);
    if (!out) std::fprintf(stderr, "ringtail perf: cannot write %s\n", o.json_file.c_str());
  }
  if (!o.svg_file.empty()) {
    std::ofstream out(o.svg_file);
    out << to_svg(result);
  }
  const auto& p = result.primary();
  if (p.errors > 0 && rc == 0) rc = 1;
  if (o.num_records > 0 && p.records < static_cast<uint64_t>(o.num_records) && rc == 0) rc = 1;
  return rc;
}

}  // namespace ringtail::perf
