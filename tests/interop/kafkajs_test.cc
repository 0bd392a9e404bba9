// kafkajs 2.2.4 (tests/interop/js, installed by scripts/install-deps.sh) against the real
// broker: admin.createTopics, the producer with its defaults (acks=-1, the Java-compatible
// murmur2 DefaultPartitioner), admin.fetchTopicOffsets. kafkajs consumers need consumer
// groups, which come in a later issue, so the data is read back with kcat and
// kafka-python.
#include "interop.h"
#include "ringtail/codec/murmur2.h"

namespace ringtail::interop {
namespace {

int32_t murmur2_partition_of(const std::string& key, int32_t partitions) {
  return codec::murmur2_partition(std::as_bytes(std::span(key.data(), key.size())), partitions);
}

class kafkajs_test : public broker_test {
 protected:
  void SetUp() override {
    const auto js = ringtail::testing::source_dir() / "tests" / "interop" / "js";
    if (!std::filesystem::exists(js / "node_modules" / "kafkajs" / "package.json")) {
      GTEST_SKIP() << "kafkajs is not installed in " << js.string()
                   << "/node_modules (run scripts/install-deps.sh, or `npm ci` in that folder)";
    }
    broker_test::SetUp();
  }

  command_result run_kafkajs(const std::vector<std::string>& args, const std::string& stdin_data) {
    std::vector<std::string> argv = {"node", script("js/produce.js")};
    argv.insert(argv.end(), args.begin(), args.end());
    command_options o;
    o.stdin_data = stdin_data;
    o.env["KAFKAJS_NO_PARTITIONER_WARNING"] = "1";
    return run_command(argv, client_timeout, o);
  }

  // Creates `topic`, produces keyed messages (one send each, then all in one send) and
  // checks partitions, offsets, watermarks and the content read back by other clients.
  void produce_and_verify(const std::string& topic, bool gzip) {
    const std::string bootstrap = this->bootstrap();
    constexpr int partitions = 4;
    std::string input;
    std::vector<std::pair<std::string, std::string>> messages;
    for (int i = 0; i < 24; ++i) {
      messages.emplace_back("device-" + std::to_string(i * 13 % 50), "reading-" + std::to_string(i));
      input += messages.back().first + "\t" + messages.back().second + "\n";
    }
    std::vector<std::string> args = {bootstrap, topic, std::to_string(partitions)};
    if (gzip) args.push_back("--gzip");
    const auto r = run_kafkajs(args, input);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(tagged(r.out, "created"), (std::vector<std::vector<std::string>>{{topic, "true"}})) << r.out;

    // Per-message sends: partition = murmur2 of the key, offsets dense per partition.
    auto acks = parse_acks(r.out);
    ASSERT_EQ(acks.size(), messages.size()) << r.describe();
    std::map<int32_t, int64_t> count;
    for (const auto& a : acks) {
      EXPECT_EQ(a.partition, murmur2_partition_of(a.key, partitions)) << a;
      EXPECT_EQ(a.offset, count[a.partition]++) << a;
    }
    // The batched send: one batch per partition, starting where the single sends ended.
    std::vector<record> expected = acks;
    std::map<int32_t, int64_t> batch_base;
    for (const auto& b : tagged(r.out, "batch")) batch_base[std::stoi(b[0])] = std::stoll(b[1]);
    EXPECT_EQ(batch_base.size(), count.size()) << r.out;
    for (const auto& [p, n] : count) EXPECT_EQ(batch_base[p], n) << "batch base offset of partition " << p;
    std::map<int32_t, int64_t> next = count;
    for (const auto& [k, v] : messages) {
      const int32_t p = murmur2_partition_of(k, partitions);
      expected.push_back(record{p, next[p]++, k, v, ""});
    }
    expected = sorted_by_position(expected);

    // fetchTopicOffsets (ListOffsets): high = everything sent, low = 0.
    const auto offsets = tagged(r.out, "offsets");
    ASSERT_EQ(offsets.size(), static_cast<size_t>(partitions)) << r.out;
    for (const auto& o : offsets) {
      const int32_t p = std::stoi(o[0]);
      EXPECT_EQ(std::stoll(o[1]), next[p]) << "high watermark of partition " << p;
      EXPECT_EQ(o[2], "0") << "low watermark of partition " << p;
    }

    // Read back with kcat, partition by partition, and with kafka-python, all at once.
    std::vector<record> via_kcat;
    for (int p = 0; p < partitions; ++p) {
      const auto k = kcat_consume(bootstrap, topic, p, "beginning");
      ASSERT_TRUE(k.ok()) << k.describe();
      for (auto& rec : parse_records(k.out)) via_kcat.push_back(rec);
    }
    EXPECT_EQ(via_kcat, expected);
    const auto c = kp({"consume", bootstrap, topic});
    ASSERT_TRUE(c.ok()) << c.describe();
    EXPECT_EQ(sorted_by_position(parse_records(c.out)), expected);
  }
};

TEST_F(kafkajs_test, KeyedProduceMurmur2AndFetchTopicOffsets) {
  produce_and_verify("kafkajs-keyed", false);
}

TEST_F(kafkajs_test, KeyedProduceGzip) {
  produce_and_verify("kafkajs-gzip", true);
}

}  // namespace
}  // namespace ringtail::interop
