// Bytes from real clients. A plain blocking listener on 127.0.0.1 accepts one connection
// from kcat (librdkafka 2.0.2) or kafka-python 2.0.2, reads the first request frames
// (the clients' version probes) and decodes them. Saved copies of those frames live in
// tests/codec/corpus/ and are decoded in every run, also where the clients are missing.
// Set RINGTAIL_CAPTURE_WRITE=1 to refresh the saved copies from a live capture.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ringtail/codec/messages.h"
#include "support/files.h"

extern char** environ;

namespace ringtail::codec {
namespace {

namespace fs = std::filesystem;
using ringtail::testing::read_file_bytes;
constexpr int capture_timeout_ms = 10000;
constexpr int32_t frame_size_max_bytes = 1 << 20;

fs::path corpus_dir() { return fs::path(__FILE__).parent_path() / "corpus"; }

void write_file(const fs::path& p, const std::vector<std::byte>& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// A listener on an ephemeral port, a child process, and the frames it sends first.
class capture {
 public:
  capture() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    if (::listen(listen_fd_, 4) != 0) return;
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~capture() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (conn_fd_ >= 0) ::close(conn_fd_);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  int port() const { return port_; }

  bool spawn(std::vector<std::string> argv) {
    std::vector<char*> args;
    for (auto& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    const int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0;
  }

  // Reads `n` whole frames (4-byte size prefix included) from the first connection.
  std::vector<std::vector<std::byte>> frames(int n) {
    std::vector<std::vector<std::byte>> out;
    if (!wait_readable(listen_fd_)) return out;
    conn_fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn_fd_ < 0) return out;
    for (int i = 0; i < n; ++i) {
      std::vector<std::byte> size(4);
      if (!read_exact(size.data(), 4)) return out;
      reader r(size);
      int32_t len = 0;
      if (!r.read_int32(len) || len < 0 || len > frame_size_max_bytes) return out;
      std::vector<std::byte> frame(4 + static_cast<size_t>(len));
      std::memcpy(frame.data(), size.data(), 4);
      if (!read_exact(frame.data() + 4, static_cast<size_t>(len))) return out;
      out.push_back(std::move(frame));
    }
    return out;
  }

 private:
  static bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, capture_timeout_ms) == 1;
  }
  bool read_exact(std::byte* p, size_t n) {
    while (n > 0) {
      if (!wait_readable(conn_fd_)) return false;
      const ssize_t got = ::read(conn_fd_, p, n);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  int listen_fd_ = -1;
  int conn_fd_ = -1;
  int port_ = 0;
  pid_t pid_ = -1;
};

struct decoded {
  request_header header;
  request_body body;
};

// Decodes one frame (with its size prefix) completely.
decoded decode_frame(const std::vector<std::byte>& frame) {
  reader r(frame);
  int32_t size = 0;
  EXPECT_TRUE(r.read_int32(size));
  EXPECT_EQ(static_cast<size_t>(size), r.remaining());
  auto h = decode_request_header(r);
  EXPECT_TRUE(h);
  if (!h) return {};
  auto body = decode_request_body(r, h->request_api_key, h->request_api_version);
  EXPECT_TRUE(body) << "failed at field " << r.error_field();
  EXPECT_TRUE(r.empty()) << r.remaining() << " bytes left";
  if (!body) return {*h, {}};
  return {*h, *body};
}

void check_kcat_api_versions(const std::vector<std::byte>& frame) {
  const auto d = decode_frame(frame);
  EXPECT_EQ(d.header.request_api_key, 18);
  EXPECT_EQ(d.header.request_api_version, 3);
  EXPECT_FALSE(d.header.client_id.empty());
  ASSERT_TRUE(std::holds_alternative<api_versions_request>(d.body));
  const auto& req = std::get<api_versions_request>(d.body);
  EXPECT_EQ(req.client_software_name, "librdkafka");
  EXPECT_EQ(req.client_software_version, "2.0.2");
}

void check_kafka_python_probe(const std::vector<std::byte>& a, const std::vector<std::byte>& b) {
  const auto d1 = decode_frame(a);
  EXPECT_EQ(d1.header.request_api_key, 18);
  EXPECT_EQ(d1.header.request_api_version, 0);
  EXPECT_TRUE(std::holds_alternative<api_versions_request>(d1.body));
  const auto d2 = decode_frame(b);
  EXPECT_EQ(d2.header.request_api_key, 3);
  EXPECT_EQ(d2.header.request_api_version, 0);
  ASSERT_TRUE(std::holds_alternative<metadata_request>(d2.body));
  const auto& md = std::get<metadata_request>(d2.body);
  ASSERT_TRUE(md.topics.has_value());
  EXPECT_TRUE(md.topics->empty()) << "v0: empty topic list = all topics";
  EXPECT_EQ(d2.header.correlation_id, d1.header.correlation_id + 1);
}

bool refresh_fixtures() { return std::getenv("RINGTAIL_CAPTURE_WRITE") != nullptr; }

TEST(messages_capture, kcat_api_versions_v3_live) {
  if (!fs::exists("/usr/bin/kcat")) GTEST_SKIP() << "kcat not installed";
  capture c;
  ASSERT_GT(c.port(), 0);
  ASSERT_TRUE(c.spawn({"/usr/bin/kcat", "-b", "127.0.0.1:" + std::to_string(c.port()), "-L", "-m", "2"}));
  auto frames = c.frames(1);
  ASSERT_EQ(frames.size(), 1u);
  check_kcat_api_versions(frames[0]);
  if (refresh_fixtures()) write_file(corpus_dir() / "kcat_api_versions_v3.bin", frames[0]);
}

TEST(messages_capture, kafka_python_probe_live) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  capture c;
  ASSERT_GT(c.port(), 0);
  // check_version() pipelines ApiVersions v0 and Metadata v0 on one connection.
  const std::string script =
      "from kafka import KafkaClient\n"
      "KafkaClient(bootstrap_servers='127.0.0.1:" + std::to_string(c.port()) +
      "', api_version_auto_timeout_ms=5000).check_version()\n";
  ASSERT_TRUE(c.spawn({"/usr/bin/python3", "-c", script}));
  auto frames = c.frames(2);
  if (frames.empty()) GTEST_SKIP() << "kafka-python did not connect (python3-kafka missing?)";
  ASSERT_EQ(frames.size(), 2u);
  check_kafka_python_probe(frames[0], frames[1]);
  if (refresh_fixtures()) {
    write_file(corpus_dir() / "kafka_python_api_versions_v0.bin", frames[0]);
    write_file(corpus_dir() / "kafka_python_metadata_v0.bin", frames[1]);
  }
}

TEST(messages_capture, saved_client_frames_decode) {
  const auto kcat = read_file_bytes(corpus_dir() / "kcat_api_versions_v3.bin");
  ASSERT_FALSE(kcat.empty());
  check_kcat_api_versions(kcat);
  const auto a = read_file_bytes(corpus_dir() / "kafka_python_api_versions_v0.bin");
  const auto b = read_file_bytes(corpus_dir() / "kafka_python_metadata_v0.bin");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  check_kafka_python_probe(a, b);
}

}  // namespace
}  // namespace ringtail::codec
