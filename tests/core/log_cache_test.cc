// recent_append_cache's staging of appends: the bytes for file position p sit at an
// address that is p modulo 4096, consecutive runs share a chunk, big runs get their own
// buffer, and a chunk lives as long as something references it.
#include <gtest/gtest.h>

#include <cstdint>

#include "ringtail/core/log/recent_append_cache.h"

namespace rlog = ringtail::core::log;

TEST(RecentAppendCache, StagingKeepsTheFileAlignmentAndSharesChunks) {
  rlog::recent_append_cache cache(1 << 20);
  rlog::buffer_ref a, b, c, big;
  const auto sa = cache.stage(1000, 123, a);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(sa.data()) % rlog::page_bytes, 123u);
  const auto sb = cache.stage(3000, 1123, b);  // the same partition's next write: contiguous
  EXPECT_EQ(sb.data(), sa.data() + 1000);
  EXPECT_EQ(a.get(), b.get());
  const auto sc = cache.stage(500, 70'000, c);  // another partition: its own alignment
  EXPECT_EQ(reinterpret_cast<uintptr_t>(sc.data()) % rlog::page_bytes, 70'000u % rlog::page_bytes);
  EXPECT_GE(sc.data(), sb.data() + 3000);
  EXPECT_EQ(c.get(), a.get());
  const auto sbig = cache.stage(rlog::recent_append_cache::stage_bytes_max + 1, 5, big);
  EXPECT_NE(big.get(), a.get());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(sbig.data()) % rlog::page_bytes, 5u);
  // A full chunk is replaced; the old one lives on through its references.
  rlog::buffer_ref d;
  size_t staged = 0;
  while (d.get() == nullptr || d.get() == a.get()) {
    (void)cache.stage(60'000, staged, d);
    staged += 60'000;
  }
  EXPECT_GE(a.use_count(), 3u);  // a, b, c
  EXPECT_LE(staged, rlog::recent_append_cache::stage_chunk_bytes + 60'000);
}
