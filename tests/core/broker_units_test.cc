// Unit tests of the broker's pure parts: configuration, routing, metadata file,
// idempotent-producer sequence rules.
#include <gtest/gtest.h>

#include "ringtail/core/broker/metadata.h"
#include "ringtail/core/broker/producer_state.h"
#include "ringtail/core/broker/shard_router.h"
#include "ringtail/core/config.h"

using namespace ringtail::core;
using ringtail::codec::error_code;

TEST(Config, DefaultsMatchTheIssue) {
  auto c = load_broker_config("", {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->listeners.front().host, "localhost");
  EXPECT_EQ(c->listeners.front().port, 9092);
  EXPECT_EQ(c->log_retention_ms, 168LL * 3600 * 1000);
  EXPECT_EQ(c->num_shards, 0u);
}

TEST(Config, UnknownKeyAndBadValuesNameTheKey) {
  auto unknown = load_broker_config("", {"log.retention.hourz=3"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("log.retention.hourz"), std::string::npos);
  auto bad = load_broker_config("", {"num.partitions=abc"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("num.partitions"), std::string::npos);
  auto range = load_broker_config("", {"num.shards=1000"});
  ASSERT_FALSE(range.has_value());
  EXPECT_NE(range.error().find("num.shards"), std::string::npos);
  auto listener = load_broker_config("", {"listeners=SSL://x:1"});
  ASSERT_FALSE(listener.has_value());
  EXPECT_NE(listener.error().find("listeners"), std::string::npos);
  auto rf = load_broker_config("", {"default.replication.factor=3"});
  ASSERT_FALSE(rf.has_value());
  auto noeq = load_broker_config("", {"justakey"});
  ASSERT_FALSE(noeq.has_value());
}

TEST(Config, RetentionPrecedenceMsOverMinutesOverHours) {
  auto h = load_broker_config("", {"log.retention.hours=2"});
  EXPECT_EQ(h->log_retention_ms, 2LL * 3600 * 1000);
  auto m = load_broker_config("", {"log.retention.hours=2", "log.retention.minutes=3"});
  EXPECT_EQ(m->log_retention_ms, 3LL * 60 * 1000);
  auto ms = load_broker_config("", {"log.retention.hours=2", "log.retention.minutes=3", "log.retention.ms=1234"});
  EXPECT_EQ(ms->log_retention_ms, 1234);
}

TEST(Config, PropertiesFileSyntax) {
  auto p = parse_properties("# comment\n! also\nlisteners = PLAINTEXT://127.0.0.1:0\nlog.dirs: /tmp/x\n"
                            "num.partitions=\\\n  3\n");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->at("listeners"), "PLAINTEXT://127.0.0.1:0");
  EXPECT_EQ(p->at("log.dirs"), "/tmp/x");
  EXPECT_EQ(p->at("num.partitions"), "3");
  auto c = make_broker_config(*p);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->num_partitions, 3);
  EXPECT_EQ(c->listeners.front().port, 0);
}

TEST(ShardRouter, BalancesPartitionsOverShards) {
  std::vector<uint32_t> load = {0, 0, 0};
  auto a = assign_shards(load, 7);
  EXPECT_EQ(a, (std::vector<unsigned>{0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(load, (std::vector<uint32_t>{3, 2, 2}));
  auto b = assign_shards(load, 2);
  EXPECT_EQ(b, (std::vector<unsigned>{1, 2}));
}

TEST(ShardRouter, CoordinatorPartitionFollowsKafka) {
  // abs(hashCode) % 50, with Utils.abs semantics.
  EXPECT_EQ(coordinator_partition_for("", 50), 0);
  const int32_t p = coordinator_partition_for("my-group", 50);
  EXPECT_GE(p, 0);
  EXPECT_LT(p, 50);
}

TEST(Metadata, EncodesAndDecodesEveryField) {
  metadata_image img;
  topic_info t;
  t.name = "orders.v1";
  t.id = random_uuid();
  t.partitions = {{0, 1, 3, {}, {}}, {1, 0, 0, {}, {}}};
  t.configs["retention.ms"] = "1000";
  t.configs["cleanup.policy"] = "compact,delete";
  img.topics.emplace(t.name, t);
  const std::string text = encode_metadata(img, "clusterABC", 2000);
  auto d = decode_metadata(text);
  ASSERT_TRUE(d.has_value()) << d.error();
  EXPECT_EQ(d->cluster_id, "clusterABC");
  EXPECT_EQ(d->producer_id_block_end, 2000);
  const topic_info* back = d->image.find("orders.v1");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->id, t.id);
  EXPECT_EQ(back->partitions[0].shard, 1u);
  EXPECT_EQ(back->partitions[0].leader_epoch, 3);
  EXPECT_EQ(back->configs.at("cleanup.policy"), "compact,delete");
}

TEST(Metadata, RejectsTruncatedOrGarbageFiles) {
  metadata_image img;
  const std::string text = encode_metadata(img, "c", 0);
  EXPECT_FALSE(decode_metadata(text.substr(0, text.size() - 4)).has_value());
  EXPECT_FALSE(decode_metadata("hello\n").has_value());
  EXPECT_FALSE(decode_metadata("ringtail-metadata 1\npartition nope 0 0 0\nend\n").has_value());
}

// A damaged or inconsistent file stops the start with a message; it is never "repaired"
// into a wrong state (a topic announcing 3 partitions with one record used to get two
// phantom "partition 0" entries, and the broker wrote that back).
TEST(Metadata, RejectsInconsistentOrDamagedFiles) {
  const std::string id1 = "00112233445566778899aabbccddeeff";
  const std::string id2 = "ffeeddccbbaa99887766554433221100";
  auto v1 = [](const std::string& body) { return "ringtail-metadata 1\ncluster.id c\n" + body + "end\n"; };
  // Version 1 (no checksum) still reads when consistent.
  EXPECT_TRUE(decode_metadata(v1("topic t " + id1 + " 2 0\npartition t 0 0 0\npartition t 1 1 0\n")).has_value());
  // Fewer partition records than announced.
  auto missing = decode_metadata(v1("topic t " + id1 + " 3 0\npartition t 0 0 0\n"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("announces 3 partitions but 2"), std::string::npos) << missing.error();
  // A partition twice, a topic twice, an id twice, a count out of range.
  EXPECT_FALSE(decode_metadata(v1("topic t " + id1 + " 1 0\npartition t 0 0 0\npartition t 0 0 0\n")).has_value());
  EXPECT_FALSE(decode_metadata(v1("topic t " + id1 + " 1 0\ntopic t " + id2 + " 1 0\npartition t 0 0 0\n")).has_value());
  EXPECT_FALSE(decode_metadata(v1("topic a " + id1 + " 1 0\ntopic b " + id1 + " 1 0\npartition a 0 0 0\npartition b 0 0 0\n"))
                   .has_value());
  EXPECT_FALSE(decode_metadata(v1("topic t " + id1 + " 0 0\n")).has_value());
  EXPECT_FALSE(decode_metadata(v1("topic t " + id1 + " 100001 0\n")).has_value());

  // Version 2 carries a checksum: one flipped byte anywhere before it is caught.
  metadata_image img;
  topic_info t;
  t.name = "orders";
  t.id = random_uuid();
  t.partitions = {{0, 0, 0, {}, {}}, {1, 1, 0, {}, {}}};
  img.topics.emplace(t.name, t);
  const std::string good = encode_metadata(img, "cluster", 1000);
  ASSERT_TRUE(decode_metadata(good).has_value());
  std::string flipped = good;
  flipped[flipped.find("orders 1 1") + 7] = '0';  // partition 1 -> partition 0: consistent-looking, but damaged
  auto damaged = decode_metadata(flipped);
  ASSERT_FALSE(damaged.has_value());
  EXPECT_NE(damaged.error().find("checksum mismatch"), std::string::npos) << damaged.error();
  std::string no_checksum = good;
  no_checksum.erase(no_checksum.find("checksum "), no_checksum.find("end\n") - no_checksum.find("checksum "));
  EXPECT_FALSE(decode_metadata(no_checksum).has_value());
}

TEST(Metadata, TopicNameRules) {
  EXPECT_TRUE(valid_topic_name("a-b_c.d"));
  EXPECT_FALSE(valid_topic_name(""));
  EXPECT_FALSE(valid_topic_name("."));
  EXPECT_FALSE(valid_topic_name(".."));
  EXPECT_FALSE(valid_topic_name("has space"));
  EXPECT_FALSE(valid_topic_name(std::string(250, 'a')));
}

TEST(ProducerState, SequencesDuplicatesAndFencing) {
  producer_state s;
  EXPECT_EQ(s.check(7, 0, 5, 9).error, error_code::unknown_producer_id);  // new producer must start at 0
  EXPECT_EQ(s.check(7, 0, 0, 4).error, error_code::none);
  s.record(7, 0, {0, 4, 100, 104, 1});
  EXPECT_EQ(s.check(7, 0, 5, 9).error, error_code::none);
  s.record(7, 0, {5, 9, 105, 109, 1});
  auto dup = s.check(7, 0, 0, 4);  // a retry of a cached batch
  EXPECT_EQ(dup.error, error_code::none);
  ASSERT_NE(dup.duplicate, nullptr);
  EXPECT_EQ(dup.duplicate->first_offset, 100);
  EXPECT_EQ(s.check(7, 0, 15, 19).error, error_code::out_of_order_sequence_number);  // gap
  EXPECT_EQ(s.check(7, 0, 10, 14).error, error_code::none);
  s.record(7, 1, {0, 0, 110, 110, 1});  // epoch bump
  EXPECT_EQ(s.check(7, 0, 1, 1).error, error_code::invalid_producer_epoch);
  // Only the last 5 batches are remembered.
  for (int i = 1; i <= 6; ++i) s.record(7, 1, {i, i, 110 + i, 110 + i, 1});
  EXPECT_EQ(s.check(7, 1, 1, 1).duplicate, nullptr);
  EXPECT_EQ(s.check(7, 1, 1, 1).error, error_code::out_of_order_sequence_number);
}

TEST(ProducerState, ProducersBelowTheLogStartAreForgotten) {
  producer_state s;
  s.record(1, 0, {0, 4, 100, 104, 1});
  s.record(2, 0, {0, 4, 105, 109, 1});
  EXPECT_EQ(s.evict_before(105), 1u);  // producer 1's last batch ends at 104
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.check(1, 0, 5, 9).error, error_code::unknown_producer_id);
  EXPECT_EQ(s.check(2, 0, 5, 9).error, error_code::none);
  EXPECT_EQ(s.evict_before(109), 0u);  // 109 is still in the log
  EXPECT_EQ(s.evict_before(110), 1u);
  EXPECT_EQ(s.size(), 0u);
}

TEST(ProducerState, SequenceWrapsAtInt32Max) {
  producer_state s;
  s.record(9, 0, {INT32_MAX - 1, INT32_MAX, 0, 1, 1});
  EXPECT_EQ(s.check(9, 0, 0, 3).error, error_code::none);
}
