#include "ringtail/core/log/dump_log.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <span>
#include <sstream>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/log/offset_index.h"
#include "ringtail/core/log/segment.h"
#include "ringtail/core/log/time_index.h"

namespace ringtail::core::log {

namespace {

using codec::detail::load_be;

// A read-only mapping of a whole file.
class mapped_file {
 public:
  explicit mapped_file(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return;
    size_ = static_cast<size_t>(st.st_size);
    ok_ = true;
    if (size_ == 0) return;
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) {
      ok_ = false;
      return;
    }
    data_ = static_cast<const std::byte*>(p);
  }
  ~mapped_file() {
    if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  bool ok() const { return ok_; }
  std::span<const std::byte> bytes() const { return {data_, size_}; }

 private:
  int fd_ = -1;
  const std::byte* data_ = nullptr;
  size_t size_ = 0;
  bool ok_ = false;
};

const char* codec_name(uint8_t bits) {
  switch (bits) {
    case 0: return "none";
    case 1: return "gzip";
    case 2: return "snappy";
    case 3: return "lz4";
    case 4: return "zstd";
    default: return "invalid";
  }
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string sibling(const std::string& path, const std::string& from_suffix, const std::string& to_suffix) {
  return path.substr(0, path.size() - from_suffix.size()) + to_suffix;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The batch starting exactly at `position` of a .log, if there is a whole one.
std::optional<codec::record_batch_view> batch_at(std::span<const std::byte> log, uint64_t position) {
  if (position + codec::record_batch_header_bytes > log.size()) return std::nullopt;
  const int32_t len = load_be<int32_t>(log.data() + position + codec::batch_layout::batch_length);
  if (len < codec::batch_length_min || position + codec::log_overhead_bytes + static_cast<uint64_t>(len) > log.size())
    return std::nullopt;
  auto v = codec::record_batch_view::parse(log.subspan(position, codec::log_overhead_bytes + static_cast<size_t>(len)));
  if (!v) return std::nullopt;
  return *v;
}

int dump_log_file(const std::string& path, bool print_data) {
  mapped_file f(path);
  if (!f.ok()) {
    std::fprintf(stderr, "dump-log: cannot read %s\n", path.c_str());
    return 1;
  }
  const auto base = parse_segment_file_name(base_name(path), ".log");
  std::printf("Dumping %s\n", path.c_str());
  if (base) std::printf("Log starting offset: %" PRId64 "\n", *base);
  const auto log = f.bytes();
  uint64_t pos = 0;
  int64_t expected_next = base.value_or(0);
  int status = 0;
  codec::byte_buffer scratch;
  while (pos < log.size()) {
    auto b = batch_at(log, pos);
    if (!b || b->magic() != codec::record_batch_magic) {
      const auto rest = log.subspan(pos);
      if (std::all_of(rest.begin(), rest.end(), [](std::byte c) { return c == std::byte{0}; })) {
        // The broker's active segment (or one left by a crash): space prepared ahead of
        // appends (io/tail_map.h), which recovery or a clean close cuts off.
        std::printf("Found %" PRIu64 " zero bytes after the last batch (position %" PRIu64
                    "): space prepared for appends, not data\n",
                    static_cast<uint64_t>(rest.size()), pos);
        break;
      }
      std::printf("Found %" PRIu64 " invalid bytes at the end of %s (position %" PRIu64 "): torn or corrupt tail\n",
                  static_cast<uint64_t>(log.size() - pos), base_name(path).c_str(), pos);
      status = 1;
      break;
    }
    const bool crc_ok = b->compute_crc() == b->crc();
    if (!crc_ok) status = 1;
    if (b->base_offset() < expected_next) {
      std::printf("Offsets go backwards at position %" PRIu64 ": %" PRId64 " after %" PRId64 "\n", pos,
                  b->base_offset(), expected_next - 1);
      status = 1;
    }
    std::printf("baseOffset: %" PRId64 " lastOffset: %" PRId64 " count: %d baseSequence: %d lastSequence: %d "
                "producerId: %" PRId64 " producerEpoch: %d partitionLeaderEpoch: %d isTransactional: %s "
                "isControl: %s position: %" PRIu64 " %s: %" PRId64 " size: %zu magic: %d compresscodec: %s "
                "crcValid: %s\n",
                b->base_offset(), b->last_offset(), b->record_count(), b->base_sequence(),
                b->has_producer_id() ? b->last_sequence() : -1, b->producer_id(), b->producer_epoch(),
                b->partition_leader_epoch(), b->is_transactional() ? "true" : "false",
                b->is_control() ? "true" : "false", pos,
                b->ts_type() == codec::timestamp_type::log_append_time ? "LogAppendTime" : "CreateTime",
                b->max_timestamp(), b->size_bytes(), b->magic(), codec_name(b->compression_bits()),
                crc_ok ? "true" : "false");
    if (print_data && crc_ok) {
      auto records = b->records(scratch, size_t{1} << 30);
      if (!records) {
        std::printf("| cannot decode records\n");
        status = 1;
      } else {
        while (true) {
          auto r = records->next();
          if (!r) {
            std::printf("| invalid record\n");
            status = 1;
            break;
          }
          if (!*r) break;
          const auto& rec = **r;
          std::string payload;
          if (rec.value) {
            for (std::byte c : *rec.value) {
              const char ch = static_cast<char>(c);
              payload += (ch >= 32 && ch < 127) ? ch : '.';
            }
          }
          std::printf("| offset: %" PRId64 " %s: %" PRId64 " keySize: %d valueSize: %d headers: %d payload: %s\n",
                      b->offset_of(rec),
                      b->ts_type() == codec::timestamp_type::log_append_time ? "LogAppendTime" : "CreateTime",
                      b->timestamp_of(rec), rec.key ? static_cast<int>(rec.key->size()) : -1,
                      rec.value ? static_cast<int>(rec.value->size()) : -1, rec.header_count, payload.c_str());
        }
      }
    }
    expected_next = b->next_offset();
    pos += b->size_bytes();
  }
  return status;
}

int dump_index_file(const std::string& path, bool verify_only) {
  mapped_file f(path);
  if (!f.ok()) {
    std::fprintf(stderr, "dump-log: cannot read %s\n", path.c_str());
    return 1;
  }
  const auto base = parse_segment_file_name(base_name(path), ".index").value_or(0);
  const std::string log_path = sibling(path, ".index", ".log");
  mapped_file lf(log_path);
  std::printf("Dumping %s\n", path.c_str());
  const auto bytes = f.bytes();
  int status = 0;
  if (bytes.size() % offset_index::entry_bytes != 0) {
    std::printf("Index size %zu is not a multiple of %zu\n", bytes.size(), offset_index::entry_bytes);
    status = 1;
  }
  int64_t prev_offset = -1;
  int64_t prev_position = -1;
  for (size_t i = 0; i + offset_index::entry_bytes <= bytes.size(); i += offset_index::entry_bytes) {
    const int64_t offset = base + load_be<int32_t>(bytes.data() + i);
    const int64_t position = load_be<int32_t>(bytes.data() + i + 4);
    std::string problem;
    if (offset <= prev_offset || position <= prev_position) problem = "entries do not increase";
    if (problem.empty() && lf.ok()) {
      auto b = batch_at(lf.bytes(), static_cast<uint64_t>(position));
      if (!b) problem = "position is not the start of a batch in " + base_name(log_path);
      else if (offset < b->base_offset() || offset > b->last_offset())
        problem = "the batch at this position holds offsets " + std::to_string(b->base_offset()) + ".." +
                  std::to_string(b->last_offset());
    }
    if (!problem.empty()) {
      status = 1;
      std::printf("Index mismatch: offset: %" PRId64 " position: %" PRId64 ": %s\n", offset, position,
                  problem.c_str());
    } else if (!verify_only) {
      std::printf("offset: %" PRId64 " position: %" PRId64 "\n", offset, position);
    }
    prev_offset = offset;
    prev_position = position;
  }
  if (!lf.ok()) std::printf("(no %s next to it: entries not checked against the log)\n", base_name(log_path).c_str());
  return status;
}

int dump_time_index_file(const std::string& path, bool verify_only) {
  mapped_file f(path);
  if (!f.ok()) {
    std::fprintf(stderr, "dump-log: cannot read %s\n", path.c_str());
    return 1;
  }
  const auto base = parse_segment_file_name(base_name(path), ".timeindex").value_or(0);
  const std::string log_path = sibling(path, ".timeindex", ".log");
  mapped_file lf(log_path);
  std::printf("Dumping %s\n", path.c_str());
  const auto bytes = f.bytes();
  int status = 0;
  if (bytes.size() % time_index::entry_bytes != 0) {
    std::printf("Time index size %zu is not a multiple of %zu\n", bytes.size(), time_index::entry_bytes);
    status = 1;
  }
  // Max timestamp of every batch up to each offset, from the log, to check entries.
  std::vector<std::pair<int64_t, int64_t>> batches;  // (base offset, max timestamp)
  if (lf.ok()) {
    uint64_t pos = 0;
    while (auto b = batch_at(lf.bytes(), pos)) {
      batches.emplace_back(b->base_offset(), b->max_timestamp());
      pos += b->size_bytes();
    }
  }
  int64_t prev_ts = INT64_MIN;
  int64_t prev_offset = -1;
  for (size_t i = 0; i + time_index::entry_bytes <= bytes.size(); i += time_index::entry_bytes) {
    const int64_t ts = load_be<int64_t>(bytes.data() + i);
    const int64_t offset = base + load_be<int32_t>(bytes.data() + i + 8);
    std::string problem;
    if (ts <= prev_ts || offset < prev_offset) problem = "entries do not increase";
    if (problem.empty() && lf.ok()) {
      bool found = false;
      for (const auto& [bo, mt] : batches) {
        if (bo == offset) {
          found = true;
          if (mt != ts) problem = "the batch at this offset has max timestamp " + std::to_string(mt);
          break;
        }
      }
      if (!found) problem = "no batch starts at this offset in " + base_name(log_path);
    }
    if (!problem.empty()) {
      status = 1;
      std::printf("Time index mismatch: timestamp: %" PRId64 " offset: %" PRId64 ": %s\n", ts, offset,
                  problem.c_str());
    } else if (!verify_only) {
      std::printf("timestamp: %" PRId64 " offset: %" PRId64 "\n", ts, offset);
    }
    prev_ts = ts;
    prev_offset = offset;
  }
  return status;
}

}  // namespace

int run_dump_log_command(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  bool print_data = false;
  bool verify_only = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--files" && i + 1 < args.size()) {
      std::stringstream ss(args[++i]);
      std::string f;
      while (std::getline(ss, f, ',')) {
        if (!f.empty()) files.push_back(f);
      }
    } else if (args[i] == "--print-data-log") {
      print_data = true;
    } else if (args[i] == "--verify-index-only") {
      verify_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: ringtail dump-log --files <file.log|.index|.timeindex>[,...] [--print-data-log] "
                   "[--verify-index-only]\n");
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "dump-log: --files is required\n");
    return 2;
  }
  int status = 0;
  for (const auto& f : files) {
    int s;
    if (ends_with(f, ".log")) s = dump_log_file(f, print_data);
    else if (ends_with(f, ".index")) s = dump_index_file(f, verify_only);
    else if (ends_with(f, ".timeindex")) s = dump_time_index_file(f, verify_only);
    else {
      std::fprintf(stderr, "dump-log: %s: not a .log, .index or .timeindex file\n", f.c_str());
      s = 1;
    }
    status = std::max(status, s);
  }
  return status;
}

}  // namespace ringtail::core::log
