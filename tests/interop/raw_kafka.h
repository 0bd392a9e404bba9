// Kafka requests on a raw socket, for tests that need bytes no real client sends (bad
// input) or an exact request schedule (pipelining): a blocking connection with bounded
// reads, request frames, batches and Produce v7 round trips built with the codec.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ringtail/codec/error_code.h"
#include "ringtail/codec/messages.h"
#include "ringtail/codec/record_batch.h"

namespace ringtail::interop {

using namespace std::chrono_literals;

inline constexpr auto socket_timeout = 15s;

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
inline std::vector<std::byte> raw_frame(int16_t key, int16_t version, int32_t correlation_id, std::span<const std::byte> body) {
  codec::writer w;
  const size_t at = w.reserve_size_prefix();
  w.write_int16(key);
  w.write_int16(version);
  w.write_int32(correlation_id);
  w.write_string("ringtail-raw-test", false);
  w.append(body);
  w.patch_size_prefix(at);
  return w.release();
}

// A valid uncompressed batch of `n` records ("key-i" -> "value-i").
inline std::vector<std::byte> build_batch(int n, codec::compression_type compression = codec::compression_type::none) {
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

inline std::vector<std::byte> produce_frame(int32_t correlation_id, const std::string& topic, int32_t partition,
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
  codec::encode_request_frame(w, correlation_id, "ringtail-raw-test", 7, req);
  return w.release();
}

struct produce_result {
  int32_t correlation_id = -1;
  int16_t error = -1;
  int64_t base_offset = -1;
  std::string topic;
};

// Sends a Produce v7 and decodes the single partition's answer.
inline std::optional<produce_result> produce_raw(raw_connection& c, int32_t correlation_id, const std::string& topic,
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

}  // namespace ringtail::interop
