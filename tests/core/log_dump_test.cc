// `ringtail dump-log` on a real segment written through uring_storage: a clean segment
// and its indexes verify; a damaged index entry and a torn .log tail are reported.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "log_test_util.h"
#include "support/files.h"
#include "ringtail/core/log/dump_log.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using namespace ringtail::testing::log_util;
using ringtail::testing::run_on_shards;

namespace {
int dump_quietly(const std::vector<std::string>& args) {
  std::fflush(stdout);
  const int saved = ::dup(1);
  const int devnull = ::open("/dev/null", O_WRONLY);
  ::dup2(devnull, 1);
  const int rc = rlog::run_dump_log_command(args);
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  ::close(devnull);
  return rc;
}
}  // namespace

TEST(DumpLog, VerifiesSegmentsAndReportsDamage) {
  ringtail::testing::temp_dir tmp("ringtail-dump");
  const std::string dir = (tmp.path() / "t-0").string();
  run_on_shards(1, [&]() -> io::task<void> {
    uring_log_fixture f;
    auto l = co_await open_log(f, dir);
    if (!l) co_return;
    for (int i = 0; i < 20; ++i) {
      auto b = make_batch(3, 200, 1000 + i * 10);
      auto a = co_await l->append(std::span(b), 0, std::nullopt);
      EXPECT_TRUE(a.has_value());
    }
    EXPECT_TRUE((co_await l->close()).has_value());
  });
  const std::string stem = dir + "/00000000000000000000";
  EXPECT_EQ(dump_quietly({"--files", stem + ".log," + stem + ".index," + stem + ".timeindex", "--print-data-log"}), 0);
  EXPECT_EQ(dump_quietly({"--files", stem + ".index", "--verify-index-only"}), 0);
  EXPECT_EQ(dump_quietly({"--bogus"}), 2);
  // Damage the second index entry's position, then tear the log's tail.
  const int fd = ::open((stem + ".index").c_str(), O_WRONLY);
  const unsigned char garbage[4] = {0, 0, 0, 3};
  EXPECT_EQ(::pwrite(fd, garbage, 4, 12), 4);
  ::close(fd);
  EXPECT_EQ(dump_quietly({"--files", stem + ".index", "--verify-index-only"}), 1);
  const int lf = ::open((stem + ".log").c_str(), O_WRONLY);
  const off_t size = ::lseek(lf, 0, SEEK_END);
  // Zeros after the last batch (an active segment's prepared space, or what a crash
  // leaves of it) are not damage; a torn batch is.
  EXPECT_EQ(::ftruncate(lf, size + 100000), 0);
  EXPECT_EQ(dump_quietly({"--files", stem + ".log"}), 0);
  EXPECT_EQ(::ftruncate(lf, size - 10), 0);
  ::close(lf);
  EXPECT_EQ(dump_quietly({"--files", stem + ".log"}), 1);
}
