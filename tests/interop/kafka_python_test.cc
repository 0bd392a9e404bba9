// kafka-python 2.0.2 (Debian python3-kafka) against the real broker: keyed records with
// the producer's defaults land where Kafka's murmur2 partitioner puts them, and a
// group-less consumer (assign + seek_to_beginning) reads them back exactly.
#include "interop.h"
#include "ringtail/codec/murmur2.h"

namespace ringtail::interop {
namespace {

class kafka_python_test : public broker_test {};

int32_t murmur2_partition_of(const std::string& key, int32_t partitions) {
  return codec::murmur2_partition(std::as_bytes(std::span(key.data(), key.size())), partitions);
}

TEST_F(kafka_python_test, KeyedProduceLandsOnMurmur2PartitionAndConsumesBack) {
  const std::string topic = "kp-keyed";
  constexpr int partitions = 5;
  create_topic(topic, partitions);
  std::string input;
  for (int i = 0; i < 40; ++i) {
    const std::string key = "order-" + std::to_string(i * 31 % 97);
    const std::string hdrs = i % 2 ? "src=kafka-python,i=" + std::to_string(i) : "";
    input += key + "\tpayload-" + std::to_string(i) + "\t" + hdrs + "\n";
  }
  const auto r = kp({"produce", bootstrap(), topic}, input);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(tagged(r.out, "err").empty()) << r.out;
  auto acks = parse_acks(r.out);
  ASSERT_EQ(acks.size(), 40u) << r.describe();

  // Headers by value (values are unique) for the comparison below.
  std::map<std::string, std::string> headers_of;
  for (const auto& l : lines_of(input)) {
    const auto f = split(l, '\t');
    headers_of[f[1]] = f[2];
  }
  std::map<int32_t, int64_t> next_offset;
  for (auto& a : acks) {
    EXPECT_EQ(a.partition, murmur2_partition_of(a.key, partitions)) << a;
    // One producer, sends acknowledged in order: offsets are dense per partition.
    EXPECT_EQ(a.offset, next_offset[a.partition]++) << a;
    a.headers = headers_of[a.value];
  }

  const auto c = kp({"consume", bootstrap(), topic});
  ASSERT_TRUE(c.ok()) << c.describe();
  EXPECT_TRUE(tagged(c.out, "timeout").empty()) << c.out;
  EXPECT_EQ(tagged(c.out, "partitions"), (std::vector<std::vector<std::string>>{{std::to_string(partitions)}}));
  for (const auto& e : tagged(c.out, "end")) {
    EXPECT_EQ(std::stoll(e[1]), next_offset[std::stoi(e[0])]) << "end offset of partition " << e[0];
  }
  EXPECT_EQ(sorted_by_position(parse_records(c.out)), sorted_by_position(acks));

  // kcat reads one partition identically (headers included).
  const int32_t p = acks.front().partition;
  const auto k = kcat_consume(bootstrap(), topic, p, "beginning");
  ASSERT_TRUE(k.ok()) << k.describe();
  std::vector<record> expected;
  for (const auto& a : sorted_by_position(acks))
    if (a.partition == p) expected.push_back(a);
  EXPECT_EQ(parse_records(k.out), expected);
}

// With auto-create on (the default), producing to an unknown topic creates it with
// num.partitions partitions.
TEST_F(kafka_python_test, ProduceAutoCreatesTopic) {
  const std::string topic = "kp-auto-created";
  const auto r = kp({"produce", bootstrap(), topic}, "a\tfirst\t\nb\tsecond\t\n");
  ASSERT_TRUE(r.ok()) << r.describe();
  const auto acks = parse_acks(r.out);
  ASSERT_EQ(acks.size(), 2u) << r.describe();
  const auto c = kp({"consume", bootstrap(), topic});
  ASSERT_TRUE(c.ok()) << c.describe();
  EXPECT_EQ(sorted_by_position(parse_records(c.out)), sorted_by_position(acks));
}

}  // namespace
}  // namespace ringtail::interop
