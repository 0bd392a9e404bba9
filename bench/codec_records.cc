// Microbenchmarks of the record codec's hot paths, each against a baseline measured in
// the same iterations (interleaved, so host noise hits both alike):
//   - CRC-32C (3-way interleaved SSE4.2, as dispatched) vs one _mm_crc32_u64 stream;
//   - validating a 1 MiB produce blob of 1 KiB records (frame + CRC, no record decode)
//     vs memcpy of the same bytes;
//   - compress / decompress per codec on 16 KiB batches of 1 KiB JSON-like records vs
//     memcpy.
// Counters: `ratio` = baseline time / our time (> 1: faster than the baseline),
// `baseline_MBps`, and for codecs `compression_ratio`. bytes_per_second is ours.
//
//   build/h-rec-rel/bench/bench_codec --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ringtail/codec/compression.h"
#include "ringtail/codec/crc32c.h"
#include "ringtail/codec/record_batch.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace {

using namespace ringtail::codec;
using clock_type = std::chrono::steady_clock;

constexpr size_t kib = 1024;
constexpr size_t mib = 1024 * kib;
// Each timed chunk should be long enough that the clock reads are noise.
constexpr size_t timed_chunk_bytes_min = 256 * kib;

template <typename Ours, typename Baseline>
void run_paired(benchmark::State& state, size_t bytes_per_call, Ours&& ours, Baseline&& baseline) {
  const size_t reps = std::max<size_t>(1, timed_chunk_bytes_min / bytes_per_call);
  double ours_s = 0, base_s = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    for (size_t i = 0; i < reps; ++i) ours();
    const auto t1 = clock_type::now();
    for (size_t i = 0; i < reps; ++i) baseline();
    const auto t2 = clock_type::now();
    const double a = std::chrono::duration<double>(t1 - t0).count();
    const double b = std::chrono::duration<double>(t2 - t1).count();
    state.SetIterationTime(a);
    ours_s += a;
    base_s += b;
  }
  const double total = static_cast<double>(state.iterations()) * static_cast<double>(reps * bytes_per_call);
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["ratio"] = base_s / ours_s;
  state.counters["baseline_MBps"] = total / base_s / 1e6;
  state.counters["MBps"] = total / ours_s / 1e6;
}

std::vector<unsigned char> random_buffer(size_t n) {
  std::vector<unsigned char> v(n);
  std::mt19937_64 rng(1);
  for (auto& b : v) b = static_cast<unsigned char>(rng());
  return v;
}

#if defined(__x86_64__)
// noinline: the compiler must not hoist this pure loop out of the timing loop.
__attribute__((target("sse4.2"), noinline)) uint32_t crc32c_single_stream(const unsigned char* p, size_t n, uint32_t crc) {
  uint64_t c = ~crc;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c = _mm_crc32_u64(c, w);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}
#endif

void BM_crc32c_vs_single_stream(benchmark::State& state) {
#if defined(__x86_64__)
  if (!crc32c_impl::sse42_available()) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  const size_t n = static_cast<size_t>(state.range(0));
  auto buf = random_buffer(n);
  run_paired(
      state, n,
      [&] {
        benchmark::DoNotOptimize(buf.data());
        benchmark::DoNotOptimize(crc32c(buf.data(), n));
      },
      [&] {
        benchmark::DoNotOptimize(buf.data());
        benchmark::DoNotOptimize(crc32c_single_stream(buf.data(), n, 0));
      });
#else
  state.SkipWithError("x86-64 only");
#endif
}
BENCHMARK(BM_crc32c_vs_single_stream)->Arg(1 * kib)->Arg(16 * kib)->Arg(1 * mib)->UseManualTime();

void BM_crc32c_portable_vs_single_stream(benchmark::State& state) {
#if defined(__x86_64__)
  const size_t n = static_cast<size_t>(state.range(0));
  auto buf = random_buffer(n);
  run_paired(
      state, n,
      [&] {
        benchmark::DoNotOptimize(buf.data());
        benchmark::DoNotOptimize(crc32c_impl::portable(buf.data(), n, 0));
      },
      [&] {
        benchmark::DoNotOptimize(buf.data());
        benchmark::DoNotOptimize(crc32c_single_stream(buf.data(), n, 0));
      });
#endif
}
BENCHMARK(BM_crc32c_portable_vs_single_stream)->Arg(16 * kib)->UseManualTime();

// A JSON-like record of ~`bytes`: repeated field names, varying values.
std::string json_record(std::mt19937& rng, size_t bytes) {
  static const char* words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
  std::string s = "{\"id\":" + std::to_string(rng()) + ",\"user\":\"user-" + std::to_string(rng() % 10000) +
                  "\",\"ts\":" + std::to_string(1700000000000ull + rng() % 100000) + ",\"items\":[";
  while (s.size() + 60 < bytes) {
    s += "{\"sku\":\"" + std::string(words[rng() % 8]) + "-" + std::to_string(rng() % 1000) +
         "\",\"qty\":" + std::to_string(rng() % 10) + ",\"price\":" + std::to_string(rng() % 100000) + "},";
  }
  s += "{}],\"ok\":true}";
  s.resize(bytes, ' ');
  return s;
}

// A batch of `record_count` 1 KiB records.
std::vector<std::byte> build_batch(size_t record_count, compression_type c) {
  std::mt19937 rng(7);
  record_batch_builder b;
  b.set_compression(c);
  b.set_producer(1, 0, 0);
  for (size_t i = 0; i < record_count; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::string value = json_record(rng, 1 * kib);
    b.append(1700000000000 + static_cast<int64_t>(i), std::as_bytes(std::span(key.data(), key.size())),
             std::as_bytes(std::span(value.data(), value.size())));
  }
  auto out = b.finish();
  return {out->begin(), out->end()};
}

// The produce path's per-batch work: split the blob, check the frame and CRC, patch the
// base offset and leader epoch. No record is decoded.
void BM_validate_produce_blob_vs_memcpy(benchmark::State& state) {
  const size_t records_per_batch = static_cast<size_t>(state.range(0));
  std::vector<std::byte> blob;
  while (blob.size() < 1 * mib) {
    auto batch = build_batch(records_per_batch, compression_type::none);
    if (blob.size() + batch.size() > 1 * mib && !blob.empty()) break;
    blob.insert(blob.end(), batch.begin(), batch.end());
  }
  std::vector<std::byte> copy(blob.size());
  int64_t next_offset = 0;
  bool ok = true;
  run_paired(
      state, blob.size(),
      [&] {
        record_batch_reader reader(blob);
        for (;;) {
          auto b = reader.next();
          if (!b || !b->has_value()) break;
          ok &= (*b)->validate().has_value();
          auto m = mutable_record_batch_view::parse(
              std::span<std::byte>(blob.data() + reader.last_position(), (*b)->size_bytes()));
          m->set_base_offset(next_offset);
          m->set_partition_leader_epoch(3);
          next_offset += (*b)->record_count();
        }
      },
      [&] {
        std::memcpy(copy.data(), blob.data(), blob.size());
        benchmark::ClobberMemory();
      });
  if (!ok) state.SkipWithError("validation failed");
  state.counters["batches"] = static_cast<double>(blob.size()) / static_cast<double>((records_per_batch * kib));
}
// One ~1 MiB batch (Produce v3+ carries one batch per partition) and 16 KiB batches.
BENCHMARK(BM_validate_produce_blob_vs_memcpy)->Arg(1000)->Arg(16)->UseManualTime();

const compression_type bench_codecs[] = {compression_type::gzip, compression_type::snappy, compression_type::lz4,
                                         compression_type::zstd};

std::vector<std::byte> records_area_16k() {
  auto batch = build_batch(16, compression_type::none);
  return {batch.begin() + static_cast<std::ptrdiff_t>(record_batch_header_bytes), batch.end()};
}

void BM_compress_vs_memcpy(benchmark::State& state) {
  const auto codec = bench_codecs[state.range(0)];
  state.SetLabel(std::string(to_string(codec)));
  const auto input = records_area_16k();
  byte_buffer out, copy;
  out.reserve(2 * input.size());
  copy.resize(input.size());
  run_paired(
      state, input.size(),
      [&] {
        out.clear();
        (void)compress(codec, input, out);
        benchmark::DoNotOptimize(out.data());
      },
      [&] {
        std::memcpy(copy.data(), input.data(), input.size());
        benchmark::ClobberMemory();
      });
  state.counters["compression_ratio"] = static_cast<double>(input.size()) / static_cast<double>(out.size());
}
BENCHMARK(BM_compress_vs_memcpy)->DenseRange(0, 3)->UseManualTime();

void BM_decompress_vs_memcpy(benchmark::State& state) {
  const auto codec = bench_codecs[state.range(0)];
  state.SetLabel(std::string(to_string(codec)));
  const auto input = records_area_16k();
  byte_buffer compressed, out, copy;
  (void)compress(codec, input, compressed);
  out.reserve(input.size() * 2);
  copy.resize(input.size());
  bool ok = true;
  run_paired(
      state, input.size(),
      [&] {
        out.clear();
        ok &= decompress(codec, {compressed.data(), compressed.size()}, out, 1 * mib).has_value();
        benchmark::DoNotOptimize(out.data());
      },
      [&] {
        std::memcpy(copy.data(), input.data(), input.size());
        benchmark::ClobberMemory();
      });
  if (!ok || out.size() != input.size()) state.SkipWithError("decompression failed");
}
BENCHMARK(BM_decompress_vs_memcpy)->DenseRange(0, 3)->UseManualTime();

}  // namespace
