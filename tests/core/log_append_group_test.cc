// Grouped (coalesced) appends: concurrent appends to one partition log go out together
// in one write, complete in order, and a failed or short write fails exactly the appends
// it held — no hole, no partial batch, nothing of them readable or recovered. On the
// simulated storage with a fake clock; the randomised test prints its seed
// (RINGTAIL_TEST_SEED=<seed> replays it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "log_test_util.h"
#include "ringtail/core/log/sim_storage.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using namespace ringtail::testing::log_util;
using ringtail::testing::run_on_shards;

namespace {

const std::string& dir = sim_log_dir;

rlog::log_config big_segment_config() {
  rlog::log_config c = small_config();
  c.segment_bytes = 1 << 20;
  return c;
}

// Segments big enough that groups rarely straddle a roll, unless a test asks otherwise.
struct fixture : log_fixture {
  explicit fixture(uint64_t seed = 1, rlog::log_config c = big_segment_config()) : log_fixture(seed, c) {}
};

// Resumes on the shard's next pass.
struct next_pass {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { io::local().schedule(h); }
  void await_resume() const noexcept {}
};

// One concurrent append: its bytes (patched in place by the log) and its outcome.
struct one_append {
  std::vector<std::byte> bytes;
  int records = 0;
  std::optional<rlog::result<rlog::append_result>> out;
};

struct appends_in_flight {
  rlog::partition_log* log = nullptr;
  size_t running = 0;
  io::event finished;
};

io::task<void> append_one(appends_in_flight* g, one_append* a) {
  auto r = co_await g->log->append(std::span(a->bytes), 1, std::nullopt);
  a->out = std::move(r);
  if (--g->running == 0) g->finished.notify_all();
}

// Starts every append of `batch` in the same pass (so they queue together), optionally
// letting `stagger` passes go by between consecutive ones, and waits for all.
io::task<void> append_concurrently(rlog::partition_log& l, std::vector<one_append>& batch, int stagger = 0) {
  appends_in_flight g;
  g.log = &l;
  g.running = batch.size();
  for (auto& a : batch) {
    io::spawn(append_one(&g, &a));
    for (int i = 0; i < stagger; ++i) {
      next_pass np;
      co_await np;
    }
  }
  while (g.running > 0) (void)co_await g.finished.wait();
}

std::vector<one_append> make_appends(size_t n, std::mt19937_64& rng, int64_t ts) {
  std::vector<one_append> out(n);
  for (auto& a : out) {
    a.records = static_cast<int>(rng() % 4) + 1;
    a.bytes = make_batch(a.records, rng() % 600, ts, static_cast<uint8_t>(rng()));
  }
  return out;
}

// Reads the whole log from `from` (sequentially, as a consumer would) and returns its batches.
io::task<std::vector<batch_info>> read_all(rlog::partition_log& l, int64_t from, size_t max_bytes) {
  std::vector<batch_info> out;
  int64_t next = from;
  while (next < l.log_end_offset()) {
    auto rd = co_await l.read(next, max_bytes, INT64_MAX, true);
    EXPECT_TRUE(rd.has_value());
    if (!rd || rd->chunks.empty()) break;
    for (auto& b : batches_of(flatten(*rd))) out.push_back(std::move(b));
    next = rd->next_offset;
  }
  co_return out;
}

}  // namespace

TEST(PartitionLogGroupedAppend, ConcurrentAppendsShareOneWriteInArrivalOrder) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::mt19937_64 rng(7);
    auto batch = make_appends(20, rng, 1000);
    const uint64_t writes0 = f.fs.writes();
    co_await append_concurrently(*l, batch);
    EXPECT_EQ(f.fs.writes() - writes0, 1u) << "20 appends queued together: one writev";
    EXPECT_EQ(l->append_counters().writes, 1u);
    EXPECT_EQ(l->append_counters().appends, 20u);
    // Offsets in arrival order, dense.
    int64_t next = 0;
    for (auto& a : batch) {
      EXPECT_TRUE(a.out && a.out->has_value());
      if (!a.out || !*a.out) continue;
      EXPECT_EQ((*a.out)->base_offset, next);
      EXPECT_EQ((*a.out)->last_offset, next + a.records - 1);
      next += a.records;
    }
    EXPECT_EQ(l->log_end_offset(), next);
    // The same bytes from the cache and, after a clean reopen without cache, from disk.
    auto got = co_await read_all(*l, 0, 1 << 20);
    EXPECT_EQ(got.size(), batch.size());
    for (size_t i = 0; i < std::min(got.size(), batch.size()); ++i) EXPECT_EQ(got[i].bytes, batch[i].bytes);
    EXPECT_TRUE((co_await l->close()).has_value());
    f.cache.~recent_append_cache();
    new (&f.cache) rlog::recent_append_cache(0);
    auto l2 = co_await open_log(f);
    auto disk = co_await read_all(*l2, 0, 1000);
    EXPECT_EQ(disk.size(), batch.size());
    for (size_t i = 0; i < std::min(disk.size(), batch.size()); ++i) {
      EXPECT_EQ(disk[i].bytes, batch[i].bytes);
      EXPECT_TRUE(disk[i].crc_ok);
    }
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

TEST(PartitionLogGroupedAppend, AppendsArrivingDuringAWriteGoInTheNext) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::mt19937_64 rng(8);
    // Staggered by two passes each: every append arrives while the previous write is in
    // flight (a simulated write takes one pass).
    auto batch = make_appends(12, rng, 1000);
    co_await append_concurrently(*l, batch, 2);
    int64_t next = 0;
    for (auto& a : batch) {
      EXPECT_TRUE(a.out && a.out->has_value());
      if (!a.out || !*a.out) continue;
      EXPECT_EQ((*a.out)->base_offset, next);
      next += a.records;
    }
    EXPECT_GT(l->append_counters().writes, 1u);
    EXPECT_EQ(l->append_counters().appends, 12u);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLogGroupedAppend, AFailedWriteFailsExactlyItsAppends) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::mt19937_64 rng(9);
    const std::string seg = dir + "/00000000000000000000.log";
    auto first = make_appends(5, rng, 1000);
    co_await append_concurrently(*l, first);
    const int64_t leo = l->log_end_offset();
    const auto file_before = f.fs.contents(seg);
    // A short write of a group of 7: all 7 fail, the partial bytes are cut off.
    f.fs.fail_next_short_writes(1);
    auto torn = make_appends(7, rng, 2000);
    co_await append_concurrently(*l, torn);
    for (auto& a : torn) {
      EXPECT_TRUE(a.out && !a.out->has_value());
      if (a.out && !*a.out) { EXPECT_EQ(a.out->error(), rlog::errc::storage_error); }
    }
    EXPECT_EQ(l->log_end_offset(), leo);
    EXPECT_EQ(f.fs.contents(seg), file_before) << "no partial batch left behind";
    // ENOSPC on a group of 3: all 3 fail.
    f.fs.fail_next_writes_no_space(1);
    auto full = make_appends(3, rng, 3000);
    co_await append_concurrently(*l, full);
    for (auto& a : full) {
      EXPECT_TRUE(a.out && !a.out->has_value());
      if (a.out && !*a.out) { EXPECT_EQ(a.out->error(), rlog::errc::no_space); }
    }
    EXPECT_EQ(f.fs.contents(seg), file_before);
    // Appends arriving while a failing write is in flight are not part of it: they
    // are written next, with the offsets the failed ones had.
    f.fs.fail_next_short_writes(1);
    auto failing = make_appends(4, rng, 3500);
    auto behind = make_appends(3, rng, 3600);
    {
      appends_in_flight g;
      g.log = l.get();
      g.running = failing.size() + behind.size();
      for (auto& a : failing) io::spawn(append_one(&g, &a));
      next_pass np1;
      co_await np1;  // queued; the writer takes them on the next pass
      next_pass np2;
      co_await np2;  // their write is in flight now
      for (auto& a : behind) io::spawn(append_one(&g, &a));
      while (g.running > 0) (void)co_await g.finished.wait();
    }
    int64_t next = leo;
    for (auto& a : failing) {
      EXPECT_TRUE(a.out && !a.out->has_value());
    }
    for (auto& a : behind) {
      EXPECT_TRUE(a.out && a.out->has_value());
      if (!a.out || !*a.out) continue;
      EXPECT_EQ((*a.out)->base_offset, next);
      next += a.records;
    }
    // The next group continues from there: no hole.
    auto last = make_appends(4, rng, 4000);
    co_await append_concurrently(*l, last);
    for (auto& a : last) {
      EXPECT_TRUE(a.out && a.out->has_value());
      if (!a.out || !*a.out) continue;
      EXPECT_EQ((*a.out)->base_offset, next);
      next += a.records;
    }
    std::vector<one_append*> kept;
    for (auto& a : first) kept.push_back(&a);
    for (auto& a : behind) kept.push_back(&a);
    for (auto& a : last) kept.push_back(&a);
    auto got = co_await read_all(*l, 0, 1 << 20);
    EXPECT_EQ(got.size(), kept.size());
    for (size_t i = 0; i < std::min(got.size(), kept.size()); ++i) EXPECT_EQ(got[i].bytes, kept[i]->bytes);
    // Durable and recovered the same way after a power cut.
    EXPECT_TRUE((co_await l->flush()).has_value());
    l.reset();
    f.fs.crash();
    auto l2 = co_await open_log(f);
    EXPECT_EQ(l2->log_end_offset(), next);
    auto again = co_await read_all(*l2, 0, 700);
    EXPECT_EQ(again.size(), kept.size());
    for (size_t i = 0; i < std::min(again.size(), kept.size()); ++i) {
      EXPECT_EQ(again[i].bytes, kept[i]->bytes);
      EXPECT_TRUE(again[i].crc_ok);
    }
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

TEST(PartitionLogGroupedAppend, AppendsQueuedBehindCloseFailClosed) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::mt19937_64 rng(10);
    auto batch = make_appends(6, rng, 1000);
    appends_in_flight g;
    g.log = l.get();
    g.running = batch.size();
    for (auto& a : batch) io::spawn(append_one(&g, &a));
    next_pass np;
    co_await np;  // they are queued now, their writer not yet started
    // close() waits for the appends already queued, then refuses the rest.
    EXPECT_TRUE((co_await l->close()).has_value());
    while (g.running > 0) (void)co_await g.finished.wait();
    int64_t next = 0;
    for (auto& a : batch) {
      EXPECT_TRUE(a.out.has_value());
      if (!a.out) continue;
      if (*a.out) {
        EXPECT_EQ((*a.out)->base_offset, next);
        next += a.records;
      } else {
        EXPECT_EQ(a.out->error(), rlog::errc::closed);
      }
    }
    auto l2 = co_await open_log(f);
    EXPECT_EQ(l2->log_end_offset(), next);
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

// Random rounds of concurrent appends with injected short writes and ENOSPC (on the log
// and on the index/checkpoint writes of rolls in the middle of a group), truncations and
// crashes: the log always holds exactly the appends that succeeded, densely, in offset
// order, and recovers them.
TEST(PartitionLogGroupedAppend, RandomGroupsWithFaultsLeaveNoHoles) {
  const uint64_t base_seed = test_seed();
  int failed_appends = 0;  // over all seeds: the faults did hit
  for (uint64_t i = 0; i < 3; ++i) {
    const uint64_t seed = base_seed + i;
    std::printf("PartitionLogGroupedAppend seed %llu (replay: RINGTAIL_TEST_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    SCOPED_TRACE("seed " + std::to_string(seed));
    rlog::log_config cfg = small_config();
    cfg.segment_bytes = 6 * 1024;  // rolls inside groups
    fixture f(seed, cfg);
    f.cache.~recent_append_cache();
    new (&f.cache) rlog::recent_append_cache(8 * 1024);  // most reads go to the segments
    run_on_shards(1, [&]() -> io::task<void> {
      std::mt19937_64 rng(seed);
      auto l = co_await open_log(f);
      std::vector<std::vector<std::byte>> model;  // batches, in offset order
      std::vector<int> model_records;
      int64_t model_end = 0;
      uint64_t writes = 0, appends = 0;  // over every incarnation of the log
      for (int round = 0; round < 60 && !::testing::Test::HasFailure(); ++round) {
        rlog::sim_faults faults;
        faults.short_write_probability = rng() % 4 == 0 ? 0.15 : 0;
        faults.no_space_probability = rng() % 4 == 0 ? 0.1 : 0;
        f.fs.set_faults(faults);
        auto batch = make_appends(1 + rng() % 24, rng, 1000 + round);
        co_await append_concurrently(*l, batch, rng() % 3 == 0 ? static_cast<int>(rng() % 3) : 0);
        f.fs.set_faults(rlog::sim_faults{});
        // Successes, by offset: dense from the previous end.
        std::vector<one_append*> ok;
        for (auto& a : batch) {
          EXPECT_TRUE(a.out.has_value());
          if (!a.out) continue;
          if (*a.out) {
            ok.push_back(&a);
          } else {
            ++failed_appends;
            const rlog::errc e = a.out->error();
            EXPECT_TRUE(e == rlog::errc::storage_error || e == rlog::errc::no_space) << rlog::to_string(e);
          }
        }
        std::sort(ok.begin(), ok.end(), [](auto* x, auto* y) { return (*x->out)->base_offset < (*y->out)->base_offset; });
        for (one_append* a : ok) {
          EXPECT_EQ((*a->out)->base_offset, model_end) << "hole or overlap, round " << round;
          model_end = (*a->out)->last_offset + 1;
          model.push_back(a->bytes);
          model_records.push_back(a->records);
        }
        EXPECT_EQ(l->log_end_offset(), model_end) << "round " << round;
        const int64_t action = static_cast<int64_t>(rng() % 10);
        if (action == 0 && !model.empty()) {
          // Truncate to a batch boundary: later appends take those offsets again.
          const size_t keep = rng() % model.size();
          int64_t to = 0;
          for (size_t k = 0; k < keep; ++k) to += model_records[k];
          EXPECT_TRUE((co_await l->truncate_to(to)).has_value());
          model.resize(keep);
          model_records.resize(keep);
          model_end = to;
        } else if (action == 1) {
          EXPECT_TRUE((co_await l->flush()).has_value());
          writes += l->append_counters().writes;
          appends += l->append_counters().appends;
          l.reset();
          f.fs.crash();  // everything was flushed: nothing may be lost or torn
          l = co_await open_log(f);
          if (!l) co_return;
        }
        if (round % 10 == 9 || action == 1) {
          auto got = co_await read_all(*l, 0, 1 + rng() % 5000);
          EXPECT_EQ(got.size(), model.size()) << "round " << round;
          for (size_t k = 0; k < std::min(got.size(), model.size()); ++k) {
            EXPECT_EQ(got[k].bytes, model[k]) << "batch " << k << ", round " << round;
            EXPECT_TRUE(got[k].crc_ok);
          }
        }
      }
      writes += l->append_counters().writes;
      appends += l->append_counters().appends;
      EXPECT_LT(writes, appends) << "appends were grouped";
      EXPECT_TRUE((co_await l->close()).has_value());
    });
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(failed_appends, 0);
}
