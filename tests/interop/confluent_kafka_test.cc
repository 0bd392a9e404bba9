// confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian packages) against the real
// broker: the AdminClient (create / describe / describe_configs / delete topics), the
// idempotent producer with every codec, and an assign-only consumer (assign + seek,
// get_watermark_offsets, offsets_for_times). No consumer-group calls: groups come later.
#include <string_view>

#include "interop.h"
#include "ringtail/codec/murmur2.h"

namespace ringtail::interop {
namespace {

class confluent_kafka_test : public broker_test {};

int32_t murmur2_partition_of(const std::string& key, int32_t partitions) {
  return codec::murmur2_partition(std::as_bytes(std::span(key.data(), key.size())), partitions);
}

TEST_F(confluent_kafka_test, AdminCreateDescribeConfigsDelete) {
  const std::string topic = "ck-admin";
  create_topic(topic, 4, {"retention.ms=123456789"});

  // Creating it again is TOPIC_ALREADY_EXISTS.
  const auto again = ck({"create", bootstrap(), topic, "4"});
  ASSERT_TRUE(again.ok()) << again.describe();
  const auto errs = tagged(again.out, "error");
  ASSERT_EQ(errs.size(), 1u) << again.describe();
  EXPECT_EQ(errs[0][1], "36") << again.out;  // TOPIC_ALREADY_EXISTS
  EXPECT_EQ(errs[0][2], "TOPIC_ALREADY_EXISTS") << again.out;

  // Describe (Metadata through the admin client): 4 partitions led by the one broker.
  const auto d = ck({"describe", bootstrap(), topic});
  ASSERT_TRUE(d.ok()) << d.describe();
  const auto brokers = tagged(d.out, "broker");
  ASSERT_EQ(brokers.size(), 1u) << d.out;
  EXPECT_EQ(brokers[0][1], "127.0.0.1") << d.out;
  EXPECT_EQ(brokers[0][2], std::to_string(broker_.port())) << d.out;
  const std::string broker_id = brokers[0][0];
  const auto controller = tagged(d.out, "controller");
  ASSERT_EQ(controller.size(), 1u);
  EXPECT_EQ(controller[0][0], broker_id) << "the controller must be a real broker";
  const auto topics = tagged(d.out, "topic");
  ASSERT_EQ(topics.size(), 1u) << d.out;
  EXPECT_EQ(topics[0], (std::vector<std::string>{topic, "4", "NONE"}));
  const auto parts = tagged(d.out, "partition");
  ASSERT_EQ(parts.size(), 4u) << d.out;
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i], (std::vector<std::string>{std::to_string(i), broker_id, broker_id, broker_id})) << d.out;
  }

  // describe_configs: the override is a dynamic topic config; defaults are present.
  const auto c = ck({"configs", bootstrap(), topic});
  ASSERT_TRUE(c.ok()) << c.describe();
  std::map<std::string, std::vector<std::string>> configs;
  for (auto& f : tagged(c.out, "config")) configs[f[0]] = f;
  ASSERT_TRUE(configs.count("retention.ms")) << c.out;
  EXPECT_EQ(configs["retention.ms"][1], "123456789") << c.out;
  EXPECT_EQ(configs["retention.ms"][2], "1") << "source should be DYNAMIC_TOPIC_CONFIG: " << c.out;
  EXPECT_EQ(configs["retention.ms"][4], "0") << "an override is not a default: " << c.out;
  ASSERT_TRUE(configs.count("cleanup.policy")) << c.out;
  EXPECT_EQ(configs["cleanup.policy"][1], "delete") << c.out;
  EXPECT_TRUE(tagged(c.out, "error").empty()) << c.out;

  // Delete; afterwards the topic is unknown.
  const auto del = ck({"delete", bootstrap(), topic});
  ASSERT_TRUE(del.ok()) << del.describe();
  ASSERT_EQ(tagged(del.out, "deleted").size(), 1u) << del.describe();
  // (Checked with an all-topics Metadata: naming the topic would auto-create it again,
  // since librdkafka's producer-type handles send allow_auto_topic_creation=true.)
  const auto gone = run_kcat({"-L", "-b", bootstrap(), "-m", "15"});
  ASSERT_TRUE(gone.ok()) << gone.describe();
  EXPECT_EQ(gone.out.find("\"" + topic + "\""), std::string::npos) << gone.out;

  // Deleting a missing topic is UNKNOWN_TOPIC_OR_PARTITION (3).
  const auto del2 = ck({"delete", bootstrap(), topic});
  ASSERT_TRUE(del2.ok()) << del2.describe();
  const auto del2_errs = tagged(del2.out, "error");
  ASSERT_EQ(del2_errs.size(), 1u) << del2.out;
  EXPECT_EQ(del2_errs[0][1], "3") << del2.out;
}

class confluent_codec_test : public confluent_kafka_test, public ::testing::WithParamInterface<const char*> {};

// enable.idempotence=true (InitProducerId + sequenced batches) with a codec; keyed
// records through librdkafka's murmur2 partitioner (the Java one) plus some to explicit
// partitions; every record acknowledged, read back exactly, per partition in order.
TEST_P(confluent_codec_test, IdempotentProducerRoundTrip) {
  const std::string codec = GetParam();
  const std::string topic = "ck-idem-" + codec;
  constexpr int partitions = 3;
  create_topic(topic, partitions);
  std::string input;
  std::map<std::string, std::string> headers_of;  // key -> headers
  for (int i = 0; i < 60; ++i) {
    const std::string key = "user-" + std::to_string(i * 7919 % 1000);
    const std::string value = codec + "-v" + std::to_string(i) + "-" + std::string(static_cast<size_t>(i % 13) * 11, 'z');
    const std::string hdrs = i % 3 == 0 ? "" : "n=" + std::to_string(i) + ",codec=" + codec;
    const int partition = i < 45 ? -1 : i % partitions;  // -1: the partitioner picks
    input += std::to_string(partition) + "\t" + key + "\t" + value + "\t" + hdrs + "\n";
    headers_of[key + "/" + value] = hdrs;
  }
  const auto r = ck({"produce", bootstrap(), topic, "--idempotence", "--compression", codec, "--partitioner",
                     "murmur2_random"},
                    input);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(tagged(r.out, "err").empty()) << r.out;
  auto acks = parse_acks(r.out);
  ASSERT_EQ(acks.size(), 60u) << r.describe();

  // Keyed records without an explicit partition went where Java's partitioner puts them.
  const auto in_lines = lines_of(input);
  for (size_t i = 0; i < in_lines.size(); ++i) {
    const auto f = split(in_lines[i], '\t');
    if (f[0] != "-1") continue;
    const auto it = std::find_if(acks.begin(), acks.end(), [&](const record& a) { return a.value == f[2]; });
    ASSERT_NE(it, acks.end()) << f[2];
    EXPECT_EQ(it->partition, murmur2_partition_of(f[1], partitions)) << "key " << f[1];
  }

  // Offsets are dense from 0 in every partition; reading back gives the same records.
  for (auto& a : acks) a.headers = headers_of[a.key + "/" + a.value];
  acks = sorted_by_position(acks);
  for (int p = 0; p < partitions; ++p) {
    std::vector<record> expected;
    for (const auto& a : acks)
      if (a.partition == p) expected.push_back(a);
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(expected[i].offset, static_cast<int64_t>(i)) << expected[i];
    const auto c = ck({"consume", bootstrap(), topic, std::to_string(p), "beginning"});
    ASSERT_TRUE(c.ok()) << c.describe();
    EXPECT_EQ(parse_records(c.out), expected) << "partition " << p;
    // kcat agrees.
    const auto k = kcat_consume(bootstrap(), topic, p, "beginning");
    ASSERT_TRUE(k.ok()) << k.describe();
    EXPECT_EQ(parse_records(k.out), expected) << "kcat, partition " << p;
  }
}

// Several librdkafka producers with idempotence at once, each sending one 10 kB record
// per batch (batch.num.messages=1, linger 0) so that up to 5 produce requests per
// connection are in flight to each partition: librdkafka fails fatally ("sequence
// desynchronization") on a single false OUT_OF_ORDER_SEQUENCE_NUMBER, which the broker
// before the ordering fix answered within the first few hundred records here. Every record is
// acknowledged, each producer's records keep their order in every partition, and the
// partitions hold exactly what was acknowledged.
TEST_F(confluent_kafka_test, ConcurrentIdempotentProducersPipelineSmallBatches) {
  const std::string topic = "ck-idem-pipelined";
  constexpr int partitions = 1;
  constexpr int producers = 3;
  constexpr int records_each = 1500;
  const std::string filler(10'000, 'x');
  create_topic(topic, partitions);
  std::vector<std::unique_ptr<ringtail::testing::child_process>> running;
  for (int p = 0; p < producers; ++p) {
    std::string input;
    for (int i = 0; i < records_each; ++i)
      input += std::to_string(i % partitions) + "\tp" + std::to_string(p) + "\t" + std::to_string(i) + "-" + filler +
               "\t\n";
    command_options o;
    o.stdin_data = input;
    running.push_back(std::make_unique<ringtail::testing::child_process>(
        std::vector<std::string>{python3, script("py/ck.py"), "produce", bootstrap(), topic, "--idempotence",
                                 "--linger-ms", "0", "--batch-num-messages", "1", "--timeout-ms", "60000"},
        o));
  }
  std::vector<int64_t> acked_per_partition(partitions, 0);
  for (int p = 0; p < producers; ++p) {
    const auto r = running[static_cast<size_t>(p)]->wait(std::chrono::duration_cast<std::chrono::milliseconds>(
        client_timeout * 2));
    ASSERT_TRUE(r.ok()) << "exit=" << r.exit_code << "\n" << r.err;
    // (describe() would print megabytes of records: show stderr and the first lines.)
    const std::string brief = "exit=" + std::to_string(r.exit_code) + "\n" + r.err + "\n" + r.out.substr(0, 2000);
    EXPECT_TRUE(tagged(r.out, "err").empty()) << brief;
    EXPECT_EQ(tagged(r.out, "unflushed").size(), 0u) << brief;
    const auto acks = parse_acks(r.out);
    ASSERT_EQ(acks.size(), static_cast<size_t>(records_each)) << brief;
    // In each partition this producer's records got increasing offsets in send order.
    std::vector<int> last_value(partitions, -1);
    for (const auto& a : sorted_by_position(acks)) {
      const int v = std::stoi(a.value);
      EXPECT_GT(v, last_value[static_cast<size_t>(a.partition)])
          << "producer " << p << " partition " << a.partition << " offset " << a.offset;
      last_value[static_cast<size_t>(a.partition)] = v;
      ++acked_per_partition[static_cast<size_t>(a.partition)];
    }
  }
  for (int part = 0; part < partitions; ++part) {
    const auto w = ck({"offsets", bootstrap(), topic, std::to_string(part)});
    ASSERT_TRUE(w.ok()) << w.describe();
    const auto marks = tagged(w.out, "watermark");
    ASSERT_EQ(marks.size(), 1u) << w.describe();
    EXPECT_EQ(std::stoll(marks[0][2]), acked_per_partition[static_cast<size_t>(part)])
        << "partition " << part << " holds exactly the acknowledged records";
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, confluent_codec_test, ::testing::Values("none", "gzip", "snappy", "lz4", "zstd"),
                         [](const auto& info) { return std::string(info.param); });

TEST_F(confluent_kafka_test, AssignSeekWatermarksAndOffsetsForTimes) {
  const std::string topic = "ck-seek";
  create_topic(topic, 2);
  const int64_t base_ts = 1'700'000'000'000;  // fixed CreateTime timestamps, 1 s apart
  std::string input;
  for (int i = 0; i < 10; ++i) {
    input += "1\tk" + std::to_string(i) + "\tv" + std::to_string(i) + "\t\t" + std::to_string(base_ts + i * 1000) + "\n";
  }
  const auto r = ck({"produce", bootstrap(), topic}, input);
  ASSERT_TRUE(r.ok()) << r.describe();
  ASSERT_EQ(parse_acks(r.out).size(), 10u) << r.describe();

  // Watermarks: [0, 10) on partition 1, [0, 0) on the empty partition 0.
  // offsets_for_times: first offset with timestamp >= t; past the last one: -1 (end).
  const auto o = ck({"offsets", bootstrap(), topic, "1", std::to_string(base_ts), std::to_string(base_ts + 2500),
                     std::to_string(base_ts + 9000), std::to_string(base_ts + 60'000), std::to_string(base_ts - 5)});
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(tagged(o.out, "watermark"), (std::vector<std::vector<std::string>>{{"1", "0", "10"}})) << o.out;
  const auto times = tagged(o.out, "time");
  ASSERT_EQ(times.size(), 5u) << o.describe();
  EXPECT_EQ(times[0], (std::vector<std::string>{std::to_string(base_ts), "0", "NONE"}));
  EXPECT_EQ(times[1], (std::vector<std::string>{std::to_string(base_ts + 2500), "3", "NONE"}));
  EXPECT_EQ(times[2], (std::vector<std::string>{std::to_string(base_ts + 9000), "9", "NONE"}));
  EXPECT_EQ(times[3], (std::vector<std::string>{std::to_string(base_ts + 60'000), "-1", "NONE"}));
  EXPECT_EQ(times[4], (std::vector<std::string>{std::to_string(base_ts - 5), "0", "NONE"}));
  const auto o0 = ck({"offsets", bootstrap(), topic, "0"});
  ASSERT_TRUE(o0.ok()) << o0.describe();
  EXPECT_EQ(tagged(o0.out, "watermark"), (std::vector<std::vector<std::string>>{{"0", "0", "0"}})) << o0.out;

  // assign(beginning) then seek(6): records 6..9 with their timestamps.
  const auto s = ck({"consume", bootstrap(), topic, "1", "beginning", "--seek", "6"});
  ASSERT_TRUE(s.ok()) << s.describe();
  const auto recs = tagged(s.out, "rec");
  ASSERT_EQ(recs.size(), 4u) << s.describe();
  for (int i = 0; i < 4; ++i) {
    const int n = 6 + i;
    EXPECT_EQ(recs[static_cast<size_t>(i)],
              (std::vector<std::string>{"1", std::to_string(n), "k" + std::to_string(n), "v" + std::to_string(n), "",
                                        std::to_string(base_ts + n * 1000)}));
  }
  // assign at an absolute offset.
  const auto a = ck({"consume", bootstrap(), topic, "1", "8"});
  ASSERT_TRUE(a.ok()) << a.describe();
  EXPECT_EQ(parse_records(a.out), (std::vector<record>{{1, 8, "k8", "v8", ""}, {1, 9, "k9", "v9", ""}})) << a.out;
}

}  // namespace
}  // namespace ringtail::interop
