// Deliberately bad input on raw sockets (no real client would send these bytes), then a
// check that the broker still serves a real client (kcat -L):
//  - a frame larger than socket.request.max.bytes, or with a negative size: closed;
//  - a request whose body is cut short inside a complete frame: closed;
//  - a frame cut short by the client's half-close: closed;
//  - an unknown API key: an error response with the same correlation id, and the
//    connection keeps working;
//  - a produce batch with a corrupt CRC: CORRUPT_MESSAGE (2) for that partition;
//  - produce to a missing topic with auto-create off: UNKNOWN_TOPIC_OR_PARTITION (3).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>

#include "interop.h"
#include "ringtail/codec/error_code.h"
#include "ringtail/codec/messages.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::interop {
namespace {

constexpr int32_t max_request_bytes = 65536;  // socket.request.max.bytes for this suite
constexpr auto socket_timeout = 15s;

// A blocking TCP connection to the broker with bounded reads.
class raw_connection {
 public:
  explicit raw_connection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~raw_connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  bool connected() const { return connected_; }

  // False if the peer already closed (EPIPE/ECONNRESET): callers then check closed().
  bool send_bytes(std::span<const std::byte> b) {
    size_t off = 0;
    while (off < b.size()) {
      const ssize_t n = ::send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  // Reads exactly n bytes; nullopt on close, error or timeout.
  std::optional<std::vector<std::byte>> read_exact(size_t n, std::chrono::milliseconds timeout = socket_timeout) {
    std::vector<std::byte> out(n);
    size_t off = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (off < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      const ssize_t got = ::recv(fd_, out.data() + off, n - off, 0);
      if (got <= 0) return std::nullopt;
      off += static_cast<size_t>(got);
    }
    return out;
  }

  // One response frame (without its size prefix).
  std::optional<std::vector<std::byte>> read_frame() {
    auto size = read_exact(4);
    if (!size) return std::nullopt;
    const int32_t n = codec::detail::load_be<int32_t>(size->data());
    if (n < 0 || n > 64 * 1024 * 1024) return std::nullopt;
    return read_exact(static_cast<size_t>(n));
  }

  // True once the broker has closed the connection (EOF or reset) within the timeout;
  // anything it sends first is discarded.
  bool closed_by_peer(std::chrono::milliseconds timeout = socket_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::byte buf[4096];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r == 0) return false;
      if (r < 0) return false;
      const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
      if (got == 0) return true;
      if (got < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// A request header (v1: key, version, correlation id, client id) in a frame around `body`.
std::vector<std::byte> raw_frame(int16_t key, int16_t version, int32_t correlation_id, std::span<const std::byte> body) {
  codec::writer w;
  const size_t at = w.reserve_size_prefix();
  w.write_int16(key);
  w.write_int16(version);
  w.write_int32(correlation_id);
  w.write_string("ringtail-bad-input", false);
  w.append(body);
  w.patch_size_prefix(at);
  return w.release();
}

// A valid uncompressed batch of `n` records ("key-i" -> "value-i").
std::vector<std::byte> build_batch(int n, codec::compression_type compression = codec::compression_type::none) {
  codec::record_batch_builder b;
  b.set_compression(compression);
  std::vector<std::string> keys, values;
  for (int i = 0; i < n; ++i) {
    keys.push_back("key-" + std::to_string(i));
    values.push_back("value-" + std::to_string(i) + "-payload");
  }
  for (int i = 0; i < n; ++i) {
    const auto& k = keys[static_cast<size_t>(i)];
    const auto& v = values[static_cast<size_t>(i)];
    b.append(1'700'000'000'000 + i, std::as_bytes(std::span(k.data(), k.size())),
             std::as_bytes(std::span(v.data(), v.size())));
  }
  auto done = b.finish();
  EXPECT_TRUE(done.has_value());
  if (!done) return {};
  return {done->begin(), done->end()};
}

std::vector<std::byte> produce_frame(int32_t correlation_id, const std::string& topic, int32_t partition,
                                     std::span<const std::byte> batch) {
  codec::produce_request req;
  req.acks = -1;
  req.timeout_ms = 10000;
  codec::produce_request::topic_produce_data t;
  t.name = topic;
  codec::produce_request::partition_produce_data p;
  p.index = partition;
  p.records = batch;
  t.partition_data.push_back(p);
  req.topic_data.push_back(t);
  codec::writer w;
  codec::encode_request_frame(w, correlation_id, "ringtail-bad-input", 7, req);
  return w.release();
}

struct produce_result {
  int32_t correlation_id = -1;
  int16_t error = -1;
  int64_t base_offset = -1;
  std::string topic;
};

// Sends a Produce v7 and decodes the single partition's answer.
std::optional<produce_result> produce_raw(raw_connection& c, int32_t correlation_id, const std::string& topic,
                                          int32_t partition, std::span<const std::byte> batch) {
  if (!c.send_bytes(produce_frame(correlation_id, topic, partition, batch))) return std::nullopt;
  auto frame = c.read_frame();
  if (!frame) return std::nullopt;
  codec::reader r(*frame);
  codec::response_header h;
  if (!h.decode(r, codec::response_header_version(0, 7))) return std::nullopt;
  codec::produce_response resp;
  if (!resp.decode(r, 7)) return std::nullopt;
  if (resp.responses.size() != 1 || resp.responses[0].partition_responses.size() != 1) return std::nullopt;
  const auto& pr = resp.responses[0].partition_responses[0];
  return produce_result{h.correlation_id, pr.error_code, pr.base_offset, std::string(resp.responses[0].name)};
}

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
