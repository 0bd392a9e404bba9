// log_config: topic config validation, broker defaults and topic overrides, the
// retention precedence ms > minutes > hours, and the retention selection rules.
#include <gtest/gtest.h>

#include "ringtail/core/log/log_config.h"
#include "ringtail/core/log/offset_index.h"
#include "ringtail/core/log/retention.h"
#include "ringtail/core/log/time_index.h"

namespace core = ringtail::core;
namespace rlog = ringtail::core::log;

TEST(LogConfig, ValidateTopicConfigNamesTheKey) {
  EXPECT_TRUE(rlog::validate_topic_config("retention.ms", "1000").has_value());
  EXPECT_TRUE(rlog::validate_topic_config("retention.ms", "-1").has_value());
  EXPECT_TRUE(rlog::validate_topic_config("cleanup.policy", "compact,delete").has_value());
  EXPECT_TRUE(rlog::validate_topic_config("message.timestamp.type", "LogAppendTime").has_value());
  auto bad = rlog::validate_topic_config("segment.bytes", "10");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("segment.bytes"), std::string::npos);
  EXPECT_FALSE(rlog::validate_topic_config("retention.ms", "-2").has_value());
  EXPECT_FALSE(rlog::validate_topic_config("flush.messages", "0").has_value());
  EXPECT_FALSE(rlog::validate_topic_config("cleanup.policy", "keep").has_value());
  EXPECT_FALSE(rlog::validate_topic_config("compression.type", "brotli").has_value());
  EXPECT_FALSE(rlog::validate_topic_config("retention.ms", "12x").has_value());
  auto unknown = rlog::validate_topic_config("no.such.config", "1");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("no.such.config"), std::string::npos);
}

TEST(LogConfig, BrokerDefaultsAndTopicOverrides) {
  core::broker_config b;
  b.log_segment_bytes = 1 << 20;
  b.log_flush_interval_messages = 5;
  auto c = rlog::make_log_config(b, {{"retention.bytes", "1000"}, {"segment.ms", "60000"}});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->segment_bytes, 1 << 20);
  EXPECT_EQ(c->flush_messages, 5);
  EXPECT_EQ(c->retention_bytes, 1000);
  EXPECT_EQ(c->roll_ms, 60000);
  EXPECT_EQ(c->flush_ms, rlog::never_ms);  // Kafka's default: no time-based fsync
  auto bad = rlog::make_log_config(b, {{"segment.index.bytes", "x"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("segment.index.bytes"), std::string::npos);
}

TEST(LogConfig, RetentionPrecedenceMsMinutesHours) {
  auto hours = core::make_broker_config({{"log.retention.hours", "2"}});
  ASSERT_TRUE(hours.has_value());
  EXPECT_EQ(rlog::log_config_from_broker(*hours).retention_ms, 2 * 3600 * 1000);
  auto minutes = core::make_broker_config({{"log.retention.hours", "2"}, {"log.retention.minutes", "3"}});
  ASSERT_TRUE(minutes.has_value());
  EXPECT_EQ(rlog::log_config_from_broker(*minutes).retention_ms, 3 * 60 * 1000);
  auto ms = core::make_broker_config(
      {{"log.retention.hours", "2"}, {"log.retention.minutes", "3"}, {"log.retention.ms", "4567"}});
  ASSERT_TRUE(ms.has_value());
  EXPECT_EQ(rlog::log_config_from_broker(*ms).retention_ms, 4567);
  EXPECT_EQ(rlog::log_config_from_broker(core::broker_config{}).retention_ms, 168LL * 3600 * 1000);
}

TEST(Retention, SelectsOldestSegmentsNeverTheActive) {
  std::vector<rlog::retention_segment> s = {
      {0, 10, 1000, 100}, {10, 20, 1000, 200}, {20, 30, 1000, 300}, {30, 35, 500, 400}};
  // Time: segments whose largest timestamp is older than now - retention.
  auto t = rlog::select_retention(s, 1000, 750, -1, 0, 35);
  EXPECT_EQ(t.segments, 2u);
  EXPECT_EQ(t.reason, rlog::retention_reason::time);
  // Everything expired: still never the active one.
  EXPECT_EQ(rlog::select_retention(s, 100000, 1, -1, 0, 35).segments, 3u);
  // Size: 3500 bytes, budget 2000 → drop while the rest stays >= budget.
  auto z = rlog::select_retention(s, 0, -1, 2000, 0, 35);
  EXPECT_EQ(z.segments, 1u);
  EXPECT_EQ(z.reason, rlog::retention_reason::size);
  EXPECT_EQ(rlog::select_retention(s, 0, -1, 1500, 0, 35).segments, 2u);
  // The high watermark bounds deletion.
  EXPECT_EQ(rlog::select_retention(s, 100000, 1, -1, 0, 15).segments, 1u);
  // Log start offset (DeleteRecords).
  auto l = rlog::select_retention(s, 0, -1, -1, 25, 35);
  EXPECT_EQ(l.segments, 2u);
  EXPECT_EQ(l.reason, rlog::retention_reason::log_start_offset);
}

TEST(OffsetIndex, LookupAndLoadValidation) {
  rlog::offset_index idx(100, 1000);
  idx.append(105, 4096);
  idx.append(130, 9000);
  idx.append(160, 13000);
  EXPECT_FALSE(idx.lookup(104).has_value());
  EXPECT_EQ(idx.lookup(105)->position, 4096u);
  EXPECT_EQ(idx.lookup(159)->position, 9000u);
  EXPECT_EQ(idx.lookup(10000)->offset, 160);
  const auto bytes = std::vector<std::byte>(idx.bytes().all().begin(), idx.bytes().all().end());
  EXPECT_EQ(bytes.size(), 24u);
  // Kafka's layout: 4-byte relative offset, 4-byte position, big-endian.
  EXPECT_EQ(bytes[3], std::byte{5});
  rlog::offset_index copy(100, 1000);
  EXPECT_TRUE(copy.load(bytes, 20000));
  EXPECT_EQ(copy.entries(), 3u);
  EXPECT_FALSE(copy.load(bytes, 10000));  // position past the end of the log
  auto partial = bytes;
  partial.pop_back();
  EXPECT_FALSE(copy.load(partial, 20000));
  idx.truncate_to(130);
  EXPECT_EQ(idx.entries(), 1u);
}

TEST(TimeIndex, LookupKeepsIncreasingTimestamps) {
  rlog::time_index idx(0, 1000);
  idx.maybe_append(1000, 0);
  idx.maybe_append(900, 5);  // not larger: ignored
  idx.maybe_append(2000, 10);
  EXPECT_EQ(idx.entries(), 2u);
  EXPECT_FALSE(idx.lookup(999).has_value());
  EXPECT_EQ(idx.lookup(1500)->offset, 0);
  EXPECT_EQ(idx.lookup(2000)->offset, 10);
  const auto bytes = std::vector<std::byte>(idx.bytes().all().begin(), idx.bytes().all().end());
  EXPECT_EQ(bytes.size(), 24u);
  rlog::time_index copy(0, 1000);
  EXPECT_TRUE(copy.load(bytes, 11));
  EXPECT_FALSE(copy.load(bytes, 10));  // an offset past the end of the segment
}
