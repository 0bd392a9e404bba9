// Helpers shared by the partition log tests: batch building, an in-memory model of the
// log, and a seed that every randomised test prints so a failure can be replayed
// (RINGTAIL_TEST_SEED=<seed>).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/partition_log.h"

namespace ringtail::testing::log_util {

namespace rlog = ringtail::core::log;
namespace codec = ringtail::codec;

inline uint64_t test_seed() {
  if (const char* s = std::getenv("RINGTAIL_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// One batch of `records` records with `value_bytes`-byte values; timestamps ts, ts+1, …
inline std::vector<std::byte> make_batch(int records, size_t value_bytes, int64_t ts, uint8_t fill = 0x61,
                                         codec::compression_type compression = codec::compression_type::none) {
  codec::record_batch_builder b;
  if (compression != codec::compression_type::none) b.set_compression(compression);
  std::vector<std::byte> value(value_bytes, std::byte{fill});
  for (int i = 0; i < records; ++i) {
    const std::span<const std::byte> v(value);
    b.append(ts + i, std::nullopt, v);
  }
  auto out = b.finish();
  EXPECT_TRUE(out.has_value());
  return std::vector<std::byte>(out->begin(), out->end());
}

// Concatenates the chunks of a read.
inline std::vector<std::byte> flatten(const rlog::read_result& r) {
  std::vector<std::byte> out;
  for (const auto& c : r.chunks) out.insert(out.end(), c.bytes.begin(), c.bytes.end());
  return out;
}

// Batches in a blob: (base_offset, last_offset, crc ok).
struct batch_info {
  int64_t base_offset;
  int64_t last_offset;
  bool crc_ok;
  std::vector<std::byte> bytes;
};
inline std::vector<batch_info> batches_of(std::span<const std::byte> blob) {
  std::vector<batch_info> out;
  codec::record_batch_reader r(blob);
  while (true) {
    auto b = r.next();
    if (!b || !*b) break;
    out.push_back({(*b)->base_offset(), (*b)->last_offset(), (*b)->compute_crc() == (*b)->crc(),
                   std::vector<std::byte>((*b)->bytes().begin(), (*b)->bytes().end())});
  }
  EXPECT_FALSE(r.truncated_tail());
  return out;
}

inline rlog::log_config small_config() {
  rlog::log_config c;
  c.segment_bytes = 16 * 1024;
  c.index_interval_bytes = 512;
  c.index_size_max_bytes = 4096;
  c.retention_ms = -1;
  return c;
}

}  // namespace ringtail::testing::log_util
