// Partition log benchmarks, each against a plain-syscall baseline on the same machine, in
// the same run, over the same bytes (see docs/PERFORMANCE.md, "Partition log"):
//   - append of 1 KiB and 64 KiB batches through partition_log on io_uring (uring_storage),
//     without fsync (Kafka's default) and with one group-commit fdatasync per MiB, vs a
//     sequential pwrite() loop of the same batch size (+ fdatasync per MiB);
//   - sequential read of the whole log through partition_log::read (1 MiB budget, recent-
//     append cache off: every byte comes from the page cache via io_uring) vs pread() of
//     1 MiB chunks into a page-aligned buffer;
//   - broker CPU seconds per GB appended (getrusage of the process, io_uring's kernel
//     workers included).
// Counters: `ratio` = baseline time / our time (>= 0.8 is the target), `log_MBps`,
// `baseline_MBps`, `cpu_s_per_GB`. Memory is warmed first (MACHINE.md: cold VM memory).
//
//   build/rel-log/bench/bench_core --benchmark_filter=Log --benchmark_repetitions=3
//   (RINGTAIL_BENCH_DIR picks the directory; default /tmp)
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/partition_log.h"
#include "ringtail/io/runtime.h"

namespace {

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
namespace codec = ringtail::codec;
using clock_type = std::chrono::steady_clock;

constexpr size_t mib = 1024 * 1024;
constexpr size_t run_bytes = 256 * mib;

std::string bench_dir() {
  const char* d = std::getenv("RINGTAIL_BENCH_DIR");
  return std::string(d ? d : "/tmp") + "/ringtail-bench-log";
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One batch of ~`batch_bytes` (records of 1 KiB or less).
std::vector<std::byte> make_batch(size_t batch_bytes) {
  codec::record_batch_builder b;
  const size_t record_value = std::min<size_t>(1000, batch_bytes - 100);
  std::vector<std::byte> value(record_value, std::byte{0x42});
  while (b.uncompressed_size_bytes() + record_value + 20 <= batch_bytes) {
    const std::span<const std::byte> v(value);
    b.append(1'700'000'000'000, std::nullopt, v);
  }
  if (b.empty()) b.append(1'700'000'000'000, std::nullopt, std::span<const std::byte>(value));
  auto out = b.finish();
  return std::vector<std::byte>(out->begin(), out->end());
}

void remove_tree(const std::string& d) {
  const std::string cmd = "rm -rf '" + d + "'";
  if (std::system(cmd.c_str()) != 0) std::abort();
}

// Plain sequential pwrite of `bytes` in `chunk` pieces, fdatasync every MiB if asked.
double baseline_write(const std::string& path, const std::vector<std::byte>& chunk, size_t bytes, bool sync) {
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  const auto t0 = clock_type::now();
  size_t since_sync = 0;
  for (size_t done = 0; done < bytes; done += chunk.size()) {
    if (::pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(done)) != static_cast<ssize_t>(chunk.size()))
      std::abort();
    since_sync += chunk.size();
    if (sync && since_sync >= mib) {
      ::fdatasync(fd);
      since_sync = 0;
    }
  }
  if (sync) ::fdatasync(fd);
  const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
  ::close(fd);
  ::unlink(path.c_str());
  return s;
}

double baseline_read(const std::string& path, size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  void* buf = std::aligned_alloc(4096, mib);
  const auto t0 = clock_type::now();
  size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd, buf, mib, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::free(buf);
  ::close(fd);
  return s;
}

struct log_run {
  double append_s = 0;
  double read_s = 0;
  double cpu_s = 0;
  size_t bytes = 0;
};

io::task<int> log_body(std::string dir, std::vector<std::byte>* batch, size_t bytes, bool sync, bool read_back,
                       log_run* out) {
  rlog::uring_storage fs;
  rlog::real_clock clk;
  rlog::recent_append_cache cache(0);  // measure the disk path (the cache adds one memcpy)
  rlog::log_config cfg;
  auto t = rlog::partition_log::open(dir, cfg, fs, clk, &cache);
  auto r = co_await std::move(t);
  if (!r) co_return 1;
  auto& l = **r;
  const double cpu0 = cpu_seconds();
  const auto t0 = clock_type::now();
  size_t since_sync = 0;
  size_t done = 0;
  while (done < bytes) {
    auto a = co_await l.append(std::span(*batch), 0, std::nullopt);
    if (!a) {
      std::fprintf(stderr, "append failed: %s\n", std::string(rlog::to_string(a.error())).c_str());
      co_return 2;
    }
    done += batch->size();
    since_sync += batch->size();
    if (sync && since_sync >= mib) {
      auto f = co_await l.flush();  // group commit: one fdatasync for the last MiB of appends
      if (!f) co_return 3;
      since_sync = 0;
    }
  }
  if (sync) (void)co_await l.flush();
  out->append_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  out->cpu_s = cpu_seconds() - cpu0;
  out->bytes = done;
  if (read_back) {
    const auto r0 = clock_type::now();
    int64_t offset = 0;
    size_t read = 0;
    while (offset < l.log_end_offset()) {
      auto rd = co_await l.read(offset, mib, INT64_MAX, true);
      if (!rd || rd->chunks.empty()) co_return 4;
      read += rd->size_bytes;
      offset = rd->next_offset;
    }
    out->read_s = std::chrono::duration<double>(clock_type::now() - r0).count();
    if (read != done) co_return 5;
  }
  auto rm = co_await l.remove();
  co_return rm ? 0 : 6;
}

log_run run_log(const std::string& dir, std::vector<std::byte>& batch, size_t bytes, bool sync, bool read_back) {
  io::runtime_config rc;
  rc.shards = 1;
  rc.pin_threads = false;
  io::runtime rt(rc);
  log_run out;
  const int rcode = rt.run([&]() -> io::task<int> { return log_body(dir, &batch, bytes, sync, read_back, &out); });
  if (rcode != 0) {
    std::fprintf(stderr, "log benchmark body failed with %d\n", rcode);
    std::abort();
  }
  return out;
}

void warm(const std::string& dir) {
  static bool warmed = false;
  if (warmed) return;
  warmed = true;
  std::vector<std::byte> chunk(mib, std::byte{1});
  (void)baseline_write(dir + "/warm", chunk, run_bytes + 64 * mib, false);
}

void BM_LogAppend(benchmark::State& state) {
  const size_t batch_bytes = static_cast<size_t>(state.range(0));
  const bool sync = state.range(1) != 0;
  const std::string dir = bench_dir();
  remove_tree(dir);
  ::mkdir(dir.c_str(), 0755);
  warm(dir);
  auto batch = make_batch(batch_bytes);
  const size_t bytes = sync ? run_bytes / 4 : run_bytes;
  double ours = 0, base = 0, cpu = 0;
  size_t total = 0;
  for (auto _ : state) {
    base += baseline_write(dir + "/baseline", batch, bytes, sync);
    const log_run r = run_log(dir + "/t-0", batch, bytes, sync, false);
    ours += r.append_s;
    cpu += r.cpu_s;
    total += r.bytes;
    state.SetIterationTime(r.append_s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["log_MBps"] = static_cast<double>(total) / ours / 1e6;
  state.counters["baseline_MBps"] = static_cast<double>(total) / base / 1e6;
  state.counters["ratio"] = base / ours;
  state.counters["cpu_s_per_GB"] = cpu / (static_cast<double>(total) / 1e9);
  remove_tree(dir);
}

void BM_LogSequentialRead(benchmark::State& state) {
  const size_t batch_bytes = static_cast<size_t>(state.range(0));
  const std::string dir = bench_dir();
  remove_tree(dir);
  ::mkdir(dir.c_str(), 0755);
  warm(dir);
  auto batch = make_batch(batch_bytes);
  double ours = 0, base = 0;
  size_t total = 0;
  for (auto _ : state) {
    const log_run r = run_log(dir + "/t-0", batch, run_bytes, false, true);
    ours += r.read_s;
    total += r.bytes;
    // Baseline: the same bytes, written plainly, read back with pread.
    std::vector<std::byte> chunk(mib, std::byte{7});
    const std::string path = dir + "/baseline-read";
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    for (size_t done = 0; done < r.bytes; done += mib) {
      if (::pwrite(fd, chunk.data(), mib, static_cast<off_t>(done)) != static_cast<ssize_t>(mib)) std::abort();
    }
    ::close(fd);
    base += baseline_read(path, r.bytes);
    ::unlink(path.c_str());
    state.SetIterationTime(r.read_s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["log_MBps"] = static_cast<double>(total) / ours / 1e6;
  state.counters["baseline_MBps"] = static_cast<double>(total) / base / 1e6;
  state.counters["ratio"] = base / ours;
  remove_tree(dir);
}

}  // namespace

BENCHMARK(BM_LogAppend)
    ->ArgsProduct({{1024, 64 * 1024}, {0, 1}})
    ->ArgNames({"batch_bytes", "fdatasync_per_MiB"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LogSequentialRead)
    ->Arg(64 * 1024)
    ->ArgNames({"batch_bytes"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
