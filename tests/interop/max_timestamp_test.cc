// A v2 batch whose header says maxTimestamp = -1 while every record has a timestamp
// (sarama before 1.27 wrote these): the broker recomputes the max timestamp from the
// records on append, as Kafka does, so ListOffsets by time finds the records.
#include "interop.h"
#include "raw_kafka.h"

namespace ringtail::interop {
namespace {

class max_timestamp_test : public broker_test {};

TEST_F(max_timestamp_test, MissingMaxTimestampIsRecomputedOnAppend) {
  for (const auto compression : {codec::compression_type::none, codec::compression_type::lz4}) {
    const std::string topic = "max-ts-" + std::to_string(static_cast<int>(compression));
    create_topic(topic, 1);
    codec::record_batch_builder b;
    b.set_compression(compression);
    for (int i = 0; i < 3; ++i) {
      const std::string v = "v" + std::to_string(i);
      b.append(1'700'000'001'000 + 1000 * i, std::nullopt, std::as_bytes(std::span(v.data(), v.size())));
    }
    auto done = b.finish();
    ASSERT_TRUE(done.has_value());
    std::vector<std::byte> batch(done->begin(), done->end());
    auto m = codec::mutable_record_batch_view::parse(batch);
    ASSERT_TRUE(m.has_value());
    m->set_max_timestamp(-1);  // what the old client sends (CRC valid)
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    auto r = produce_raw(c, 1, topic, 0, batch);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->error, 0);
    const auto o = ck({"offsets", bootstrap(), topic, "0", "1700000001500", "1700000002500", "1700000004000"});
    ASSERT_TRUE(o.ok()) << o.describe();
    const auto times = tagged(o.out, "time");
    ASSERT_EQ(times.size(), 3u) << o.describe();
    EXPECT_EQ(times[0][1], "1") << o.describe();
    EXPECT_EQ(times[1][1], "2") << o.describe();
    EXPECT_EQ(times[2][1], "-1") << "after the last record" << o.describe();
  }
}

}  // namespace
}  // namespace ringtail::interop
