// histogram: a high-dynamic-range latency histogram with log-linear buckets
// (HdrHistogram's layout): values below 2^sub_bucket_bits are exact; above, each power of
// two is split into 2^sub_bucket_bits / 2 linear buckets, so a bucket is at most
// 1/128 of its values wide (< 0.8 % error) from 1 ns to max_value_ns (~73 minutes).
// Values are nanoseconds. Fixed memory (~40 KiB), no allocation in record(). One per
// shard; merge() combines them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ringtail::perf {

class histogram {
 public:
  static constexpr int sub_bucket_bits = 8;                  // 256 exact values, then 128 per octave
  static constexpr int64_t sub_bucket_count = int64_t{1} << sub_bucket_bits;
  static constexpr int64_t half_count = sub_bucket_count / 2;
  static constexpr int64_t max_value_ns = int64_t{1} << 42;  // ~73 min
  static constexpr double relative_error_max = 1.0 / half_count;
  static_assert(relative_error_max <= 0.01, "the issue asks for ~1% precision");

  histogram();

  void record(int64_t value_ns) noexcept;
  void record_n(int64_t value_ns, uint64_t n) noexcept;
  void merge(const histogram& other) noexcept;
  void reset() noexcept;

  uint64_t count() const noexcept { return total_; }
  int64_t min() const noexcept { return total_ ? min_ : 0; }
  int64_t max() const noexcept { return total_ ? max_ : 0; }
  double mean() const noexcept { return total_ ? sum_ / static_cast<double>(total_) : 0.0; }
  // The value at `percentile` (0..100): the highest value equivalent to the bucket
  // holding that rank, clamped to [min, max] (HdrHistogram's convention).
  int64_t percentile(double percentile) const noexcept;

  static size_t index_of(int64_t value) noexcept;
  static int64_t lowest_equivalent(size_t index) noexcept;
  static int64_t highest_equivalent(size_t index) noexcept;
  static size_t bucket_count() noexcept;

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace ringtail::perf
