// Results of a run and their presentations: the live progress line, the final summary,
// the JSON document (every figure plus the configuration) and an SVG chart (throughput
// over time, latency percentile curve).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ringtail/perf/histogram.h"
#include "ringtail/perf/options.h"

namespace ringtail::perf {

struct timeline_point {
  double t_s = 0;             // seconds since the start
  double records_per_sec = 0;
  double mib_per_sec = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t errors = 0;
};

// One side of a run (produce: acks; consume / e2e: records received).
struct side_result {
  std::string name;           // "produce" or "consume"
  uint64_t records = 0;
  uint64_t bytes = 0;         // record payload bytes (key + value)
  uint64_t errors = 0;
  double duration_s = 0;
  histogram latency;          // ns
  std::vector<timeline_point> timeline;
  double records_per_sec() const { return duration_s > 0 ? static_cast<double>(records) / duration_s : 0; }
  double mib_per_sec() const { return duration_s > 0 ? static_cast<double>(bytes) / duration_s / (1024.0 * 1024.0) : 0; }
};

struct run_result {
  options config;
  std::vector<side_result> sides;  // produce first, then consume (when present)
  // The side whose figures are the headline (produce for `produce`, consume otherwise).
  const side_result& primary() const;
};

std::string progress_line(const std::string& name, const timeline_point& p);
std::string summary_text(const run_result& r);
std::string to_json(const run_result& r);
std::string to_svg(const run_result& r);

}  // namespace ringtail::perf
