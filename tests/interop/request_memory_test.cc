// Request memory follows the bytes that arrived, not the sizes clients announce:
//  - frames that announce 100,000,000 bytes and send 10, on 10 connections, leave the
//    broker's resident memory about where it was (it used to allocate and zero each
//    announced size at once: +1 GB);
//  - queued.max.request.bytes bounds the request bytes read and not yet handled: a
//    frame that would pass it waits until the memory is freed, then is served.
#include <fstream>
#include <memory>

#include "interop.h"
#include "raw_kafka.h"

namespace ringtail::interop {
namespace {

// VmRSS of a process, in KiB (-1 if unknown).
int64_t rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

// A frame header announcing `size` bytes followed by the first `sent` of them.
std::vector<std::byte> announce(int32_t size, size_t sent) {
  std::vector<std::byte> b(4 + sent, std::byte{0});
  b[0] = std::byte(static_cast<uint32_t>(size) >> 24);
  b[1] = std::byte((static_cast<uint32_t>(size) >> 16) & 0xff);
  b[2] = std::byte((static_cast<uint32_t>(size) >> 8) & 0xff);
  b[3] = std::byte(static_cast<uint32_t>(size) & 0xff);
  return b;
}

class request_memory_test : public broker_test {
 protected:
  std::vector<std::string> extra_overrides() const override {
    return {"socket.request.max.bytes=104857600", "num.shards=1", "queued.max.request.bytes=2000000000"};
  }
};

TEST_F(request_memory_test, AnnouncedSizesReserveNoMemory) {
  expect_broker_serves();
  const int64_t before = rss_kib(broker_.pid());
  ASSERT_GT(before, 0);
  std::vector<std::unique_ptr<raw_connection>> conns;
  for (int i = 0; i < 10; ++i) {
    conns.push_back(std::make_unique<raw_connection>(broker_.port()));
    ASSERT_TRUE(conns.back()->connected());
    ASSERT_TRUE(conns.back()->send_bytes(announce(100'000'000, 10)));
  }
  std::this_thread::sleep_for(1s);  // the broker has read what was sent
  const int64_t after = rss_kib(broker_.pid());
  EXPECT_LT(after - before, 64 * 1024) << "RSS grew from " << before << " KiB to " << after << " KiB";
  expect_broker_serves();
}

class request_budget_test : public broker_test {
 protected:
  std::vector<std::string> extra_overrides() const override {
    return {"num.shards=1", "queued.max.request.bytes=1000000"};
  }
};

TEST_F(request_budget_test, AFrameOverTheBudgetWaitsForMemoryToFree) {
  const std::string topic = "budget";
  create_topic(topic, 1);
  raw_connection hog(broker_.port());
  ASSERT_TRUE(hog.connected());
  ASSERT_TRUE(hog.send_bytes(announce(700'000, 100)));  // charged 700 kB, most never sent
  std::this_thread::sleep_for(500ms);
  // A 500 kB produce does not fit beside it: no answer while the hog holds its budget.
  raw_connection c(broker_.port());
  ASSERT_TRUE(c.connected());
  codec::record_batch_builder b;
  const std::string value(500'000, 'v');
  b.append(1'700'000'000'000, std::nullopt, std::as_bytes(std::span(value.data(), value.size())));
  auto batch = b.finish();
  ASSERT_TRUE(batch.has_value());
  ASSERT_TRUE(c.send_bytes(produce_frame(7, topic, 0, *batch)));
  EXPECT_FALSE(c.read_exact(4, 1500ms).has_value()) << "served over queued.max.request.bytes";
  // The hog goes away: its budget is freed and the produce is served.
  hog.shutdown_write();
  auto frame = c.read_frame();
  ASSERT_TRUE(frame.has_value()) << "the produce was not served once memory was freed";
  codec::reader r(*frame);
  codec::response_header h;
  ASSERT_TRUE(h.decode(r, codec::response_header_version(0, 7)).has_value());
  EXPECT_EQ(h.correlation_id, 7);
}

}  // namespace
}  // namespace ringtail::interop
