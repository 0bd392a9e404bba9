// Record payloads for the generator: a pool of values (random bytes, compressible
// JSON-like text, or a file's contents) that producers slice from, and the 16-byte stamp
// the generator writes at the start of each value so a consumer can measure end-to-end
// latency (magic, then the produce time in ns since the Unix epoch: the same host clock
// on both sides, or synchronised clocks across hosts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringtail/perf/options.h"

namespace ringtail::perf {

inline constexpr size_t stamp_bytes = 16;
inline constexpr uint64_t stamp_magic = 0x52544c504552463aULL;  // "RTLPERF:"

// Writes the stamp into value[0..16) if the value is large enough.
void write_stamp(std::span<std::byte> value, int64_t realtime_ns) noexcept;
// The stamp's time, if the value carries one.
std::optional<int64_t> read_stamp(std::span<const std::byte> value) noexcept;

int64_t realtime_ns() noexcept;

// `variants` distinct values of `max_size` bytes (record i uses variant i % variants,
// truncated to its size), from the chosen payload source.
class payload_pool {
 public:
  static constexpr size_t variants = 64;
  // Throws std::runtime_error if the payload file cannot be read.
  payload_pool(payload_kind kind, const std::string& file, size_t max_size, uint64_t seed);
  std::span<std::byte> value(uint64_t i, size_t size) noexcept {
    return {data_.data() + (i % variants) * stride_, size};
  }

 private:
  std::vector<std::byte> data_;
  size_t stride_;
};

}  // namespace ringtail::perf
