// Retention: which segments of a log may go, as a pure function of their metadata, so
// the rules are unit-tested without files. partition_log::apply_retention() deletes what
// this selects (rename to .deleted, then unlink) and advances the log start offset.
//
// Kafka's rules (UnifiedLog.deleteOldSegments), applied to the oldest segments first and
// never to the active (last) one:
// - log start offset: a segment whose every offset is below the log start offset (after
//   DeleteRecords) goes;
// - time (retention.ms >= 0): a segment goes while now - its largest timestamp exceeds
//   retention.ms; the first one that does not expire stops the walk;
// - size (retention.bytes >= 0): the oldest segments go while the log stays at or above
//   retention.bytes without them;
// - and only segments wholly below the high watermark.
// The broker's precedence log.retention.ms > .minutes > .hours is resolved in
// core/config.cc; log_config carries the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringtail::core::log {

struct retention_segment {
  int64_t base_offset;
  int64_t next_offset;  // offset after its last batch
  uint64_t size_bytes;
  int64_t largest_time_ms;
};

enum class retention_reason : uint8_t { none, log_start_offset, time, size };

struct retention_decision {
  size_t segments = 0;  // how many of the oldest segments to delete
  retention_reason reason = retention_reason::none;
};

retention_decision select_retention(std::span<const retention_segment> segments, int64_t now_ms,
                                    int64_t retention_ms, int64_t retention_bytes, int64_t log_start_offset,
                                    int64_t high_watermark);

}  // namespace ringtail::core::log
