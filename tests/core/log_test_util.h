// Helpers shared by the partition log tests: batch building, an in-memory model of the
// log, a log on simulated or uring storage, and a seed that every randomised test prints so a failure can be replayed
// (RINGTAIL_TEST_SEED=<seed>).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/clock.h"
#include "ringtail/core/log/partition_log.h"
#include "ringtail/core/log/sim_storage.h"
#include "ringtail/core/log/storage.h"
#include "ringtail/io/task.h"

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

// What a partition log on simulated storage needs: the storage (faults seeded by
// `seed`), a fake clock, a recent-append cache and the config.
struct log_fixture {
  explicit log_fixture(uint64_t seed = 1, rlog::log_config c = small_config()) : fs(seed), cfg(c) {}
  rlog::sim_storage fs;
  rlog::fake_clock clk;
  rlog::recent_append_cache cache{1 << 20};
  rlog::log_config cfg;
};

// The same on the production uring_storage (a real directory; cache off by default).
struct uring_log_fixture {
  explicit uring_log_fixture(rlog::log_config c = small_config(), size_t cache_bytes = 0)
      : cache(cache_bytes), cfg(c) {}
  rlog::uring_storage fs;
  rlog::fake_clock clk;
  rlog::recent_append_cache cache;
  rlog::log_config cfg;
};

inline const std::string sim_log_dir = "/data/t-0";

// Opens (recovering if needed) the log in `dir`; null, with a test failure, if it cannot.
template <typename Fixture>
inline ringtail::io::task<std::unique_ptr<rlog::partition_log>> open_log(Fixture& f, std::string dir = sim_log_dir) {
  auto t = rlog::partition_log::open(dir, f.cfg, f.fs, f.clk, &f.cache);
  auto r = co_await std::move(t);
  EXPECT_TRUE(r.has_value());
  if (!r) co_return nullptr;
  co_return std::move(*r);
}

}  // namespace ringtail::testing::log_util
