// The lean Kafka client (core/client) against the real broker: every codec, every acks
// level, seeks, idempotent retries across a broker restart, and group consumption.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>

#include "ringtail/core/client/cluster.h"
#include "ringtail/core/client/consumer.h"
#include "ringtail/core/client/producer.h"
#include "ringtail/io/timer.h"
#include "support/broker_process.h"
#include "support/ports.h"
#include "support/run.h"

namespace ringtail::core::client {
namespace {

using ringtail::testing::broker_process;
using ringtail::testing::run_on_shards;
using namespace std::chrono_literals;

client_config config_for(const broker_process& b) {
  client_config c;
  c.bootstrap_servers = *parse_bootstrap(b.bootstrap());
  c.retry_backoff_ms = 50;
  c.retries = 100;
  return c;
}

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }
std::string string_of(std::span<const std::byte> b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

struct collecting_reports final : delivery_handler {
  void on_delivery(const delivery_report& r) override {
    for (size_t i = 0; i < r.tags.size(); ++i) {
      if (r.err.code == errc::ok) {
        offsets[r.tags[i]] = r.base_offset < 0 ? -1 : r.base_offset + static_cast<int64_t>(i);
        partitions[r.tags[i]] = r.partition;
      } else {
        ++failed;
        last_error = r.err;
      }
    }
  }
  std::map<uint64_t, int64_t> offsets;
  std::map<uint64_t, int32_t> partitions;
  size_t failed = 0;
  error last_error{};
};

struct collecting_records final : record_handler {
  void on_record(const consumed_record& r) override {
    values.push_back(r.value ? string_of(*r.value) : "<null>");
    keys.push_back(r.key ? string_of(*r.key) : "<null>");
    offsets.emplace_back(r.partition, r.offset);
    int32_t n = 0;
    codec::record_header_view h;
    auto hr = r.headers;
    while (hr.next(h)) ++n;
    header_counts.push_back(n);
  }
  std::vector<std::string> values, keys;
  std::vector<std::pair<int32_t, int64_t>> offsets;
  std::vector<int32_t> header_counts;
};

// Produces `n` records "v<i>" with keys "k<i % 7>" and one header; returns the reports.
io::task<void> produce_n(cluster* c, producer_config pc, std::string topic, int n, collecting_reports* reports) {
  producer p(*c, pc, reports);
  auto s = co_await p.start();
  EXPECT_TRUE(s) << s.error().message();
  if (s) {
    const std::string hv = "hv";
    codec::record_header h{"h1", bytes_of(hv)};
    for (int i = 0; i < n; ++i) {
      const std::string v = "v" + std::to_string(i);
      const std::string k = "k" + std::to_string(i % 7);
      producer_record r;
      r.topic = topic;
      r.key = bytes_of(k);
      r.value = bytes_of(v);
      r.headers = std::span<const codec::record_header>(&h, 1);
      auto sent = co_await p.send(&r, static_cast<uint64_t>(i));
      EXPECT_TRUE(sent) << sent.error().message();
    }
  }
  co_await p.close();
}

io::task<void> consume_n(cluster* c, std::string topic, int32_t partitions, size_t n, collecting_records* out) {
  consumer con(*c, consumer_config{});
  std::vector<topic_partition_offset> tps;
  for (int32_t p = 0; p < partitions; ++p) tps.push_back(topic_partition_offset{topic, p, offset_beginning});
  auto a = co_await con.assign(std::move(tps));
  EXPECT_TRUE(a) << a.error().message();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (out->values.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto r = co_await con.poll(*out, 200ms);
    EXPECT_TRUE(r) << r.error().message();
  }
  co_await con.close();
}

struct first_only final : record_handler {
  void on_record(const consumed_record& r) override {
    if (first < 0) first = r.offset;
  }
  int64_t first = -1;
};

io::task<void> read_first(consumer* con, first_only* h) {
  for (int i = 0; i < 50 && h->first < 0; ++i) (void)co_await con->poll(*h, 100ms);
}

class ClientAgainstBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ringtail::testing::broker_binary().empty()) GTEST_SKIP() << "RINGTAIL_BINARY not set";
    port_ = ringtail::testing::unused_port();
    const std::string e = broker_.start({"listeners=PLAINTEXT://127.0.0.1:" + std::to_string(port_)});
    ASSERT_EQ(e, "") << e;
  }
  broker_process broker_;
  uint16_t port_ = 0;
};

TEST_F(ClientAgainstBroker, EveryCodecRoundTrips) {
  for (auto codec_type : {codec::compression_type::none, codec::compression_type::gzip, codec::compression_type::snappy,
                          codec::compression_type::lz4, codec::compression_type::zstd}) {
    const std::string topic = "codec-" + std::string(codec::to_string(codec_type));
    collecting_reports reports;
    collecting_records records;
    run_on_shards(1, [&]() -> io::task<void> {
      cluster c(config_for(broker_));
      EXPECT_TRUE(co_await c.bootstrap());
      std::vector<std::pair<std::string, std::string>> cfgs;
      auto ct = co_await c.create_topic(topic, 2, 1, std::move(cfgs), true);
      EXPECT_TRUE(ct) << ct.error().message();
      producer_config pc;
      pc.compression = codec_type;
      pc.batch_size = 2048;
      co_await produce_n(&c, pc, topic, 300, &reports);
      co_await consume_n(&c, topic, 2, 300, &records);
      co_await c.close();
    });
    EXPECT_EQ(reports.offsets.size(), 300u) << topic;
    EXPECT_EQ(reports.failed, 0u) << reports.last_error.message();
    ASSERT_EQ(records.values.size(), 300u) << topic << "\n" << broker_.log();
    std::set<std::string> seen(records.values.begin(), records.values.end());
    EXPECT_EQ(seen.size(), 300u);
    for (int32_t n : records.header_counts) EXPECT_EQ(n, 1);
    // Keys route by murmur2: every record of one key is in one partition, and the
    // consumed offsets are those the delivery reports gave.
    std::map<std::string, std::set<int32_t>> parts_of_key;
    for (size_t i = 0; i < records.keys.size(); ++i) parts_of_key[records.keys[i]].insert(records.offsets[i].first);
    for (auto& [k, ps] : parts_of_key) EXPECT_EQ(ps.size(), 1u) << k;
    for (size_t i = 0; i < records.values.size(); ++i) {
      const uint64_t idx = std::stoull(records.values[i].substr(1));
      EXPECT_EQ(reports.offsets[idx], records.offsets[i].second);
      EXPECT_EQ(reports.partitions[idx], records.offsets[i].first);
    }
  }
}

TEST_F(ClientAgainstBroker, EveryAcksLevel) {
  for (int16_t acks : {int16_t{0}, int16_t{1}, int16_t{-1}}) {
    const std::string topic = "acks" + std::to_string(acks + 1);
    collecting_reports reports;
    int64_t end = -1;
    run_on_shards(1, [&]() -> io::task<void> {
      cluster c(config_for(broker_));
      EXPECT_TRUE(co_await c.bootstrap());
      std::vector<std::pair<std::string, std::string>> cfgs;
      EXPECT_TRUE(co_await c.create_topic(topic, 1, 1, std::move(cfgs), true));
      producer_config pc;
      pc.acks = acks;
      co_await produce_n(&c, pc, topic, 500, &reports);
      for (int i = 0; i < 50 && end < 500; ++i) {
        auto e = co_await c.list_offset(topic, 0, latest_timestamp);
        EXPECT_TRUE(e);
        end = e ? *e : -1;
        if (end < 500) (void)co_await io::sleep_for(20ms);
      }
      co_await c.close();
    });
    EXPECT_EQ(reports.offsets.size(), 500u) << "acks=" << acks;
    EXPECT_EQ(end, 500) << "acks=" << acks;
    if (acks != 0) {
      EXPECT_EQ(reports.offsets[499], 499);
    }
  }
}

TEST_F(ClientAgainstBroker, SeekBeginningEndOffsetTimestamp) {
  collecting_reports reports;
  std::vector<int64_t> first_after_seek;
  run_on_shards(1, [&]() -> io::task<void> {
    cluster c(config_for(broker_));
    EXPECT_TRUE(co_await c.bootstrap());
    std::vector<std::pair<std::string, std::string>> cfgs;
    EXPECT_TRUE(co_await c.create_topic("seek", 1, 1, std::move(cfgs), true));
    co_await produce_n(&c, producer_config{}, "seek", 100, &reports);
    consumer con(c, consumer_config{});
    std::vector<topic_partition_offset> tps{{"seek", 0, offset_beginning}};
    EXPECT_TRUE(co_await con.assign(std::move(tps)));
    first_only a, b, d;
    co_await read_first(&con, &a);
    first_after_seek.push_back(a.first);
    EXPECT_TRUE(co_await con.seek("seek", 0, 42));
    co_await read_first(&con, &b);
    first_after_seek.push_back(b.first);
    EXPECT_TRUE(co_await con.seek("seek", 0, offset_end));
    first_only e;
    (void)co_await con.poll(e, 300ms);
    first_after_seek.push_back(e.first);  // nothing after the end
    EXPECT_TRUE(co_await con.seek_to_timestamp("seek", 0, 0));
    co_await read_first(&con, &d);
    first_after_seek.push_back(d.first);
    co_await con.close();
    co_await c.close();
  });
  ASSERT_EQ(first_after_seek.size(), 4u);
  EXPECT_EQ(first_after_seek[0], 0);
  EXPECT_EQ(first_after_seek[1], 42);
  EXPECT_EQ(first_after_seek[2], -1);
  EXPECT_EQ(first_after_seek[3], 0);
}

TEST_F(ClientAgainstBroker, IdempotentRetriesAcrossABrokerRestart) {
  constexpr int total = 3000;
  collecting_reports reports;
  collecting_records records;
  uint64_t retries = 0;
  std::thread restarter;
  run_on_shards(1, [&]() -> io::task<void> {
    cluster c(config_for(broker_));
    EXPECT_TRUE(co_await c.bootstrap());
    std::vector<std::pair<std::string, std::string>> cfgs;
    EXPECT_TRUE(co_await c.create_topic("idem", 2, 1, std::move(cfgs), true));
    producer_config pc;
    pc.idempotence = true;
    pc.batch_size = 1024;
    pc.linger_ms = 1;
    pc.retry_backoff_ms = 50;
    producer p(c, pc, &reports);
    EXPECT_TRUE(co_await p.start());
    for (int i = 0; i < total; ++i) {
      if (i == total / 3) {
        // Stop and restart the broker (same port, same data) while records are in flight.
        restarter = std::thread([this] {
          broker_.stop();
          std::this_thread::sleep_for(300ms);
          (void)broker_.restart();
        });
      }
      const std::string v = "v" + std::to_string(i);
      producer_record r;
      r.topic = "idem";
      r.value = bytes_of(v);
      auto s = co_await p.send(&r, static_cast<uint64_t>(i));
      EXPECT_TRUE(s);
      if (i % 50 == 0) (void)co_await io::sleep_for(1ms);
    }
    co_await p.close();
    retries = p.stats().retries;
    co_await consume_n(&c, "idem", 2, total, &records);
    co_await c.close();
  });
  if (restarter.joinable()) restarter.join();
  EXPECT_GT(retries, 0u) << "the restart should have forced retries";
  EXPECT_EQ(reports.failed, 0u) << reports.last_error.message();
  EXPECT_EQ(reports.offsets.size(), static_cast<size_t>(total));
  // Exactly once each: no duplicates from the retries, no gaps.
  std::map<std::string, int> count;
  for (const auto& v : records.values) ++count[v];
  EXPECT_EQ(count.size(), static_cast<size_t>(total)) << broker_.all_logs().substr(0, 4000);
  for (auto& [v, n] : count) EXPECT_EQ(n, 1) << v;
}

// DeleteRecords up to the partition's high watermark, with the raw API.
io::task<void> delete_all_records(cluster* c, std::string topic) {
  auto conn = co_await c->any_connection();
  EXPECT_TRUE(conn);
  if (!conn) co_return;
  codec::delete_records_request req;
  req.timeout_ms = 5000;
  req.topics.emplace_back();
  req.topics.back().name = topic;
  codec::delete_records_request::delete_records_partition part;
  part.partition_index = 0;
  part.offset = -1;  // the high watermark
  req.topics.back().partitions.push_back(part);
  const int16_t v = (*conn)->pick_version(codec::api_key::delete_records, 0, 2);
  auto resp = co_await (*conn)->call(req, v);
  EXPECT_TRUE(resp);
  if (!resp) co_return;
  codec::reader rd = resp->body();
  codec::delete_records_response body;
  EXPECT_TRUE(body.decode(rd, v));
  const bool one = body.topics.size() == 1 && body.topics[0].partitions.size() == 1;
  EXPECT_TRUE(one);
  if (one) {
    EXPECT_EQ(body.topics[0].partitions[0].error_code, 0);
  }
}

// The broker forgets an idempotent producer whose batches DeleteRecords removed (as
// Kafka does); its next batch is UNKNOWN_PRODUCER_ID, and the producer must take a new
// id, renumber from sequence 0 and deliver everything exactly once.
TEST_F(ClientAgainstBroker, IdempotentProducerRecoversFromUnknownProducerId) {
  collecting_reports reports;
  collecting_records records;
  uint64_t resets = 0;
  int64_t first_pid = -1, second_pid = -1;
  run_on_shards(1, [&]() -> io::task<void> {
    cluster c(config_for(broker_));
    EXPECT_TRUE(co_await c.bootstrap());
    std::vector<std::pair<std::string, std::string>> cfgs;
    EXPECT_TRUE(co_await c.create_topic("forgotten", 1, 1, std::move(cfgs), true));
    producer_config pc;
    pc.idempotence = true;
    pc.batch_size = 256;
    pc.linger_ms = 1;
    producer p(c, pc, &reports);
    EXPECT_TRUE(co_await p.start());
    first_pid = p.producer_id();
    for (int i = 0; i < 200; ++i) {
      if (i == 100) {
        co_await p.flush();
        co_await delete_all_records(&c, "forgotten");
      }
      const std::string v = "v" + std::to_string(i);
      producer_record r;
      r.topic = "forgotten";
      r.partition = 0;
      r.value = bytes_of(v);
      auto s = co_await p.send(&r, static_cast<uint64_t>(i));
      EXPECT_TRUE(s);
    }
    co_await p.close();
    resets = p.stats().producer_id_resets;
    second_pid = p.producer_id();
    co_await consume_n(&c, "forgotten", 1, 100, &records);
    co_await c.close();
  });
  EXPECT_EQ(resets, 1u);
  EXPECT_NE(first_pid, second_pid);
  EXPECT_EQ(reports.failed, 0u) << reports.last_error.message();
  EXPECT_EQ(reports.offsets.size(), 200u);
  ASSERT_EQ(records.values.size(), 100u) << broker_.all_logs().substr(0, 4000);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(records.values[static_cast<size_t>(i)], "v" + std::to_string(100 + i));
    EXPECT_EQ(records.offsets[static_cast<size_t>(i)].second, 100 + i);
  }
}

TEST_F(ClientAgainstBroker, GroupConsumptionSplitsPartitions) {
  collecting_reports reports;
  collecting_records a, b;
  size_t assigned_a = 0, assigned_b = 0;
  run_on_shards(1, [&]() -> io::task<void> {
    cluster c(config_for(broker_));
    EXPECT_TRUE(co_await c.bootstrap());
    std::vector<std::pair<std::string, std::string>> cfgs;
    EXPECT_TRUE(co_await c.create_topic("grp", 4, 1, std::move(cfgs), true));
    co_await produce_n(&c, producer_config{}, "grp", 400, &reports);
    cluster ca(config_for(broker_)), cb(config_for(broker_));
    consumer_config cc;
    cc.group_id = "g1";
    cc.auto_offset_reset = offset_reset::earliest;
    cc.heartbeat_interval_ms = 200;
    cc.session_timeout_ms = 6000;
    consumer x(ca, cc), y(cb, cc);
    std::vector<std::string> t1{"grp"}, t2{"grp"};
    auto sx = co_await x.subscribe(std::move(t1));
    EXPECT_TRUE(sx) << sx.error().message();
    auto sy = co_await y.subscribe(std::move(t2));
    EXPECT_TRUE(sy) << sy.error().message();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    // Until every record is in and the rebalance for the second member has settled.
    while ((a.values.size() + b.values.size() < 400 || x.assignment_size() + y.assignment_size() != 4) &&
           std::chrono::steady_clock::now() < deadline) {
      (void)co_await x.poll(a, 50ms);
      (void)co_await y.poll(b, 50ms);
    }
    assigned_a = x.assignment_size();
    assigned_b = y.assignment_size();
    co_await x.close();
    co_await y.close();
    co_await ca.close();
    co_await cb.close();
    co_await c.close();
  });
  EXPECT_EQ(assigned_a + assigned_b, 4u);
  EXPECT_EQ(assigned_a, 2u);
  std::set<std::string> all(a.values.begin(), a.values.end());
  all.insert(b.values.begin(), b.values.end());
  EXPECT_EQ(all.size(), 400u) << broker_.log().substr(0, 3000);
}

// enable.auto.commit: poll() commits what earlier polls delivered every
// auto.commit.interval.ms, without a close or a rebalance.
TEST_F(ClientAgainstBroker, AutoCommitIsPeriodic) {
  collecting_reports reports;
  collecting_records got;
  int64_t committed_while_running = -2;
  run_on_shards(1, [&]() -> io::task<void> {
    cluster c(config_for(broker_));
    EXPECT_TRUE(co_await c.bootstrap());
    std::vector<std::pair<std::string, std::string>> cfgs;
    EXPECT_TRUE(co_await c.create_topic("ac", 1, 1, std::move(cfgs), true));
    co_await produce_n(&c, producer_config{}, "ac", 50, &reports);
    cluster cx(config_for(broker_));
    consumer_config cc;
    cc.group_id = "g-ac";
    cc.auto_offset_reset = offset_reset::earliest;
    cc.auto_commit_interval_ms = 100;
    consumer x(cx, cc);
    std::vector<std::string> topics{"ac"};
    EXPECT_TRUE(co_await x.subscribe(std::move(topics)));
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (got.values.size() < 50 && std::chrono::steady_clock::now() < deadline) (void)co_await x.poll(got, 50ms);
    // Keep polling past two intervals; the commit happens inside poll().
    for (int i = 0; i < 6; ++i) (void)co_await x.poll(got, 50ms);
    consumer_config oc;
    oc.group_id = "g-ac";
    consumer observer(c, oc);
    auto co = co_await observer.committed("ac", 0);
    EXPECT_TRUE(co);
    if (co) committed_while_running = *co;
    co_await observer.close();
    co_await x.close();
    co_await cx.close();
    co_await c.close();
  });
  EXPECT_EQ(got.values.size(), 50u);
  EXPECT_EQ(committed_while_running, 50);
}

TEST(ClientConfig, ParseBootstrap) {
  auto r = parse_bootstrap("a:1,PLAINTEXT://b:9092,[::1]:3");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].host, "b");
  EXPECT_EQ((*r)[2].host, "::1");
  EXPECT_FALSE(parse_bootstrap("nohost"));
  EXPECT_FALSE(parse_bootstrap("h:99999"));
}

}  // namespace
}  // namespace ringtail::core::client
