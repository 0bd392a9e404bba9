// Durability across broker restarts, seen by real clients: every record a producer got
// an acknowledgement for is consumable after (1) a clean stop (SIGTERM, exit 0) and a
// restart, and (2) kill -9 with log.flush.interval.messages=1 and a restart — same
// partitions, offsets, keys, values and headers; and new records continue the offsets.
#include "interop.h"

namespace ringtail::interop {
namespace {

// Produces `count` records with confluent-kafka (acks=all, the librdkafka default)
// spread over explicit partitions; returns the acknowledged records with their headers.
std::vector<record> produce_acked(const std::string& bootstrap, const std::string& topic, int partitions, int count,
                                  const std::string& tag, const std::string& compression) {
  std::string input;
  std::map<std::string, std::string> headers_of;
  for (int i = 0; i < count; ++i) {
    const std::string value = tag + "-value-" + std::to_string(i) + std::string(static_cast<size_t>(i % 5) * 20, '.');
    const std::string hdrs = "seq=" + std::to_string(i) + ",tag=" + tag;
    input += std::to_string(i % partitions) + "\t" + tag + "-key-" + std::to_string(i) + "\t" + value + "\t" + hdrs + "\n";
    headers_of[value] = hdrs;
  }
  const auto r = ck({"produce", bootstrap, topic, "--compression", compression}, input);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_TRUE(tagged(r.out, "err").empty()) << r.out;
  auto acks = parse_acks(r.out);
  EXPECT_EQ(acks.size(), static_cast<size_t>(count)) << r.describe();
  for (auto& a : acks) a.headers = headers_of[a.value];
  return sorted_by_position(acks);
}

std::vector<record> consume_all(const std::string& bootstrap, const std::string& topic, int partitions) {
  std::vector<record> all;
  for (int p = 0; p < partitions; ++p) {
    const auto c = ck({"consume", bootstrap, topic, std::to_string(p), "beginning"});
    EXPECT_TRUE(c.ok()) << c.describe();
    EXPECT_TRUE(tagged(c.out, "timeout").empty() && tagged(c.out, "consume_error").empty()) << c.out;
    for (auto& r : parse_records(c.out)) all.push_back(r);
  }
  return all;
}

class restart_test : public broker_test {
 protected:
  void check_survives(const std::string& topic, int partitions, const std::vector<record>& acked) {
    // The topic's metadata survived.
    const auto d = ck({"describe", bootstrap(), topic});
    ASSERT_TRUE(d.ok()) << d.describe();
    EXPECT_EQ(tagged(d.out, "topic"),
              (std::vector<std::vector<std::string>>{{topic, std::to_string(partitions), "NONE"}}))
        << d.out;
    // Every acknowledged record, identical (nothing more, nothing less).
    EXPECT_EQ(consume_all(bootstrap(), topic, partitions), acked);
    // kcat agrees on one partition.
    const auto k = kcat_consume(bootstrap(), topic, 0, "beginning");
    ASSERT_TRUE(k.ok()) << k.describe();
    std::vector<record> p0;
    for (const auto& a : acked)
      if (a.partition == 0) p0.push_back(a);
    EXPECT_EQ(parse_records(k.out), p0);
  }

  // After the restart, new records get the next offsets of each partition.
  void check_offsets_continue(const std::string& topic, int partitions, std::vector<record> acked) {
    std::map<int32_t, int64_t> next;
    for (const auto& a : acked) next[a.partition] = a.offset + 1;
    auto more = produce_acked(bootstrap(), topic, partitions, 2 * partitions, "after", "none");
    for (const auto& m : more) EXPECT_EQ(m.offset, next[m.partition]++) << m;
    acked.insert(acked.end(), more.begin(), more.end());
    EXPECT_EQ(consume_all(bootstrap(), topic, partitions), sorted_by_position(acked));
  }
};

TEST_F(restart_test, CleanStopAndRestartKeepsAcknowledgedRecords) {
  const std::string topic = "restart-clean";
  constexpr int partitions = 3;
  create_topic(topic, partitions);
  auto acked = produce_acked(bootstrap(), topic, partitions, 60, "clean", "lz4");
  auto more = produce_acked(bootstrap(), topic, partitions, 9, "clean2", "gzip");
  acked.insert(acked.end(), more.begin(), more.end());
  acked = sorted_by_position(acked);
  ASSERT_FALSE(HasFailure());

  const uint16_t old_port = broker_.port();
  ASSERT_EQ(broker_.stop(), 0) << "SIGTERM must stop the broker with exit code 0";
  ASSERT_EQ(broker_.restart(), "");
  if (broker_.port() == old_port) std::cerr << "note: the restarted broker got the same port\n";
  check_survives(topic, partitions, acked);
  check_offsets_continue(topic, partitions, acked);

  // A second clean cycle (the log was reopened and appended to).
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(broker_.restart(), "");
  EXPECT_EQ(consume_all(bootstrap(), topic, partitions).size(), acked.size() + 2 * partitions);
}

class restart_kill9_test : public restart_test {
 protected:
  std::vector<std::string> extra_overrides() const override { return {"log.flush.interval.messages=1"}; }
};

TEST_F(restart_kill9_test, Kill9WithFlushEveryMessageKeepsAcknowledgedRecords) {
  const std::string topic = "restart-kill9";
  constexpr int partitions = 2;
  create_topic(topic, partitions);
  auto acked = produce_acked(bootstrap(), topic, partitions, 40, "k9", "none");
  auto zstd = produce_acked(bootstrap(), topic, partitions, 10, "k9z", "zstd");
  acked.insert(acked.end(), zstd.begin(), zstd.end());
  acked = sorted_by_position(acked);
  ASSERT_FALSE(HasFailure());

  broker_.kill9();
  ASSERT_FALSE(broker_.running());
  ASSERT_EQ(broker_.restart(), "");
  check_survives(topic, partitions, acked);
  check_offsets_continue(topic, partitions, acked);

  // Kill again right after the appends, then a clean cycle.
  broker_.kill9();
  ASSERT_EQ(broker_.restart(), "");
  EXPECT_EQ(consume_all(bootstrap(), topic, partitions).size(), acked.size() + 2 * partitions);
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(broker_.restart(), "");
  EXPECT_EQ(consume_all(bootstrap(), topic, partitions).size(), acked.size() + 2 * partitions);
}

}  // namespace
}  // namespace ringtail::interop
