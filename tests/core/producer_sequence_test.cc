// Idempotent sequences are checked where the log gives a batch its offsets
// (sequence_admission, a log::append_admission): in offset order, against exactly the
// batches before it in the log, however many appends are queued behind it. A write
// that fails takes its batches back before any later batch is checked, so a batch
// queued behind a failed one is OUT_OF_ORDER_SEQUENCE_NUMBER (the producer retries in
// order) rather than written after a hole. On the simulated storage, deterministic.
#include <gtest/gtest.h>

#include <deque>
#include <memory>

#include "log_test_util.h"
#include "ringtail/core/broker/producer_state.h"
#include "ringtail/core/log/sim_storage.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "support/run.h"

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
using ringtail::codec::error_code;
using ringtail::core::producer_state;
using ringtail::core::sequence_admission;
using namespace ringtail::testing::log_util;
using ringtail::testing::next_pass;
using ringtail::testing::run_on_shards;

namespace {

constexpr int64_t producer_id = 4000;
constexpr int16_t epoch = 0;

// One idempotent batch of `records` records starting at `seq`, on its way through the log.
struct produced {
  produced(producer_state& ps, int seq, int records)
      : admission(ps, producer_id, epoch, seq, seq + records - 1) {
    ringtail::codec::record_batch_builder b;
    b.set_producer(producer_id, epoch, seq);
    for (int i = 0; i < records; ++i) {
      const std::string v = "v" + std::to_string(seq + i);
      b.append(1000 + seq + i, std::nullopt, std::as_bytes(std::span(v.data(), v.size())));
    }
    auto done = b.finish();
    EXPECT_TRUE(done.has_value());
    bytes.assign(done->begin(), done->end());
  }
  sequence_admission admission;
  std::vector<std::byte> bytes;
  rlog::append_op op;
  std::optional<rlog::result<rlog::append_result>> out;
};

struct in_flight {
  size_t running = 0;
  io::event finished;
};

io::task<void> wait_one(rlog::partition_log* l, produced* p, in_flight* g) {
  p->out = co_await l->wait(p->op);
  if (--g->running == 0) g->finished.notify_all();
}

// Queues each batch in order (as one connection's pipelined requests do), letting
// `stagger` passes go by between them, and waits for all.
io::task<void> produce_all(rlog::partition_log& l, std::vector<produced*> batches, int stagger = 0) {
  in_flight g;
  g.running = batches.size();
  for (produced* p : batches) {
    auto q = l.enqueue(p->op, std::span(p->bytes), 0, std::nullopt, &p->admission);
    EXPECT_TRUE(q.has_value());
    io::spawn(wait_one(&l, p, &g));
    for (int i = 0; i < stagger; ++i) co_await next_pass{};
  }
  while (g.running > 0) (void)co_await g.finished.wait();
}

}  // namespace

TEST(ProducerSequence, PipelinedBatchesAreAdmittedInQueueOrder) {
  log_fixture f;
  producer_state ps;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::deque<produced> batches;
    std::vector<produced*> order;
    for (int i = 0; i < 40; ++i) order.push_back(&batches.emplace_back(ps, i * 2, 2));
    co_await produce_all(*l, order, /*stagger=*/1);  // several writes, each carrying a few
    for (int i = 0; i < 40; ++i) {
      const auto& out = batches[static_cast<size_t>(i)].out;
      EXPECT_TRUE(out && out->has_value()) << "batch " << i;
      if (out && *out) {
        EXPECT_EQ((*out)->base_offset, i * 2);
      }
    }
    EXPECT_GT(l->append_counters().writes, 1u);
    co_await l->close();
  });
}

TEST(ProducerSequence, AFailedWriteTakesItsBatchesBackBeforeLaterOnesAreChecked) {
  log_fixture f;
  producer_state ps;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::deque<produced> b;
    std::vector<produced*> first = {&b.emplace_back(ps, 0, 1)};
    co_await produce_all(*l, first);  // seq 0 at offset 0
    // seq 1 and 2 in one write that fails; seq 3 queued while it is in flight.
    f.fs.fail_next_short_writes(1);
    produced& s1 = b.emplace_back(ps, 1, 1);
    produced& s2 = b.emplace_back(ps, 2, 1);
    produced& s3 = b.emplace_back(ps, 3, 1);
    {
      in_flight g;
      g.running = 3;
      std::vector<produced*> failing = {&s1, &s2};
      for (produced* p : failing) {
        EXPECT_TRUE(l->enqueue(p->op, std::span(p->bytes), 0, std::nullopt, &p->admission).has_value());
        io::spawn(wait_one(l.get(), p, &g));
      }
      co_await next_pass{};
      co_await next_pass{};  // their write is in flight
      EXPECT_TRUE(l->enqueue(s3.op, std::span(s3.bytes), 0, std::nullopt, &s3.admission).has_value());
      io::spawn(wait_one(l.get(), &s3, &g));
      while (g.running > 0) (void)co_await g.finished.wait();
    }
    EXPECT_TRUE(s1.out && !s1.out->has_value() && s1.out->error() == rlog::errc::storage_error);
    EXPECT_TRUE(s2.out && !s2.out->has_value() && s2.out->error() == rlog::errc::storage_error);
    // seq 3 was checked after 1 and 2 were taken back: a gap, not written.
    EXPECT_TRUE(s3.out && !s3.out->has_value() && s3.out->error() == rlog::errc::not_admitted);
    EXPECT_EQ(s3.admission.error(), error_code::out_of_order_sequence_number);
    EXPECT_EQ(l->log_end_offset(), 1);
    // The producer retries in order: 1, 2, 3 land at offsets 1, 2, 3.
    produced& r1 = b.emplace_back(ps, 1, 1);
    produced& r2 = b.emplace_back(ps, 2, 1);
    produced& r3 = b.emplace_back(ps, 3, 1);
    std::vector<produced*> retries = {&r1, &r2, &r3};
    co_await produce_all(*l, retries);
    int64_t want = 1;
    for (produced* p : retries) {
      EXPECT_TRUE(p->out && p->out->has_value());
      if (p->out && *p->out) {
        EXPECT_EQ((*p->out)->base_offset, want);
      }
      ++want;
    }
    co_await l->close();
  });
}

TEST(ProducerSequence, ARetryOfAWrittenBatchIsADuplicateWithItsOffsets) {
  log_fixture f;
  producer_state ps;
  run_on_shards(1, [&]() -> io::task<void> {
    auto l = co_await open_log(f);
    std::deque<produced> b;
    std::vector<produced*> written = {&b.emplace_back(ps, 0, 3), &b.emplace_back(ps, 3, 2)};
    co_await produce_all(*l, written);
    produced& retry = b.emplace_back(ps, 3, 2);
    std::vector<produced*> again = {&retry};
    co_await produce_all(*l, again);
    EXPECT_TRUE(retry.out && !retry.out->has_value() && retry.out->error() == rlog::errc::not_admitted);
    const auto* dup = retry.admission.duplicate();
    EXPECT_NE(dup, nullptr);
    if (dup) {
      EXPECT_EQ(dup->first_offset, 3);
      EXPECT_EQ(dup->last_offset, 4);
    }
    EXPECT_EQ(l->log_end_offset(), 5) << "a duplicate is not written again";
    co_await l->close();
  });
}

TEST(ProducerSequence, UndoRestoresTheEvictedBatchAndTheEpoch) {
  producer_state ps;
  for (int i = 0; i < 5; ++i) (void)ps.record(producer_id, 0, {i, i, i, i, -1});
  auto u = ps.record(producer_id, 0, {5, 5, 5, 5, -1});  // evicts seq 0
  ps.undo(std::move(u));
  EXPECT_EQ(ps.check(producer_id, 0, 0, 0).duplicate != nullptr, true) << "seq 0 back in the window";
  EXPECT_EQ(ps.check(producer_id, 0, 5, 5).error, error_code::none);
  auto bump = ps.record(producer_id, 1, {0, 0, 6, 6, -1});  // epoch bump
  ps.undo(std::move(bump));
  EXPECT_EQ(ps.check(producer_id, 0, 5, 5).error, error_code::none) << "epoch 0 again, expecting 5";
  auto fresh = ps.record(7, 0, {0, 0, 7, 7, -1});
  ps.undo(std::move(fresh));
  EXPECT_EQ(ps.size(), 1u) << "a producer recorded only by the undone batch is forgotten";
}
