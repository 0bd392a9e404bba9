// Message codec throughput against memcpy of the same bytes, measured in the same run
// (docs/PERFORMANCE.md: ratios, not absolute numbers, are compared across machines).
//
//  decode_produce_v7: a 1 MiB Produce v7 request frame (1 topic x 16 partitions x 64 KiB
//    record sets of 1 KiB records). Decoding reads the header and the request structure;
//    each record set stays a view into the frame, as on the broker's hot path.
//  encode_fetch_v11: a 1 MiB Fetch v11 response (same shape) encoded into a reused
//    writer, record bytes copied (the broker will later send them by iovec instead).
//
// Counters: codec_bytes_per_second and memcpy_bytes_per_second for the same frame size,
// and speed_vs_memcpy = codec rate / memcpy rate (> 1: faster than copying the bytes).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "ringtail/codec/messages.h"

namespace ringtail::codec {
namespace {

constexpr size_t record_bytes = 1024;
constexpr size_t partition_count = 16;
constexpr size_t records_per_partition = 64;
constexpr size_t partition_records_bytes = record_bytes * records_per_partition;
static_assert(partition_count * partition_records_bytes == 1024 * 1024, "1 MiB of records per frame");

using clock_type = std::chrono::steady_clock;

std::vector<std::byte> records_blob() {
  std::vector<std::byte> b(partition_records_bytes);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::byte>(i * 31 + 7);
  return b;
}

void report(benchmark::State& state, size_t bytes, double codec_s, double memcpy_s) {
  const double n = static_cast<double>(state.iterations()) * static_cast<double>(bytes);
  state.counters["codec_bytes_per_second"] = benchmark::Counter(n / codec_s);
  state.counters["memcpy_bytes_per_second"] = benchmark::Counter(n / memcpy_s);
  state.counters["speed_vs_memcpy"] = benchmark::Counter(memcpy_s / codec_s);
  state.SetBytesProcessed(static_cast<int64_t>(n));
}

void decode_produce_v7(benchmark::State& state) {
  const auto blob = records_blob();
  produce_request req;
  req.acks = -1;
  req.timeout_ms = 30000;
  req.topic_data.resize(1);
  req.topic_data[0].name = "bench-topic";
  req.topic_data[0].partition_data.resize(partition_count);
  for (size_t p = 0; p < partition_count; ++p) {
    req.topic_data[0].partition_data[p].index = static_cast<int32_t>(p);
    req.topic_data[0].partition_data[p].records = bytes_view(blob);
  }
  writer w;
  encode_request_frame(w, 1, "bench", 7, req);
  const std::vector<std::byte> frame(w.bytes().begin(), w.bytes().end());
  std::vector<std::byte> copy(frame.size());

  double codec_s = 0;
  double memcpy_s = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    reader r(bytes_view(frame).subspan(4));
    auto header = decode_request_header(r);
    auto body = decode_request_body(r, header->request_api_key, header->request_api_version);
    benchmark::DoNotOptimize(body);
    const auto t1 = clock_type::now();
    std::memcpy(copy.data(), frame.data(), frame.size());
    benchmark::DoNotOptimize(copy.data());
    benchmark::ClobberMemory();
    const auto t2 = clock_type::now();
    if (!body) state.SkipWithError("decode failed");
    codec_s += std::chrono::duration<double>(t1 - t0).count();
    memcpy_s += std::chrono::duration<double>(t2 - t1).count();
  }
  report(state, frame.size(), codec_s, memcpy_s);
}
BENCHMARK(decode_produce_v7);

void encode_fetch_v11(benchmark::State& state) {
  const auto blob = records_blob();
  fetch_response resp;
  resp.responses.resize(1);
  resp.responses[0].topic = "bench-topic";
  resp.responses[0].partitions.resize(partition_count);
  for (size_t p = 0; p < partition_count; ++p) {
    auto& part = resp.responses[0].partitions[p];
    part.partition_index = static_cast<int32_t>(p);
    part.high_watermark = 1000000;
    part.last_stable_offset = 1000000;
    part.log_start_offset = 0;
    part.aborted_transactions.emplace();
    part.records = bytes_view(blob);
  }
  writer w;
  encode_response_frame(w, 1, 11, resp);
  const size_t frame_bytes = w.size();
  std::vector<std::byte> src(frame_bytes);
  std::vector<std::byte> dst(frame_bytes);

  double codec_s = 0;
  double memcpy_s = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    w.clear();
    encode_response_frame(w, 1, 11, resp);
    benchmark::DoNotOptimize(w.bytes().data());
    const auto t1 = clock_type::now();
    std::memcpy(dst.data(), src.data(), frame_bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
    const auto t2 = clock_type::now();
    codec_s += std::chrono::duration<double>(t1 - t0).count();
    memcpy_s += std::chrono::duration<double>(t2 - t1).count();
  }
  report(state, frame_bytes, codec_s, memcpy_s);
}
BENCHMARK(encode_fetch_v11);

}  // namespace
}  // namespace ringtail::codec
