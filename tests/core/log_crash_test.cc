// Real-process crash test: a child process (this test binary re-executed with
// --gtest_filter=LogCrashWriter.Run and RINGTAIL_LOG_CRASH_DIR set) appends to a log on
// the real io_uring storage with flush.messages=1 and prints "ACK <last offset>" after
// each append returns (flushed). The parent kills it with SIGKILL at random moments,
// reopens the log, and checks that every acknowledged offset is readable with an intact
// CRC and that the log has no holes; then the next child continues the same log.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "log_test_util.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using namespace ringtail::testing::log_util;
using ringtail::testing::run_on_shards;

namespace {

constexpr const char* dir_env = "RINGTAIL_LOG_CRASH_DIR";

rlog::log_config crash_config() {
  rlog::log_config c;
  c.segment_bytes = 256 * 1024;  // rolls happen during the run
  c.flush_messages = 1;
  c.retention_ms = -1;
  return c;
}

}  // namespace

// The child. Skipped unless started by LogCrash.KillNineKeepsFlushedOffsets.
TEST(LogCrashWriter, Run) {
  const char* d = std::getenv(dir_env);
  if (d == nullptr) GTEST_SKIP() << "helper of LogCrash.KillNineKeepsFlushedOffsets";
  const std::string dir = d;
  run_on_shards(1, [&]() -> io::task<void> {
    rlog::uring_storage fs;
    rlog::real_clock clk;
    rlog::recent_append_cache cache(1 << 20);
    const rlog::log_config cfg = crash_config();
    auto t = rlog::partition_log::open(dir, cfg, fs, clk, &cache);
    auto r = co_await std::move(t);
    if (!r) std::_Exit(3);
    auto& l = **r;
    std::mt19937_64 rng(static_cast<uint64_t>(getpid()));
    while (true) {
      const int records = static_cast<int>(rng() % 8) + 1;
      auto b = make_batch(records, rng() % 4000, clk.now_ms(), static_cast<uint8_t>(rng()));
      auto a = co_await l.append(std::span(b), 0, std::nullopt);
      if (!a) std::_Exit(4);
      char line[64];
      const int n = std::snprintf(line, sizeof line, "ACK %lld\n", static_cast<long long>(a->last_offset));
      if (::write(1, line, static_cast<size_t>(n)) != n) std::_Exit(5);
    }
  });
}

TEST(LogCrash, KillNineKeepsFlushedOffsets) {
  char tmpl[] = "/tmp/ringtail-log-crash-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/t-0";
  const uint64_t seed = test_seed();
  std::printf("LogCrash seed %llu (replay: RINGTAIL_TEST_SEED=%llu)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  int64_t acked = -1;
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      ::setenv(dir_env, dir.c_str(), 1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      ::execl("/proc/self/exe", "log_crash_writer", "--gtest_filter=LogCrashWriter.Run", static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    ::close(out[1]);
    // Kill after a random number of acknowledgements, or a random time, whichever first.
    const int64_t kill_after_acks = static_cast<int64_t>(rng() % 400) + 10;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200 + rng() % 1500);
    int64_t acks = 0;
    std::string pending;
    ::fcntl(out[0], F_SETFL, O_NONBLOCK);
    while (acks < kill_after_acks && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(10)) {
      char buf[4096];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n > 0) {
        pending.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          const std::string line = pending.substr(0, nl);
          pending.erase(0, nl + 1);
          if (line.rfind("ACK ", 0) == 0) {
            acked = std::max<int64_t>(acked, std::atoll(line.c_str() + 4));
            ++acks;
          }
        }
      } else if (n == 0) {
        break;  // the child died on its own
      } else {
        if (acks > 0 && std::chrono::steady_clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited with " << WEXITSTATUS(status);
    ASSERT_GT(acks, 0) << "the writer acknowledged nothing";

    // Reopen and verify: every acknowledged offset present, CRCs intact, no holes.
    run_on_shards(1, [&]() -> io::task<void> {
      rlog::uring_storage fs;
      rlog::real_clock clk;
      rlog::recent_append_cache cache(0);
      const rlog::log_config cfg = crash_config();
      auto t = rlog::partition_log::open(dir, cfg, fs, clk, &cache);
      auto r = co_await std::move(t);
      EXPECT_TRUE(r.has_value());
      if (!r) co_return;
      auto& l = **r;
      EXPECT_FALSE(l.stats_at_open().clean);
      std::printf("round %d: %lld acks, last acknowledged offset %lld, recovered log end %lld, %zu segments, "
                  "%llu torn bytes cut\n",
                  round, static_cast<long long>(acks), static_cast<long long>(acked),
                  static_cast<long long>(l.log_end_offset()), l.segment_count(),
                  static_cast<unsigned long long>(l.stats_at_open().bytes_truncated));
      EXPECT_GT(l.log_end_offset(), acked) << "round " << round;
      int64_t next = 0;
      while (next < l.log_end_offset()) {
        auto rd = co_await l.read(next, 1 << 20, INT64_MAX, true);
        EXPECT_TRUE(rd.has_value());
        if (!rd || rd->chunks.empty()) break;
        for (const auto& b : batches_of(flatten(*rd))) {
          EXPECT_EQ(b.base_offset, next) << "hole";
          EXPECT_TRUE(b.crc_ok) << "batch " << b.base_offset;
          next = b.last_offset + 1;
        }
      }
      EXPECT_EQ(next, l.log_end_offset());
      (void)co_await l.close();
    });
    if (::testing::Test::HasFailure()) break;
  }
  const std::string rm = std::string("rm -rf ") + tmpl;
  EXPECT_EQ(std::system(rm.c_str()), 0);
}
