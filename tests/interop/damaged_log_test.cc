// Damage on disk costs only the damaged batches, and says so:
//  - a batch whose magic byte was damaged in the active segment (after a clean shutdown,
//    so recovery does not look at it): a fetch at its offset answers CORRUPT_MESSAGE
//    (2), as Kafka does for corrupt log data, and the broker says where, in one ERROR
//    line however often consumers retry; the batches before it are still served;
//  - a damaged batch header in a closed segment: the next start keeps that segment's
//    other batches and every later segment (it used to truncate there and delete the
//    rest: 1,726 of 3,000 acknowledged records lost), reports the damaged range, and
//    serves around it.
#include <fstream>

#include "interop.h"
#include "raw_kafka.h"

namespace ringtail::interop {
namespace {

constexpr int16_t fetch_version = 4;

struct fetch_answer {
  int16_t error = -1;
  size_t record_bytes = 0;
};

std::optional<fetch_answer> fetch_raw(raw_connection& c, int32_t correlation_id, const std::string& topic,
                                      int64_t offset) {
  codec::fetch_request req;
  req.max_wait_ms = 0;
  req.min_bytes = 0;
  auto& t = req.topics.emplace_back();
  t.topic = topic;
  auto& p = t.partitions.emplace_back();
  p.partition = 0;
  p.fetch_offset = offset;
  p.partition_max_bytes = 1 << 20;
  codec::writer w;
  codec::encode_request_frame(w, correlation_id, "ringtail-raw-test", fetch_version, req);
  if (!c.send_bytes(w.bytes())) return std::nullopt;
  auto frame = c.read_frame();
  if (!frame) return std::nullopt;
  codec::reader r(*frame);
  codec::response_header h;
  if (!h.decode(r, codec::response_header_version(1, fetch_version))) return std::nullopt;
  codec::fetch_response resp;
  if (!resp.decode(r, fetch_version)) return std::nullopt;
  if (resp.responses.size() != 1 || resp.responses[0].partitions.size() != 1) return std::nullopt;
  const auto& pd = resp.responses[0].partitions[0];
  return fetch_answer{pd.error_code, pd.records ? pd.records->size() : 0};
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class damaged_log_test : public broker_test {};

TEST_F(damaged_log_test, BadMagicIsCorruptMessageLoggedOnce) {
  const std::string topic = "damaged-magic";
  create_topic(topic, 1);
  std::vector<size_t> batch_sizes;
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    for (int i = 0; i < 3; ++i) {
      const auto batch = build_batch(2);
      batch_sizes.push_back(batch.size());
      auto r = produce_raw(c, 10 + i, topic, 0, batch);
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->error, 0);
      ASSERT_EQ(r->base_offset, 2 * i);
    }
  }
  ASSERT_EQ(broker_.stop(), 0);
  // The third batch (offsets 4-5): its magic byte is at offset 16 of the batch.
  const auto seg = broker_.data_dir() / (topic + "-0") / "00000000000000000000.log";
  {
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << seg;
    f.seekp(static_cast<std::streamoff>(batch_sizes[0] + batch_sizes[1] + 16));
    const char bad = 7;
    f.write(&bad, 1);
  }
  ASSERT_EQ(broker_.restart(), "");
  raw_connection c(broker_.port());
  ASSERT_TRUE(c.connected());
  auto good = fetch_raw(c, 1, topic, 0);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->error, 0);
  EXPECT_GT(good->record_bytes, 0u) << "the batches before the damage are served";
  for (int i = 0; i < 5; ++i) {
    auto bad = fetch_raw(c, 100 + i, topic, 4);
    ASSERT_TRUE(bad.has_value());
    EXPECT_EQ(bad->error, static_cast<int16_t>(codec::error_code::corrupt_message));
  }
  const std::string log = broker_.log();
  EXPECT_EQ(count_of(log, "the segment is damaged there"), 1u) << log;
  EXPECT_NE(log.find("position " + std::to_string(batch_sizes[0] + batch_sizes[1])), std::string::npos) << log;
}

TEST_F(damaged_log_test, DamageInAClosedSegmentCostsOnlyTheDamagedBatch) {
  const std::string topic = "damaged-closed";
  create_topic(topic, 1, {"segment.bytes=1024"});
  constexpr int batches = 40;  // ~100 bytes each: several closed segments
  std::vector<size_t> batch_sizes;
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    for (int i = 0; i < batches; ++i) {
      const auto batch = build_batch(2);
      batch_sizes.push_back(batch.size());
      auto r = produce_raw(c, 10 + i, topic, 0, batch);
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->error, 0);
    }
  }
  ASSERT_EQ(broker_.stop(), 0);
  const auto dir = broker_.data_dir() / (topic + "-0");
  auto segments = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().extension() == ".log";
    return n;
  };
  const size_t segments_before = segments();
  ASSERT_GE(segments_before, 3u);
  // The third batch of the first segment (offsets 4-5): damage its magic byte.
  {
    std::fstream f(dir / "00000000000000000000.log", std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp(static_cast<std::streamoff>(batch_sizes[0] + batch_sizes[1] + 16));
    const char bad = 9;
    f.write(&bad, 1);
  }
  ASSERT_EQ(broker_.restart(), "");
  EXPECT_EQ(segments(), segments_before) << "every segment is kept";
  const std::string log = broker_.log();
  EXPECT_NE(log.find("damaged bytes at positions " + std::to_string(batch_sizes[0] + batch_sizes[1]) + "-" +
                     std::to_string(batch_sizes[0] + batch_sizes[1] + batch_sizes[2]) + " (offsets 4-5)"),
            std::string::npos)
      << log;
  raw_connection c(broker_.port());
  ASSERT_TRUE(c.connected());
  auto damaged = fetch_raw(c, 1, topic, 4);
  ASSERT_TRUE(damaged.has_value());
  EXPECT_EQ(damaged->error, static_cast<int16_t>(codec::error_code::corrupt_message));
  for (int64_t offset : {int64_t{0}, int64_t{6}, int64_t{2 * batches - 2}}) {
    auto ok = fetch_raw(c, 2, topic, offset);
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->error, 0) << "offset " << offset;
    EXPECT_GT(ok->record_bytes, 0u) << "offset " << offset;
  }
  const auto w = ck({"offsets", bootstrap(), topic, "0"});
  ASSERT_TRUE(w.ok()) << w.describe();
  const auto marks = tagged(w.out, "watermark");
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0][2], std::to_string(2 * batches)) << "the log end is where it was";
}

}  // namespace
}  // namespace ringtail::interop
