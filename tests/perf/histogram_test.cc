// The load generator's latency histogram and rate schedule: accuracy against exact
// figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ringtail/perf/histogram.h"
#include "ringtail/perf/rate_limiter.h"

namespace ringtail::perf {
namespace {

TEST(Histogram, BucketsCoverTheRangeWithBoundedError) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, int64_t{257}, int64_t{1000}, int64_t{123456789},
                    int64_t{60} * 1'000'000'000, histogram::max_value_ns}) {
    const size_t i = histogram::index_of(v);
    EXPECT_LE(histogram::lowest_equivalent(i), v) << v;
    EXPECT_GE(histogram::highest_equivalent(i), v) << v;
    const double width = static_cast<double>(histogram::highest_equivalent(i) - histogram::lowest_equivalent(i) + 1);
    if (v >= histogram::sub_bucket_count) {
      EXPECT_LE(width / static_cast<double>(v), histogram::relative_error_max + 1e-12) << v;
    }
  }
  // Consecutive buckets tile the line without gaps.
  for (size_t i = 0; i + 1 < histogram::bucket_count(); ++i) {
    ASSERT_EQ(histogram::highest_equivalent(i) + 1, histogram::lowest_equivalent(i + 1)) << i;
  }
}

TEST(Histogram, PercentilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(13.0, 1.5);  // ~0.4 ms median, long tail
  std::vector<int64_t> values;
  histogram h;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<int64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {50.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
    const auto rank = static_cast<size_t>(std::ceil(q / 100.0 * static_cast<double>(values.size()))) - 1;
    const double exact = static_cast<double>(values[rank]);
    EXPECT_NEAR(static_cast<double>(h.percentile(q)), exact, exact * 0.01) << "p" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  EXPECT_NEAR(h.mean(), sum / static_cast<double>(values.size()), 1.0);
}

TEST(Histogram, MicrosecondsToMinutes) {
  histogram h;
  h.record(1'000);                    // 1 µs
  h.record(int64_t{5} * 60 * 1'000'000'000);  // 5 minutes
  EXPECT_NEAR(static_cast<double>(h.percentile(1)), 1000.0, 10.0);
  EXPECT_EQ(h.percentile(100), int64_t{5} * 60 * 1'000'000'000);
}

TEST(Histogram, MergeEqualsRecordingTogether) {
  histogram a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 2 ? a : b).record(i * 1000);
    all.record(i * 1000);
  }
  a.merge(b);
  for (double q : {10.0, 50.0, 99.0, 100.0}) EXPECT_EQ(a.percentile(q), all.percentile(q));
  EXPECT_EQ(a.count(), all.count());
  a.reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.percentile(50), 0);
}

TEST(RateSchedule, DueTimesAreExactAndIndependentOfDelays) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::time_point{} + std::chrono::seconds(100);
  rate_schedule s(1000.0, start);  // 1 record per ms
  EXPECT_FALSE(s.unlimited());
  EXPECT_EQ(s.due(0), start);
  EXPECT_EQ(s.due(1), start + std::chrono::milliseconds(1));
  EXPECT_EQ(s.due(1000), start + std::chrono::seconds(1));
  // 3-per-second: no drift accumulates over a million records.
  rate_schedule t(3.0, start);
  const auto d = t.due(3'000'000) - start;
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(d).count(), 1'000'000'000);
  rate_schedule u(-1, start);
  EXPECT_TRUE(u.unlimited());
}

}  // namespace
}  // namespace ringtail::perf
