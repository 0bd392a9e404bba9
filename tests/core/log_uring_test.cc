// The partition log on the production uring_storage, whose segment .log files are
// appended through io::tail_map: a file is longer than its batches (zeros prepared
// ahead) only while it is the active segment; rolled and cleanly closed segments end
// at their last batch; after a crash recovery cuts the zeros, and every batch is back.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "log_test_util.h"
#include "support/files.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using namespace ringtail::testing::log_util;
using ringtail::testing::run_on_shards;

namespace {

// A partition directory inside a temporary directory.
struct log_dir {
  ringtail::testing::temp_dir root{"ringtail-uring-log"};
  std::string dir = (root.path() / "t-0").string();
};

rlog::log_config config() {
  rlog::log_config c = small_config();
  c.segment_bytes = 1 << 20;
  c.index_size_max_bytes = 1 << 20;
  return c;
}

// Bytes of whole batches at the start of `path`, and the file's size.
std::pair<uint64_t, uint64_t> batch_bytes_and_size(const std::string& path) {
  const auto bytes = ringtail::testing::read_file_bytes(path);
  codec::record_batch_reader r(bytes);
  while (true) {
    auto b = r.next();
    if (!b || !*b) break;
  }
  return {r.position(), bytes.size()};
}

std::vector<std::string> segment_logs(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Appends `n` batches of 3 records of `value_bytes`; returns the log end offset.
io::task<int64_t> append_batches(rlog::partition_log& log, int n, size_t value_bytes) {
  for (int i = 0; i < n; ++i) {
    auto b = make_batch(3, value_bytes, 1000 + i, static_cast<uint8_t>('a' + i % 26));
    auto a = co_await log.append(std::span(b), 0, std::nullopt);
    EXPECT_TRUE(a.has_value());
  }
  co_return log.log_end_offset();
}

// Reads the whole log back; the offsets must run 0..end-1 with no hole and valid CRCs.
io::task<void> expect_offsets_up_to(rlog::partition_log& log, int64_t end) {
  int64_t next = 0;
  while (next < end) {
    auto r = co_await log.read(next, 1 << 20, INT64_MAX, true);
    EXPECT_TRUE(r.has_value());
    if (!r) co_return;
    const auto batches = batches_of(flatten(*r));
    EXPECT_FALSE(batches.empty());
    if (batches.empty()) co_return;
    for (const auto& b : batches) {
      EXPECT_EQ(b.base_offset, next);
      EXPECT_TRUE(b.crc_ok);
      next = b.last_offset + 1;
    }
  }
  EXPECT_EQ(next, end);
}

}  // namespace

TEST(UringLog, OnlyTheActiveSegmentCarriesPreparedZerosAndCloseTrimsIt) {
  log_dir t;
  run_on_shards(1, [&]() -> io::task<void> {
    uring_log_fixture f(config());
    auto l = co_await open_log(f, t.dir);
    if (!l) co_return;
    auto& log = *l;
    const int64_t end = co_await append_batches(log, 900, 1000);  // ~2.7 MiB: two rolls
    const auto logs = segment_logs(t.dir);
    EXPECT_GE(logs.size(), 3u);
    uint64_t all_batches = 0;
    for (size_t i = 0; i < logs.size(); ++i) {
      const auto [batches, size] = batch_bytes_and_size(logs[i]);
      all_batches += batches;
      if (i + 1 < logs.size()) {
        EXPECT_EQ(size, batches) << logs[i] << ": a rolled segment ends at its last batch";
      } else {
        EXPECT_GT(size, batches) << logs[i] << ": the active segment has zeros prepared ahead";
      }
    }
    EXPECT_EQ(all_batches, log.size_bytes());
    co_await expect_offsets_up_to(log, end);
    EXPECT_TRUE((co_await log.close()).has_value());
    for (const auto& p : segment_logs(t.dir)) {
      const auto [batches, size] = batch_bytes_and_size(p);
      EXPECT_EQ(size, batches) << p << ": closed cleanly";
    }
    // Clean reopen: no recovery, same end, appends continue after the old tail.
    l = co_await open_log(f, t.dir);
    if (!l) co_return;
    EXPECT_TRUE(l->stats_at_open().clean);
    EXPECT_EQ(l->log_end_offset(), end);
    const int64_t end2 = co_await append_batches(*l, 50, 1000);
    co_await expect_offsets_up_to(*l, end2);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(UringLog, ZerosLeftByACrashAreCutByRecoveryAndEveryBatchIsBack) {
  log_dir t;
  int64_t end = 0;
  run_on_shards(1, [&]() -> io::task<void> {
    uring_log_fixture f(config());
    auto l = co_await open_log(f, t.dir);
    if (!l) co_return;
    end = co_await append_batches(*l, 120, 2000);
    // A crash: the log is dropped without close(); its bytes are in the page cache, as
    // after kill -9, and the active segment's prepared zeros stay in the file.
    l.reset();
  });
  const auto logs = segment_logs(t.dir);
  ASSERT_FALSE(logs.empty());
  const auto [batches, size] = batch_bytes_and_size(logs.back());
  ASSERT_GT(size, batches);
  run_on_shards(1, [&]() -> io::task<void> {
    uring_log_fixture f(config());
    auto l = co_await open_log(f, t.dir);
    if (!l) co_return;
    const auto& st = l->stats_at_open();
    EXPECT_FALSE(st.clean);
    EXPECT_EQ(st.bytes_truncated, size - batches);
    EXPECT_EQ(st.segments_dropped, 0u);
    EXPECT_EQ(l->log_end_offset(), end);
    co_await expect_offsets_up_to(*l, end);
    const int64_t end2 = co_await append_batches(*l, 40, 2000);
    co_await expect_offsets_up_to(*l, end2);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
  const auto [b2, s2] = batch_bytes_and_size(logs.back());
  EXPECT_EQ(s2, b2);
}
