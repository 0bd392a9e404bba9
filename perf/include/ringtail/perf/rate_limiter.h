// rate_schedule: the send schedule of a fixed-rate producer, free of coordinated
// omission. Record i is *due* at start + i / rate whatever happened to the records
// before it; the generator sends it at max(now, due) and measures its latency from
// `due`, so a stall of the broker (or of the generator) shows as latency of every record
// that should have been sent during it, not as a silent gap (Gil Tene's "coordinated
// omission").
#pragma once

#include <chrono>
#include <cstdint>

namespace ringtail::perf {

template <typename Clock>
class basic_rate_schedule {
 public:
  // rate <= 0: unlimited (every record is due at once).
  basic_rate_schedule(double records_per_sec, typename Clock::time_point start)
      : start_(start), interval_ns_(records_per_sec > 0 ? 1e9 / records_per_sec : 0) {}
  bool unlimited() const noexcept { return interval_ns_ == 0; }
  typename Clock::time_point due(uint64_t i) const noexcept {
    return start_ + std::chrono::duration_cast<typename Clock::duration>(
                        std::chrono::nanoseconds(static_cast<int64_t>(interval_ns_ * static_cast<double>(i))));
  }
  typename Clock::time_point start() const noexcept { return start_; }

 private:
  typename Clock::time_point start_;
  double interval_ns_;
};

using rate_schedule = basic_rate_schedule<std::chrono::steady_clock>;

}  // namespace ringtail::perf
