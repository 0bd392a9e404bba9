// Deliberately bad input on raw sockets (no real client would send these bytes), then a
// check that the broker still serves a real client (kcat -L):
//  - a frame larger than socket.request.max.bytes, or with a negative size: closed;
//  - a request whose body is cut short inside a complete frame: closed;
//  - a frame cut short by the client's half-close: closed;
//  - an unknown API key: an error response with the same correlation id, and the
//    connection keeps working;
//  - a produce batch with a corrupt CRC: CORRUPT_MESSAGE (2) for that partition;
//  - produce to a missing topic with auto-create off: UNKNOWN_TOPIC_OR_PARTITION (3).
#include "interop.h"
#include "raw_kafka.h"

namespace ringtail::interop {
namespace {

constexpr int32_t max_request_bytes = 65536;  // socket.request.max.bytes for this suite

// An ApiVersions v0 round trip: the connection still works and answers in order.
void expect_api_versions_works(raw_connection& c, int32_t correlation_id) {
  codec::writer w;
  codec::encode_request_frame(w, correlation_id, "ringtail-bad-input", 0, codec::api_versions_request{});
  ASSERT_TRUE(c.send_bytes(w.bytes()));
  auto frame = c.read_frame();
  ASSERT_TRUE(frame.has_value()) << "no ApiVersions response";
  codec::reader r(*frame);
  codec::response_header h;
  ASSERT_TRUE(h.decode(r, 0).has_value());
  EXPECT_EQ(h.correlation_id, correlation_id);
  codec::api_versions_response resp;
  ASSERT_TRUE(resp.decode(r, 0).has_value());
  EXPECT_EQ(resp.error_code, 0);
  EXPECT_FALSE(resp.api_keys.empty());
}

class bad_input_test : public broker_test {
 protected:
  std::vector<std::string> extra_overrides() const override {
    return {"socket.request.max.bytes=" + std::to_string(max_request_bytes), "auto.create.topics.enable=false"};
  }
};

TEST_F(bad_input_test, OversizedFrameClosesConnection) {
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer w;
    w.write_int32(max_request_bytes + 1);
    std::vector<std::byte> junk(1024, std::byte{0x41});
    w.append(junk);
    (void)c.send_bytes(w.bytes());
    EXPECT_TRUE(c.closed_by_peer()) << "a frame of socket.request.max.bytes + 1 must close the connection";
  }
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer w;
    w.write_int32(1'000'000'000);
    (void)c.send_bytes(w.bytes());
    EXPECT_TRUE(c.closed_by_peer()) << "a 1 GB frame size must close the connection";
  }
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer w;
    w.write_int32(-5);
    w.write_int32(0);
    (void)c.send_bytes(w.bytes());
    EXPECT_TRUE(c.closed_by_peer()) << "a negative frame size must close the connection";
  }
  expect_broker_serves();
}

TEST_F(bad_input_test, TruncatedRequestClosesConnection) {
  {
    // Complete frame, but the Metadata v1 body stops after the topic array's length.
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer body;
    body.write_int32(5);  // five topics follow... but none do
    body.write_int16(3);  // and half of the first one's name length
    (void)c.send_bytes(raw_frame(3, 1, 77, body.bytes()));
    EXPECT_TRUE(c.closed_by_peer()) << "a request whose body is cut must close the connection";
  }
  {
    // A header cut in the middle (frame of 5 bytes: key, version, half a correlation id).
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer w;
    w.write_int32(5);
    w.write_int16(18);
    w.write_int16(0);
    w.write_int8(1);
    (void)c.send_bytes(w.bytes());
    EXPECT_TRUE(c.closed_by_peer()) << "a frame holding half a header must close the connection";
  }
  {
    // The frame itself is cut: 100 bytes announced, 10 sent, then the client half-closes.
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    codec::writer w;
    w.write_int32(100);
    w.write_int16(3);
    w.write_int16(1);
    w.write_int32(78);
    w.write_int16(0);
    (void)c.send_bytes(w.bytes());
    c.shutdown_write();
    EXPECT_TRUE(c.closed_by_peer()) << "EOF inside a frame must close the connection";
  }
  expect_broker_serves();
}

TEST_F(bad_input_test, UnknownApiKeyAnswersWithErrorAndKeepsConnection) {
  raw_connection c(broker_.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_bytes(raw_frame(999, 0, 4242, {})));
  auto frame = c.read_frame();
  ASSERT_TRUE(frame.has_value()) << "no response to API key 999 (connection closed or timed out)";
  ASSERT_GE(frame->size(), 6u);
  EXPECT_EQ(codec::detail::load_be<int32_t>(frame->data()), 4242) << "correlation id";
  EXPECT_EQ(codec::detail::load_be<int16_t>(frame->data() + 4),
            static_cast<int16_t>(codec::error_code::unsupported_version));
  // The connection still serves requests, in order.
  expect_api_versions_works(c, 4244);
  expect_broker_serves();
}

TEST_F(bad_input_test, CorruptCrcIsCorruptMessage) {
  const std::string topic = "bad-crc";
  create_topic(topic, 1);
  for (auto compression : {codec::compression_type::none, codec::compression_type::gzip}) {
    SCOPED_TRACE(std::string(codec::to_string(compression)));
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    auto batch = build_batch(3, compression);
    ASSERT_GT(batch.size(), codec::record_batch_header_bytes);
    // Flip a byte covered by the CRC (the last byte of the records area).
    batch.back() ^= std::byte{0x5a};
    auto bad = produce_raw(c, 501, topic, 0, batch);
    ASSERT_TRUE(bad.has_value()) << "no (decodable) produce response";
    EXPECT_EQ(bad->correlation_id, 501);
    EXPECT_EQ(bad->topic, topic);
    EXPECT_EQ(bad->error, static_cast<int16_t>(codec::error_code::corrupt_message));
    // The same connection then appends a good batch.
    const auto good_batch = build_batch(3, compression);
    auto good = produce_raw(c, 502, topic, 0, good_batch);
    ASSERT_TRUE(good.has_value()) << "no produce response after the corrupt one";
    EXPECT_EQ(good->correlation_id, 502);
    EXPECT_EQ(good->error, 0);
  }
  // Only the good batches are in the log.
  const auto k = kcat_consume(bootstrap(), topic, 0, "beginning");
  ASSERT_TRUE(k.ok()) << k.describe();
  std::vector<record> expected;
  for (int64_t o = 0; o < 6; ++o) {
    const int i = static_cast<int>(o % 3);
    expected.push_back(record{0, o, "key-" + std::to_string(i), "value-" + std::to_string(i) + "-payload", ""});
  }
  EXPECT_EQ(parse_records(k.out), expected);
  expect_broker_serves();
}

TEST_F(bad_input_test, ProduceToMissingTopicWithoutAutoCreate) {
  const std::string topic = "bad-no-such-topic";
  {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    const auto batch = build_batch(2);
    auto r = produce_raw(c, 601, topic, 0, batch);
    ASSERT_TRUE(r.has_value()) << "no (decodable) produce response";
    EXPECT_EQ(r->correlation_id, 601);
    EXPECT_EQ(r->error, static_cast<int16_t>(codec::error_code::unknown_topic_or_partition));
    expect_api_versions_works(c, 602);
  }
  // A real producer gets a delivery error (not a hang, not a success).
  const auto p = ck({"produce", bootstrap(), topic, "--timeout-ms", "5000"}, "-1\tk\tv\t\n");
  ASSERT_TRUE(p.ok()) << p.describe();
  EXPECT_TRUE(parse_acks(p.out).empty()) << p.out;
  const auto errs = tagged(p.out, "err");
  ASSERT_EQ(errs.size(), 1u) << p.describe();
  std::cerr << "confluent-kafka delivery error for a missing topic: " << errs[0][2] << "\n";
  // The topic was not created by any of this.
  const auto md = run_kcat({"-L", "-b", bootstrap(), "-m", "15"});
  ASSERT_TRUE(md.ok()) << md.describe();
  EXPECT_EQ(md.out.find(topic), std::string::npos) << md.out;
  expect_broker_serves();
}

}  // namespace
}  // namespace ringtail::interop
