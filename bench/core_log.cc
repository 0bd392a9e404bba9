// Partition log benchmarks, each against a plain-syscall baseline on the same machine, in
// the same run, over the same bytes (see docs/PERFORMANCE.md, "Partition log"):
//   - BM_LogAppend: one appender awaiting each append of an N-byte batch through
//     partition_log on io_uring (uring_storage), without fsync (Kafka's default) and with
//     one group-commit fdatasync per MiB, vs a sequential pwrite() loop of the same
//     N-byte chunks (+ fdatasync per MiB). Also the floor for a single appender whose
//     writes go through io_uring (the log's path for writes >= 8 KiB; smaller ones are
//     a memcpy through io::tail_map): the same chunks written by io::file::write_at,
//     one awaited at a time.
//   - BM_LogAppendConcurrent: `appenders` tasks appending N-byte batches at once (many
//     producer connections on one partition, or 5: one producer's pipelined requests);
//     the log groups what queues while a write is in flight into one writev. Two
//     baselines, both in the same iteration: pwrite() of each batch, and pwrite() of
//     chunks the size of the log's mean write (the same chunking the log used).
//     fdatasync_per_MiB=1 uses flush.messages (a MiB of records): appends wait for the
//     group-commit fdatasync that covers them.
//   - BM_LogSequentialRead: the whole log read through partition_log::read (1 MiB budget,
//     recent-append cache off: every byte from the page cache via io_uring) vs pread() of
//     1 MiB chunks of the same segment file (same bytes, same page-cache pages) into a
//     page-aligned buffer, before and after; also pread() of a fresh file written with
//     1 MiB pwrites (how the old baseline was made: larger page-cache folios).
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

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/partition_log.h"
#include "ringtail/io/event.h"
#include "ringtail/io/file.h"
#include "ringtail/io/runtime.h"

namespace {

namespace io = ringtail::io;
namespace rlog = ringtail::core::log;
namespace codec = ringtail::codec;
using clock_type = std::chrono::steady_clock;

constexpr size_t mib = 1024 * 1024;
constexpr size_t run_bytes = 256 * mib;
constexpr int read_passes = 4;  // BM_LogSequentialRead reads the log this many times

// The shard is pinned to a core, as the broker pins its shards (runtime_config's
// default), unless RINGTAIL_BENCH_UNPINNED=1. It matters on this VM: io_uring's io-wq
// workers inherit the ring owner's CPU mask, and when they may run on the other, idle
// vCPU every buffered write costs two cross-CPU wake-ups of a halted vCPU (~75 us per
// round trip measured on an idle machine, ~8 us pinned; see docs/PERFORMANCE.md).
bool pin_shard() {
  const char* u = std::getenv("RINGTAIL_BENCH_UNPINNED");
  return u == nullptr || std::string(u) != "1";
}

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
  double same_file_pread_s = 0;  // baseline: pread of the log's own segment file
  double cpu_s = 0;
  size_t bytes = 0;
  uint64_t writes = 0;  // writes of the .log file the appends took
};

// What log_body does after the appends.
struct log_options {
  bool sync = false;        // flush per MiB (single appender) / flush.messages (concurrent)
  bool read_back = false;   // read the log sequentially, then pread its segment file
  bool cache = false;       // recent-append cache on (the broker's default)
  size_t appenders = 1;     // >1: concurrent appenders (BM_LogAppendConcurrent)
};

rlog::log_config bench_log_config(const std::vector<std::byte>& batch, const log_options& o) {
  rlog::log_config cfg;
  // Concurrent appenders: the log's own flush policy (flush.messages = one MiB of
  // records), so appends wait for the group-commit fdatasync covering them.
  // flush.messages counts records, not batches.
  if (o.sync && o.appenders > 1) {
    codec::record_batch_reader r(batch);
    auto b = r.next();
    const int64_t records = (b && *b) ? (*b)->last_offset() - (*b)->base_offset() + 1 : 1;
    cfg.flush_messages = std::max<int64_t>(1, static_cast<int64_t>(mib / batch.size()) * records);
  }
  return cfg;
}

// One of `appenders` tasks of BM_LogAppendConcurrent: appends its own copy of the batch
// (append patches the bytes in place) until the shared byte budget is used up.
struct appender_ctx {
  rlog::partition_log* log;
  std::vector<std::byte> batch;
  size_t* bytes_left;
  size_t* bytes_done;
  size_t* running;
  bool* failed;
  io::event* finished;
};

io::task<void> appender(appender_ctx* c) {
  while (*c->bytes_left >= c->batch.size() && !*c->failed) {
    *c->bytes_left -= c->batch.size();
    auto a = co_await c->log->append(std::span(c->batch), 0, std::nullopt);
    if (!a) {
      std::fprintf(stderr, "append failed: %s\n", std::string(rlog::to_string(a.error())).c_str());
      *c->failed = true;
      break;
    }
    *c->bytes_done += c->batch.size();
  }
  if (--*c->running == 0) c->finished->notify_all();
}

io::task<int> log_body(std::string dir, std::vector<std::byte>* batch, size_t bytes, log_options o, log_run* out) {
  rlog::uring_storage fs;
  rlog::real_clock clk;
  // Cache off measures the disk path; on (the broker's default) adds one copy per write.
  rlog::recent_append_cache cache(o.cache ? 64 * mib : 0);
  const rlog::log_config cfg = bench_log_config(*batch, o);
  auto t = rlog::partition_log::open(dir, cfg, fs, clk, &cache);
  auto r = co_await std::move(t);
  if (!r) co_return 1;
  auto& l = **r;
  const double cpu0 = cpu_seconds();
  const auto t0 = clock_type::now();
  size_t done = 0;
  if (o.appenders <= 1) {
    size_t since_sync = 0;
    while (done < bytes) {
      auto a = co_await l.append(std::span(*batch), 0, std::nullopt);
      if (!a) {
        std::fprintf(stderr, "append failed: %s\n", std::string(rlog::to_string(a.error())).c_str());
        co_return 2;
      }
      done += batch->size();
      since_sync += batch->size();
      if (o.sync && since_sync >= mib) {
        auto f = co_await l.flush();  // group commit: one fdatasync for the last MiB of appends
        if (!f) co_return 3;
        since_sync = 0;
      }
    }
  } else {
    size_t left = bytes;
    size_t running = o.appenders;
    bool failed = false;
    io::event finished;
    std::vector<appender_ctx> ctxs(o.appenders, appender_ctx{&l, *batch, &left, &done, &running, &failed, &finished});
    for (auto& c : ctxs) io::spawn(appender(&c));
    while (running > 0) (void)co_await finished.wait();
    if (failed) co_return 2;
  }
  if (o.sync) (void)co_await l.flush();
  out->append_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  out->cpu_s = cpu_seconds() - cpu0;
  out->bytes = done;
  out->writes = l.append_counters().writes;
  if (o.read_back) {
    if (l.segment_count() != 1) co_return 7;
    // Baseline: the same bytes, the same file, the same page-cache pages, read with a
    // blocking pread loop (the benchmark harness, not the data path). The log's read
    // and the baseline alternate, read_passes times each, first one then the other
    // going first, so drifting load on the shared machine hits both alike.
    const std::string segment_path = dir + "/" + rlog::segment_file_stem(0) + ".log";
    for (int pass = 0; pass < read_passes; ++pass) {
      if (pass % 2 == 0) out->same_file_pread_s += baseline_read(segment_path, done);
      const auto r0 = clock_type::now();
      int64_t offset = 0;
      size_t read = 0;
      while (offset < l.log_end_offset()) {
        auto rd = co_await l.read(offset, mib, INT64_MAX, true);
        if (!rd || rd->chunks.empty()) co_return 4;
        read += rd->size_bytes;
        offset = rd->next_offset;
      }
      out->read_s += std::chrono::duration<double>(clock_type::now() - r0).count();
      if (read != done) co_return 5;
      if (pass % 2 == 1) out->same_file_pread_s += baseline_read(segment_path, done);
    }
  }
  auto rm = co_await l.remove();
  co_return rm ? 0 : 6;
}

log_run run_log(const std::string& dir, std::vector<std::byte>& batch, size_t bytes, const log_options& o) {
  io::runtime_config rc;
  rc.shards = 1;
  rc.pin_threads = pin_shard();
  io::runtime rt(rc);
  log_run out;
  const int rcode = rt.run([&]() -> io::task<int> { return log_body(dir, &batch, bytes, o, &out); });
  if (rcode != 0) {
    std::fprintf(stderr, "log benchmark body failed with %d\n", rcode);
    std::abort();
  }
  return out;
}

// The floor for a single appender on io_uring: the same chunks written with
// io::file::write_at, each awaited before the next (+ fdatasync per MiB), no log.
io::task<int> uring_write_body(std::string path, const std::vector<std::byte>* chunk, size_t bytes, bool sync,
                               double* seconds) {
  auto f = co_await io::file::open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (!f) co_return 1;
  const auto t0 = clock_type::now();
  size_t since_sync = 0;
  for (size_t done = 0; done < bytes; done += chunk->size()) {
    auto w = co_await f->write_at(done, std::span(*chunk));
    if (!w) co_return 2;
    since_sync += chunk->size();
    if (sync && since_sync >= mib) {
      if (!co_await f->fdatasync()) co_return 3;
      since_sync = 0;
    }
  }
  if (sync && !co_await f->fdatasync()) co_return 3;
  *seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  (void)co_await f->close();
  co_return 0;
}

double run_uring_write(const std::string& path, const std::vector<std::byte>& chunk, size_t bytes, bool sync) {
  io::runtime_config rc;
  rc.shards = 1;
  rc.pin_threads = pin_shard();
  io::runtime rt(rc);
  double s = 0;
  const int rcode = rt.run([&]() -> io::task<int> { return uring_write_body(path, &chunk, bytes, sync, &s); });
  if (rcode != 0) std::abort();
  ::unlink(path.c_str());
  return s;
}

// An empty benchmark directory; the first call also warms memory (MACHINE.md: cold VM
// memory) by writing a file the size of a run.
std::string fresh_bench_dir() {
  const std::string dir = bench_dir();
  remove_tree(dir);
  ::mkdir(dir.c_str(), 0755);
  static bool warmed = false;
  if (!warmed) {
    warmed = true;
    std::vector<std::byte> chunk(mib, std::byte{1});
    (void)baseline_write(dir + "/warm", chunk, run_bytes + 64 * mib, false);
  }
  return dir;
}

void BM_LogAppend(benchmark::State& state) {
  const size_t batch_bytes = static_cast<size_t>(state.range(0));
  log_options o;
  o.sync = state.range(1) != 0;
  const std::string dir = fresh_bench_dir();
  auto batch = make_batch(batch_bytes);
  const size_t bytes = o.sync ? run_bytes / 4 : run_bytes;
  double ours = 0, base = 0, uring = 0, cpu = 0;
  size_t total = 0;
  for (auto _ : state) {
    base += baseline_write(dir + "/baseline", batch, bytes, o.sync);
    uring += run_uring_write(dir + "/uring", batch, bytes, o.sync);
    const log_run r = run_log(dir + "/t-0", batch, bytes, o);
    ours += r.append_s;
    cpu += r.cpu_s;
    total += r.bytes;
    state.SetIterationTime(r.append_s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["log_MBps"] = static_cast<double>(total) / ours / 1e6;
  state.counters["baseline_MBps"] = static_cast<double>(total) / base / 1e6;
  state.counters["ratio"] = base / ours;
  state.counters["uring_MBps"] = static_cast<double>(total) / uring / 1e6;
  state.counters["uring_ratio"] = base / uring;  // the io_uring floor, no log
  state.counters["cpu_s_per_GB"] = cpu / (static_cast<double>(total) / 1e9);
  remove_tree(dir);
}

void BM_LogAppendConcurrent(benchmark::State& state) {
  const size_t batch_bytes = static_cast<size_t>(state.range(0));
  log_options o;
  o.appenders = static_cast<size_t>(state.range(1));
  o.sync = state.range(2) != 0;
  o.cache = state.range(3) != 0;
  const std::string dir = fresh_bench_dir();
  auto batch = make_batch(batch_bytes);
  const size_t bytes = o.sync ? run_bytes / 4 : run_bytes;
  double ours = 0, base_batches = 0, base_grouped = 0, cpu = 0;
  size_t total = 0;
  uint64_t writes = 0;
  for (auto _ : state) {
    base_batches += baseline_write(dir + "/baseline", batch, bytes, o.sync);
    const log_run r = run_log(dir + "/t-0", batch, bytes, o);
    ours += r.append_s;
    cpu += r.cpu_s;
    total += r.bytes;
    writes += r.writes;
    // The same bytes in the log's own chunking: whole batches, as many as its mean write.
    const size_t per_write = std::max<size_t>(1, r.bytes / std::max<uint64_t>(1, r.writes) / batch.size());
    std::vector<std::byte> grouped;
    for (size_t i = 0; i < per_write; ++i) grouped.insert(grouped.end(), batch.begin(), batch.end());
    base_grouped += baseline_write(dir + "/baseline", grouped, r.bytes / grouped.size() * grouped.size(), o.sync);
    state.SetIterationTime(r.append_s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["log_MBps"] = static_cast<double>(total) / ours / 1e6;
  state.counters["baseline_MBps"] = static_cast<double>(total) / base_batches / 1e6;
  state.counters["ratio"] = base_batches / ours;  // vs pwrite() of each batch
  state.counters["grouped_MBps"] = static_cast<double>(total) / base_grouped / 1e6;
  state.counters["grouped_ratio"] = base_grouped / ours;  // vs pwrite() in the log's chunking
  state.counters["write_KiB"] = static_cast<double>(total) / static_cast<double>(writes) / 1024;
  state.counters["cpu_s_per_GB"] = cpu / (static_cast<double>(total) / 1e9);
  remove_tree(dir);
}

void BM_LogSequentialRead(benchmark::State& state) {
  const size_t batch_bytes = static_cast<size_t>(state.range(0));
  const std::string dir = fresh_bench_dir();
  auto batch = make_batch(batch_bytes);
  log_options o;
  o.read_back = true;
  double ours = 0, base = 0, fresh = 0;
  size_t total = 0;
  for (auto _ : state) {
    const log_run r = run_log(dir + "/t-0", batch, run_bytes, o);
    ours += r.read_s;
    base += r.same_file_pread_s;
    total += r.bytes * read_passes;
    // Second reference: a fresh file written with 1 MiB pwrites (larger page-cache folios
    // than a log written 64 KiB at a time), read back with pread.
    std::vector<std::byte> chunk(mib, std::byte{7});
    const std::string path = dir + "/baseline-read";
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    for (size_t done = 0; done < r.bytes; done += mib) {
      if (::pwrite(fd, chunk.data(), mib, static_cast<off_t>(done)) != static_cast<ssize_t>(mib)) std::abort();
    }
    ::close(fd);
    for (int pass = 0; pass < read_passes; ++pass) fresh += baseline_read(path, r.bytes);
    ::unlink(path.c_str());
    state.SetIterationTime(r.read_s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(total));
  state.counters["log_MBps"] = static_cast<double>(total) / ours / 1e6;
  state.counters["baseline_MBps"] = static_cast<double>(total) / base / 1e6;
  state.counters["ratio"] = base / ours;
  state.counters["fresh_file_MBps"] = static_cast<double>(total) / fresh / 1e6;
  state.counters["fresh_file_ratio"] = fresh / ours;
  remove_tree(dir);
}

}  // namespace

BENCHMARK(BM_LogAppend)
    ->ArgsProduct({{1024, 64 * 1024}, {0, 1}})
    ->ArgNames({"batch_bytes", "fdatasync_per_MiB"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LogAppendConcurrent)
    ->ArgsProduct({{1024}, {16, 64}, {0, 1}, {0, 1}})
    ->ArgNames({"batch_bytes", "appenders", "fdatasync_per_MiB", "cache"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
// One producer's pipelined requests (librdkafka's max.in.flight default is 5; the
// server handles a connection's requests concurrently), the broker's default cache on.
BENCHMARK(BM_LogAppendConcurrent)
    ->ArgsProduct({{1024, 64 * 1024}, {5}, {0, 1}, {1}})
    ->ArgNames({"batch_bytes", "appenders", "fdatasync_per_MiB", "cache"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LogSequentialRead)
    ->Arg(64 * 1024)
    ->ArgNames({"batch_bytes"})
    ->UseManualTime()
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
