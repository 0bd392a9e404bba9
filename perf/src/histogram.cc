#include "ringtail/perf/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ringtail::perf {

size_t histogram::bucket_count() noexcept { return index_of(max_value_ns) + 1; }

histogram::histogram() : counts_(bucket_count(), 0) {}

size_t histogram::index_of(int64_t value) noexcept {
  if (value < 0) value = 0;
  if (value > max_value_ns) value = max_value_ns;
  const auto v = static_cast<uint64_t>(value);
  if (v < static_cast<uint64_t>(sub_bucket_count)) return static_cast<size_t>(v);
  // Shift so that the value lands in [half_count*2, sub_bucket_count) — i.e. keep the
  // top sub_bucket_bits bits.
  const int shift = std::bit_width(v) - sub_bucket_bits;
  const uint64_t top = v >> shift;  // in [128, 256)
  return static_cast<size_t>(sub_bucket_count + (static_cast<int64_t>(shift) - 1) * half_count +
                             static_cast<int64_t>(top - static_cast<uint64_t>(half_count)));
}

int64_t histogram::lowest_equivalent(size_t index) noexcept {
  const auto i = static_cast<int64_t>(index);
  if (i < sub_bucket_count) return i;
  const int64_t shift = (i - sub_bucket_count) / half_count + 1;
  const int64_t top = (i - sub_bucket_count) % half_count + half_count;
  return top << shift;
}

int64_t histogram::highest_equivalent(size_t index) noexcept {
  const auto i = static_cast<int64_t>(index);
  if (i < sub_bucket_count) return i;
  const int64_t shift = (i - sub_bucket_count) / half_count + 1;
  return lowest_equivalent(index) + (int64_t{1} << shift) - 1;
}

void histogram::record(int64_t value_ns) noexcept { record_n(value_ns, 1); }

void histogram::record_n(int64_t value_ns, uint64_t n) noexcept {
  if (n == 0) return;
  if (value_ns < 0) value_ns = 0;
  ++counts_[index_of(value_ns)];
  if (n > 1) counts_[index_of(value_ns)] += n - 1;
  if (total_ == 0) {
    min_ = max_ = value_ns;
  } else {
    min_ = std::min(min_, value_ns);
    max_ = std::max(max_, value_ns);
  }
  total_ += n;
  sum_ += static_cast<double>(value_ns) * static_cast<double>(n);
}

void histogram::merge(const histogram& o) noexcept {
  if (o.total_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  if (total_ == 0) {
    min_ = o.min_;
    max_ = o.max_;
  } else {
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }
  total_ += o.total_;
  sum_ += o.sum_;
}

void histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  min_ = max_ = 0;
  sum_ = 0;
}

int64_t histogram::percentile(double p) const noexcept {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(highest_equivalent(i), min_, max_);
  }
  return max_;
}

}  // namespace ringtail::perf
