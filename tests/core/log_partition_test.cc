// partition_log on the simulated storage with a fake clock: append/read, rolls, indexes,
// the recent-append cache, timestamps, truncation, DeleteRecords, retention, flushes
// and recovery from injected faults.
#include <gtest/gtest.h>

#include "log_test_util.h"
#include "ringtail/core/log/sim_storage.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using namespace ringtail::testing::log_util;
using ringtail::testing::run_on_shards;

namespace {

const std::string& dir = sim_log_dir;
using fixture = log_fixture;

// Appends `n` single batches of `records` records; returns their base offsets.
io::task<std::vector<int64_t>> append_n(rlog::partition_log& l, rlog::fake_clock& clk, int n, int records,
                                        size_t value_bytes) {
  std::vector<int64_t> bases;
  for (int i = 0; i < n; ++i) {
    auto b = make_batch(records, value_bytes, clk.now_ms());
    auto r = co_await l.append(std::span(b), 3, std::nullopt);
    EXPECT_TRUE(r.has_value());
    if (r) bases.push_back(r->base_offset);
    clk.advance_ms(10);
  }
  co_return bases;
}

}  // namespace

TEST(PartitionLog, AppendAssignsOffsetsAndReadsBack) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    EXPECT_EQ(l->log_end_offset(), 0);
    auto b1 = make_batch(3, 10, 1000);
    auto b2 = make_batch(2, 10, 2000);
    std::vector<std::byte> both = b1;
    both.insert(both.end(), b2.begin(), b2.end());
    auto r = co_await l->append(std::span(both), 7, std::nullopt);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r->base_offset, 0);
    EXPECT_EQ(r->last_offset, 4);
    EXPECT_EQ(r->max_timestamp, 2001);
    EXPECT_EQ(l->log_end_offset(), 5);
    EXPECT_EQ(l->high_watermark(), 5);
    auto rd = co_await l->read(3, 1 << 20, INT64_MAX, true);
    EXPECT_TRUE(rd.has_value());
    auto bs = batches_of(flatten(*rd));
    EXPECT_EQ(bs.size(), 1u);  // the batch holding offset 3
    if (!bs.empty()) {
      EXPECT_EQ(bs[0].base_offset, 3);
      EXPECT_TRUE(bs[0].crc_ok);
      auto v = codec::record_batch_view::parse(bs[0].bytes);
      EXPECT_EQ(v->partition_leader_epoch(), 7);
    }
    EXPECT_TRUE(rd->from_cache);
    EXPECT_EQ(rd->next_offset, 5);
    auto end = co_await l->read(5, 1 << 20, INT64_MAX, true);
    EXPECT_TRUE(end.has_value() && end->chunks.empty());
    auto oor = co_await l->read(6, 1 << 20, INT64_MAX, true);
    EXPECT_FALSE(oor.has_value());
    if (!oor) { EXPECT_EQ(oor.error(), rlog::errc::offset_out_of_range); }
    auto bad = std::vector<std::byte>(10);
    auto inv = co_await l->append(std::span(bad), 0, std::nullopt);
    EXPECT_FALSE(inv.has_value());
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, RollsSegmentsAndReadsFromDiskWithByteBudget) {
  fixture f;
  f.cache.~recent_append_cache();
  new (&f.cache) rlog::recent_append_cache(0);  // no cache: every read goes to the segments
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    auto bases = co_await append_n(*l, f.clk, 200, 4, 100);  // ~ 200 * 530 B = 106 KB → several segments
    EXPECT_GT(l->segment_count(), 4u);
    EXPECT_TRUE(f.fs.has_file(dir + "/00000000000000000000.log"));
    EXPECT_TRUE(f.fs.has_file(dir + "/00000000000000000000.index"));
    EXPECT_TRUE(f.fs.has_file(dir + "/00000000000000000000.timeindex"));
    for (int64_t o = 0; o < 800; o += 37) {
      auto rd = co_await l->read(o, 2000, INT64_MAX, true);
      EXPECT_TRUE(rd.has_value());
      EXPECT_FALSE(rd->from_cache);
      auto bs = batches_of(flatten(*rd));
      EXPECT_FALSE(bs.empty());
      if (bs.empty()) continue;
      EXPECT_LE(bs.front().base_offset, o);
      EXPECT_GE(bs.front().last_offset, o);
      EXPECT_LE(rd->size_bytes, 2000u);
      for (size_t i = 1; i < bs.size(); ++i) EXPECT_EQ(bs[i].base_offset, bs[i - 1].last_offset + 1);
      for (auto& b : bs) EXPECT_TRUE(b.crc_ok);
    }
    // KIP-74: a budget smaller than one batch still returns that batch, unless asked not to.
    auto one = co_await l->read(10, 10, INT64_MAX, true);
    EXPECT_EQ(batches_of(flatten(*one)).size(), 1u);
    auto none = co_await l->read(10, 10, INT64_MAX, false);
    EXPECT_TRUE(none->chunks.empty());
    // The high watermark bound.
    auto hw = co_await l->read(0, 1 << 20, 8, true);
    auto hb = batches_of(flatten(*hw));
    EXPECT_FALSE(hb.empty());
    if (!hb.empty()) { EXPECT_LT(hb.back().last_offset, 8); }
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, CacheServesTailReadsAndIsBounded) {
  fixture f;
  f.cache.~recent_append_cache();
  new (&f.cache) rlog::recent_append_cache(8 * 1024);
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 100, 1, 200);
    EXPECT_LE(f.cache.size_bytes(), 8u * 1024);
    auto tail = co_await l->read(99, 1 << 20, INT64_MAX, true);
    EXPECT_TRUE(tail->from_cache);
    auto old = co_await l->read(0, 1 << 20, INT64_MAX, true);
    EXPECT_FALSE(old->from_cache);
    EXPECT_EQ(batches_of(flatten(*old)).front().base_offset, 0);
    // A chunk keeps its buffer alive after eviction.
    auto held = co_await l->read(99, 1 << 20, INT64_MAX, true);
    (void)co_await append_n(*l, f.clk, 100, 1, 200);
    auto bs = batches_of(flatten(*held));
    EXPECT_EQ(bs.size(), 1u);
    EXPECT_TRUE(bs[0].crc_ok);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, TimestampLookups) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    // Batches of 5 records; batch i has timestamps 1000*i .. 1000*i+4.
    for (int i = 0; i < 100; ++i) {
      auto b = make_batch(5, 50, 1000 * i);
      (void)co_await l->append(std::span(b), 0, std::nullopt);
    }
    auto a = co_await l->offset_for_timestamp(0);
    EXPECT_EQ((*a)->offset, 0);
    auto b = co_await l->offset_for_timestamp(42'003);
    EXPECT_EQ((*b)->offset, 42 * 5 + 3);
    EXPECT_EQ((*b)->timestamp, 42'003);
    auto c = co_await l->offset_for_timestamp(42'010);  // between batches → next batch's first
    EXPECT_EQ((*c)->offset, 43 * 5);
    auto d = co_await l->offset_for_timestamp(1'000'000);
    EXPECT_FALSE(d->has_value());
    auto m = co_await l->max_timestamp_offset();
    EXPECT_EQ((*m)->timestamp, 99'004);
    EXPECT_EQ((*m)->offset, 499);
    EXPECT_EQ(l->earliest_offset(), 0);
    EXPECT_EQ(l->latest_offset(), 500);
    // LogAppendTime stamps the batch.
    auto e = make_batch(2, 10, 5);
    auto r = co_await l->append(std::span(e), 0, int64_t{123'456'789});
    EXPECT_EQ(r->log_append_time_ms, 123'456'789);
    auto m2 = co_await l->max_timestamp_offset();
    EXPECT_EQ((*m2)->timestamp, 123'456'789);
    EXPECT_EQ((*m2)->offset, 500);
    EXPECT_TRUE((co_await l->close()).has_value());
    // Same answers after a clean reopen (indexes loaded from their files).
    auto l2 = co_await open_log(f);
    EXPECT_TRUE(l2->stats_at_open().clean);
    auto b2 = co_await l2->offset_for_timestamp(42'003);
    EXPECT_EQ((*b2)->offset, 213);
    auto m3 = co_await l2->max_timestamp_offset();
    EXPECT_EQ((*m3)->offset, 500);
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

TEST(PartitionLog, TruncateAndDeleteRecords) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 120, 2, 200);  // 240 offsets over several segments
    const size_t segs = l->segment_count();
    EXPECT_TRUE((co_await l->truncate_to(101)).has_value());  // mid-batch: the batch goes
    EXPECT_EQ(l->log_end_offset(), 100);
    EXPECT_LT(l->segment_count(), segs);
    auto rd = co_await l->read(98, 1 << 20, INT64_MAX, true);
    EXPECT_EQ(batches_of(flatten(*rd)).back().last_offset, 99);
    auto r = co_await append_n(*l, f.clk, 1, 2, 200);
    EXPECT_EQ(r[0], 100);
    auto lso = co_await l->delete_records_before(77);
    EXPECT_EQ(*lso, 77);
    EXPECT_EQ(l->log_start_offset(), 77);
    auto below = co_await l->read(10, 1 << 20, INT64_MAX, true);
    EXPECT_FALSE(below.has_value());
    auto beyond = co_await l->delete_records_before(1000);
    EXPECT_FALSE(beyond.has_value());
    EXPECT_TRUE((co_await l->close()).has_value());
    auto l2 = co_await open_log(f);
    EXPECT_EQ(l2->log_start_offset(), 77);
    EXPECT_EQ(l2->log_end_offset(), 102);
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

TEST(PartitionLog, RetentionByTimeAndSize) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    f.cfg.retention_ms = 60'000;
    auto l = co_await open_log(f);
    // 40 batches of ~1 KB at t0, then 40 more 2 minutes later.
    for (int i = 0; i < 40; ++i) {
      auto b = make_batch(1, 1000, f.clk.now_ms());
      (void)co_await l->append(std::span(b), 0, std::nullopt);
    }
    f.clk.advance_ms(120'000);
    for (int i = 0; i < 40; ++i) {
      auto b = make_batch(1, 1000, f.clk.now_ms());
      (void)co_await l->append(std::span(b), 0, std::nullopt);
    }
    const size_t before = l->segment_count();
    auto n = co_await l->apply_retention();
    EXPECT_TRUE(n.has_value());
    EXPECT_GT(*n, 0u);
    EXPECT_EQ(l->segment_count(), before - *n);
    // Only wholly expired segments went: the first offset left is at most 40.
    EXPECT_LE(l->log_start_offset(), 40);
    EXPECT_GT(l->log_start_offset(), 0);
    EXPECT_FALSE(f.fs.has_file(dir + "/00000000000000000000.log"));
    EXPECT_FALSE(f.fs.has_file(dir + "/00000000000000000000.log.deleted"));
    // Nothing else expires until time passes; then all but the active segment go.
    EXPECT_EQ(*(co_await l->apply_retention()), 0u);
    f.clk.advance_ms(120'000);
    (void)co_await l->apply_retention();
    EXPECT_EQ(l->segment_count(), 1u);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, RetentionBySize) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    f.cfg.retention_bytes = 40'000;
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 100, 1, 1000);  // ~107 KB
    (void)co_await l->apply_retention();
    EXPECT_LE(l->size_bytes(), 40'000u + 16 * 1024);
    EXPECT_GE(l->size_bytes(), 40'000u - 16 * 1024);
    EXPECT_GT(l->log_start_offset(), 0);
    auto rd = co_await l->read(l->log_start_offset(), 1 << 20, INT64_MAX, true);
    EXPECT_TRUE(rd.has_value());
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, RollsByTimeAndIndexSize) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    f.cfg.roll_ms = 1000;
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 3, 1, 10);
    EXPECT_EQ(l->segment_count(), 1u);
    f.clk.advance_ms(5000);
    (void)co_await append_n(*l, f.clk, 1, 1, 10);
    EXPECT_EQ(l->segment_count(), 2u);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
  fixture g;
  run_on_shards(1, [&]() -> io::task<void> {
    g.cfg.index_interval_bytes = 0;  // an entry per batch
    g.cfg.index_size_max_bytes = 80;  // 10 entries
    auto l = co_await open_log(g);
    (void)co_await append_n(*l, g.clk, 30, 1, 10);
    EXPECT_GE(l->segment_count(), 3u);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, FlushPolicyGroupCommitAndWaitFlushed) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    const uint64_t syncs0 = f.fs.syncs();
    (void)co_await append_n(*l, f.clk, 10, 1, 10);
    EXPECT_EQ(f.fs.syncs(), syncs0);  // default: page cache only
    EXPECT_EQ(l->flushed_offset(), 0);
    EXPECT_TRUE((co_await l->wait_flushed(5)).has_value());
    EXPECT_EQ(l->flushed_offset(), 10);  // one fdatasync covers every append before it
    EXPECT_EQ(f.fs.syncs(), syncs0 + 1);
    EXPECT_TRUE((co_await l->wait_flushed(10)).has_value());
    EXPECT_EQ(f.fs.syncs(), syncs0 + 1);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
  fixture g;
  run_on_shards(1, [&]() -> io::task<void> {
    g.cfg.flush_messages = 3;
    auto l = co_await open_log(g);
    (void)co_await append_n(*l, g.clk, 2, 1, 10);
    EXPECT_EQ(l->flushed_offset(), 0);
    (void)co_await append_n(*l, g.clk, 1, 1, 10);
    EXPECT_EQ(l->flushed_offset(), 3);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
  fixture h;
  run_on_shards(1, [&]() -> io::task<void> {
    h.cfg.flush_ms = 1'000'000;  // the timer runs but only the fake clock decides
    auto l = co_await open_log(h);
    (void)co_await append_n(*l, h.clk, 2, 1, 10);
    EXPECT_TRUE((co_await l->flush_if_due()).has_value());
    EXPECT_EQ(l->flushed_offset(), 0);
    h.clk.advance_ms(1'000'001);
    EXPECT_TRUE((co_await l->flush_if_due()).has_value());
    EXPECT_EQ(l->flushed_offset(), 2);
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, ConcurrentAppendsAreGroupedAndOrdered) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    f.cfg.flush_messages = 1;
    auto l = co_await open_log(f);
    const uint64_t syncs0 = f.fs.syncs();
    int done = 0;
    io::event ev;
    std::vector<int64_t> bases(32, -1);
    struct ctx {
      rlog::partition_log* l;
      int* done;
      io::event* ev;
      std::vector<int64_t>* bases;
    };
    auto one = [](ctx c, int i) -> io::task<void> {
      auto b = make_batch(1, 100, i);
      auto r = co_await c.l->append(std::span(b), 0, std::nullopt);
      EXPECT_TRUE(r.has_value());
      if (r) (*c.bases)[static_cast<size_t>(i)] = r->base_offset;
      if (++*c.done == 32) c.ev->notify_all();
    };
    for (int i = 0; i < 32; ++i) io::spawn(one(ctx{l.get(), &done, &ev, &bases}, i));
    while (done < 32) (void)co_await ev.wait();
    std::sort(bases.begin(), bases.end());
    for (int i = 0; i < 32; ++i) EXPECT_EQ(bases[static_cast<size_t>(i)], i);
    EXPECT_EQ(l->flushed_offset(), 32);
    EXPECT_LT(f.fs.syncs() - syncs0, 32u);  // group commit
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, CleanReopenSkipsRecovery) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 100, 2, 300);
    const int64_t leo = l->log_end_offset();
    const int64_t maxts = l->max_timestamp();
    EXPECT_TRUE((co_await l->close()).has_value());
    EXPECT_TRUE(f.fs.has_file(dir + "/.clean_shutdown"));
    auto l2 = co_await open_log(f);
    EXPECT_TRUE(l2->stats_at_open().clean);
    EXPECT_EQ(l2->stats_at_open().segments_recovered, 0u);
    EXPECT_EQ(l2->log_end_offset(), leo);
    EXPECT_EQ(l2->max_timestamp(), maxts);
    EXPECT_FALSE(f.fs.has_file(dir + "/.clean_shutdown"));
    (void)co_await append_n(*l2, f.clk, 1, 1, 10);
    EXPECT_EQ(l2->log_end_offset(), leo + 1);
    l2.reset();  // "crash": no close
    auto l3 = co_await open_log(f);
    EXPECT_FALSE(l3->stats_at_open().clean);
    EXPECT_GE(l3->stats_at_open().segments_recovered, 1u);
    EXPECT_EQ(l3->log_end_offset(), leo + 1);
    EXPECT_TRUE((co_await l3->close()).has_value());
  });
}

TEST(PartitionLog, RecoveryTruncatesTornAndCorruptTails) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    f.cfg.segment_bytes = 1 << 20;
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 10, 1, 100);
    EXPECT_TRUE((co_await l->flush()).has_value());
    (void)co_await append_n(*l, f.clk, 10, 1, 100);
    l.reset();
    const std::string seg = dir + "/00000000000000000000.log";
    const size_t size = f.fs.contents(seg).size();
    f.fs.cut(seg, size - 50);  // torn: the last batch is cut
    auto l2 = co_await open_log(f);
    EXPECT_EQ(l2->log_end_offset(), 19);
    EXPECT_GT(l2->stats_at_open().bytes_truncated, 0u);
    l2.reset();
    // A flipped byte inside batch 12 (past the first 10 batches): CRC fails, cut there.
    const size_t batch_bytes = size / 20;
    f.fs.flip_byte(seg, batch_bytes * 12 + 70);
    auto l3 = co_await open_log(f);
    EXPECT_EQ(l3->log_end_offset(), 12);
    auto rd = co_await l3->read(0, 1 << 20, INT64_MAX, true);
    for (auto& b : batches_of(flatten(*rd))) EXPECT_TRUE(b.crc_ok);
    (void)co_await append_n(*l3, f.clk, 1, 1, 100);
    EXPECT_EQ(l3->log_end_offset(), 13);
    EXPECT_TRUE((co_await l3->close()).has_value());
  });
}

TEST(PartitionLog, RebuildsMissingShortOrInconsistentIndexes) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 100, 1, 400);
    EXPECT_TRUE((co_await l->close()).has_value());
    const std::string idx = dir + "/00000000000000000000.index";
    const auto good = f.fs.contents(idx);
    EXPECT_GT(good.size(), 8u);
    // Short: the clean path notices the gap and rebuilds the same entries.
    f.fs.cut(idx, 8);
    auto l2 = co_await open_log(f);
    EXPECT_EQ(l2->stats_at_open().segments_recovered, 1u);
    EXPECT_TRUE((co_await l2->close()).has_value());
    EXPECT_EQ(f.fs.contents(idx), good);
    // Inconsistent: a position pointing into the middle of a batch.
    f.fs.flip_byte(idx, 7);
    auto l3 = co_await open_log(f);
    EXPECT_EQ(l3->stats_at_open().segments_recovered, 1u);
    EXPECT_TRUE((co_await l3->close()).has_value());
    EXPECT_EQ(f.fs.contents(idx), good);
    // Missing.
    const std::string d = idx;
    (void)co_await f.fs.unlink(d);
    auto l4 = co_await open_log(f);
    EXPECT_EQ(l4->stats_at_open().segments_recovered, 1u);
    auto rd = co_await l4->read(50, 1 << 20, INT64_MAX, true);
    EXPECT_EQ(batches_of(flatten(*rd)).front().base_offset, 50);
    EXPECT_TRUE((co_await l4->close()).has_value());
    EXPECT_EQ(f.fs.contents(idx), good);
  });
}

TEST(PartitionLog, WriteErrorsLeaveTheLogIntact) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 5, 1, 100);
    f.fs.fail_next_writes_no_space(1);
    auto b = make_batch(1, 100, 0);
    auto r = co_await l->append(std::span(b), 0, std::nullopt);
    EXPECT_FALSE(r.has_value());
    if (!r) { EXPECT_EQ(r.error(), rlog::errc::no_space); }
    f.fs.fail_next_short_writes(1);
    auto r2 = co_await l->append(std::span(b), 0, std::nullopt);
    EXPECT_FALSE(r2.has_value());
    if (!r2) { EXPECT_EQ(r2.error(), rlog::errc::storage_error); }
    auto r3 = co_await l->append(std::span(b), 0, std::nullopt);
    EXPECT_TRUE(r3.has_value());
    EXPECT_EQ(r3->base_offset, 5);  // no hole, no partial batch
    auto rd = co_await l->read(0, 1 << 20, INT64_MAX, true);
    auto bs = batches_of(flatten(*rd));
    EXPECT_EQ(bs.size(), 6u);
    f.fs.fail_next_syncs(1);
    auto fl = co_await l->flush();
    EXPECT_FALSE(fl.has_value());
    if (!fl) { EXPECT_EQ(fl.error(), rlog::errc::log_failed); }
    auto r4 = co_await l->append(std::span(b), 0, std::nullopt);  // fsyncgate: refuse until reopened
    EXPECT_FALSE(r4.has_value());
    EXPECT_FALSE((co_await l->close()).has_value());
    l.reset();
    auto l2 = co_await open_log(f);
    EXPECT_FALSE(l2->stats_at_open().clean);
    EXPECT_EQ(l2->log_end_offset(), 6);
    EXPECT_TRUE((co_await l2->close()).has_value());
  });
}

TEST(PartitionLog, ForEachBatchAndRemove) {
  fixture f;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    (void)co_await append_n(*l, f.clk, 60, 2, 300);
    std::vector<int64_t> seen;
    auto r = co_await l->for_each_batch(50, [&](const codec::record_batch_view& b) {
      seen.push_back(b.base_offset());
      return true;
    });
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(seen.size(), 35u);  // batches 50..51 … 118..119
    if (!seen.empty()) { EXPECT_EQ(seen.front(), 50); }
    EXPECT_TRUE((co_await l->remove()).has_value());
    EXPECT_FALSE(f.fs.has_file(dir + "/00000000000000000000.log"));
    auto ls = f.fs.list_directory(dir);
    EXPECT_FALSE(ls.has_value());
  });
}

namespace {

// Reads from `from` to the log end as a consumer does (each read from the last one's
// next offset); returns the batches and counts the read() calls.
io::task<std::vector<batch_info>> read_sequentially(rlog::partition_log& l, int64_t from, size_t max_bytes,
                                                    int* calls) {
  std::vector<batch_info> out;
  int64_t next = from;
  while (next < l.log_end_offset()) {
    auto rd = co_await l.read(next, max_bytes, INT64_MAX, true);
    ++*calls;
    EXPECT_TRUE(rd.has_value());
    if (!rd || rd->chunks.empty()) break;
    EXPECT_LE(rd->size_bytes, std::max<size_t>(max_bytes, rd->chunks.front().bytes.size()));
    for (auto& b : batches_of(flatten(*rd))) out.push_back(std::move(b));
    next = rd->next_offset;
  }
  co_return out;
}

}  // namespace

TEST(PartitionLog, SequentialReadsTakeOneFileReadEach) {
  rlog::log_config c = small_config();
  c.segment_bytes = 64 * 1024;
  fixture f(1, c);
  f.cache.~recent_append_cache();
  new (&f.cache) rlog::recent_append_cache(0);  // every read from the segments
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::mt19937_64 rng(3);
    std::vector<std::vector<std::byte>> appended;
    for (int i = 0; i < 300; ++i) {
      auto b = make_batch(static_cast<int>(rng() % 3) + 1, rng() % 1500, i);
      auto r = co_await l->append(std::span(b), 0, std::nullopt);
      EXPECT_TRUE(r.has_value());
      appended.push_back(b);
    }
    EXPECT_GT(l->segment_count(), 3u);
    for (const size_t budget : {size_t{6000}, size_t{20'000}}) {
      int calls = 0;
      const uint64_t reads0 = f.fs.reads();
      auto got = co_await read_sequentially(*l, 0, budget, &calls);
      EXPECT_EQ(got.size(), appended.size());
      for (size_t i = 0; i < std::min(got.size(), appended.size()); ++i) EXPECT_EQ(got[i].bytes, appended[i]);
      // One file read per call; a lookup (index + a scan read) only where a segment starts.
      EXPECT_LE(f.fs.reads() - reads0, static_cast<uint64_t>(calls) + l->segment_count() + 1) << "budget " << budget;
    }
    // After a truncation the remembered positions are forgotten: reads from the offsets
    // a consumer had reached return the new batches.
    int64_t cut = 0;
    for (size_t i = 0; i < 150; ++i) cut = batches_of(appended[i]).back().last_offset + 1;
    EXPECT_TRUE((co_await l->truncate_to(cut)).has_value());
    appended.resize(150);
    for (int i = 0; i < 100; ++i) {
      auto b = make_batch(static_cast<int>(rng() % 4) + 1, rng() % 900, 1000 + i, 0x33);
      auto r = co_await l->append(std::span(b), 0, std::nullopt);
      EXPECT_TRUE(r.has_value());
      appended.push_back(b);
    }
    int calls = 0;
    auto got = co_await read_sequentially(*l, 0, 6000, &calls);
    EXPECT_EQ(got.size(), appended.size());
    for (size_t i = 0; i < std::min(got.size(), appended.size()); ++i) {
      EXPECT_EQ(got[i].bytes, appended[i]) << "batch " << i;
      EXPECT_TRUE(got[i].crc_ok);
    }
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}

TEST(PartitionLog, SequentialReadOfABatchLargerThanTheBudget) {
  rlog::log_config c = small_config();
  c.segment_bytes = 1 << 20;
  fixture f(1, c);
  f.cache.~recent_append_cache();
  new (&f.cache) rlog::recent_append_cache(0);
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    auto small1 = make_batch(1, 100, 1);
    auto big = make_batch(2, 20'000, 2);
    auto small2 = make_batch(1, 100, 3);
    (void)co_await l->append(std::span(small1), 0, std::nullopt);
    (void)co_await l->append(std::span(big), 0, std::nullopt);
    (void)co_await l->append(std::span(small2), 0, std::nullopt);
    auto r1 = co_await l->read(0, 500, INT64_MAX, true);
    EXPECT_EQ(flatten(*r1), small1);
    EXPECT_EQ(r1->next_offset, 1);
    // The next read starts at a known position, but the batch there does not fit.
    auto r2 = co_await l->read(1, 500, INT64_MAX, false);
    EXPECT_TRUE(r2.has_value() && r2->chunks.empty());
    auto r3 = co_await l->read(1, 500, INT64_MAX, true);  // KIP-74: the whole batch anyway
    EXPECT_EQ(flatten(*r3), big);
    EXPECT_EQ(r3->next_offset, 3);
    auto r4 = co_await l->read(3, 500, INT64_MAX, true);
    EXPECT_EQ(flatten(*r4), small2);
    // A limit below the batch at a known position: nothing.
    auto r5 = co_await l->read(1, 1 << 20, 2, true);
    EXPECT_TRUE(r5.has_value() && r5->chunks.empty());
    EXPECT_TRUE((co_await l->close()).has_value());
  });
}
