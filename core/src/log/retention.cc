#include "ringtail/core/log/retention.h"

namespace ringtail::core::log {

retention_decision select_retention(std::span<const retention_segment> segments, int64_t now_ms,
                                    int64_t retention_ms, int64_t retention_bytes, int64_t log_start_offset,
                                    int64_t high_watermark) {
  retention_decision d;
  if (segments.size() <= 1) return d;
  const size_t deletable = segments.size() - 1;  // never the active segment
  auto below_hw = [&](size_t i) { return segments[i].next_offset <= high_watermark; };

  size_t n = 0;
  while (n < deletable && segments[n].next_offset <= log_start_offset && below_hw(n)) ++n;
  if (n > 0) return {n, retention_reason::log_start_offset};

  if (retention_ms >= 0) {
    while (n < deletable && below_hw(n) && now_ms - segments[n].largest_time_ms > retention_ms) ++n;
    if (n > 0) return {n, retention_reason::time};
  }

  if (retention_bytes >= 0) {
    uint64_t total = 0;
    for (const auto& s : segments) total += s.size_bytes;
    if (total > static_cast<uint64_t>(retention_bytes)) {
      int64_t excess = static_cast<int64_t>(total - static_cast<uint64_t>(retention_bytes));
      while (n < deletable && below_hw(n) && excess - static_cast<int64_t>(segments[n].size_bytes) >= 0) {
        excess -= static_cast<int64_t>(segments[n].size_bytes);
        ++n;
      }
      if (n > 0) return {n, retention_reason::size};
    }
  }
  return d;
}

}  // namespace ringtail::core::log
