// log::storage: the file system as the partition log sees it. Two implementations:
// uring_storage (io::file on the shard's io_uring: a shard never blocks in a file
// syscall) and sim_storage (sim_storage.h: in-memory files with injected faults for
// deterministic tests). One storage object per shard; files are shard-local.
//
// Semantics every implementation keeps:
// - write_at writes all of `data` or fails; after a failure a prefix of `data` may be in
//   the file (a short write), which the caller repairs by truncating.
// - sync makes every completed write to that file durable (fdatasync). A failed sync
//   leaves the durability of earlier writes unknown (fsyncgate): callers treat it as fatal.
// - A file told expect_appends() may be longer than what was written — zeros prepared
//   ahead of the appends (uring_storage: io/tail_map.h) — until end_appends() or
//   close(); size() is what was written. After a crash the zeros remain in the file.
// - Directory operations (rename, unlink, mkdir) are durable once sync_directory(dir)
//   returns.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ringtail/io/error.h"
#include "ringtail/io/task.h"

namespace ringtail::core::log {

class storage_file {
 public:
  virtual ~storage_file() = default;
  // Reads up to buf.size() bytes at `offset`; fewer only at the end of the file.
  virtual io::task<io::result<size_t>> read_at(uint64_t offset, std::span<std::byte> buf) = 0;
  // Writes every byte of `data` (several ranges, contiguous in the file from `offset`)
  // in one vectored write where the implementation can.
  virtual io::task<io::result<void>> write_at(uint64_t offset, std::span<const std::span<const std::byte>> data) = 0;
  virtual io::task<io::result<void>> sync() = 0;
  virtual io::task<io::result<void>> truncate(uint64_t size) = 0;
  virtual io::task<io::result<uint64_t>> size() = 0;
  virtual io::task<io::result<void>> close() = 0;
  // This file grows by writes at its end, up to about `max_bytes` (a segment's .log):
  // the implementation may prepare space ahead of them. Set once, before writing.
  virtual void expect_appends(uint64_t max_bytes) { (void)max_bytes; }
  // No more appends for now (a rolled or closing segment): give back space prepared
  // ahead, so the file ends where its data does.
  virtual io::task<io::result<void>> end_appends() { co_return io::result<void>{}; }
};

class storage {
 public:
  virtual ~storage() = default;
  // Opens (creating it if `create`) a file for reading and writing.
  virtual io::task<io::result<std::unique_ptr<storage_file>>> open(std::string path, bool create) = 0;
  virtual io::task<io::result<void>> rename(std::string from, std::string to) = 0;
  virtual io::task<io::result<void>> unlink(std::string path) = 0;
  virtual io::task<io::result<void>> make_directory(std::string path) = 0;  // existing is success
  virtual io::task<io::result<void>> remove_directory(std::string path) = 0;
  virtual io::task<io::result<void>> sync_directory(std::string path) = 0;
  virtual io::task<io::result<bool>> exists(std::string path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..". io_uring has no
  // getdents; this runs only when a log is opened or removed (startup, CreateTopics,
  // DeleteTopics), never on the data path, so the uring implementation reads the
  // directory with a plain blocking opendir/readdir.
  virtual io::result<std::vector<std::string>> list_directory(const std::string& dir) = 0;
};

// The production storage: every operation is an io_uring operation on the calling
// shard's ring (io/file.h), except list_directory (see above) and ftruncate (io::file).
// Files told expect_appends() are written through io::tail_map (a memcpy into a mapping
// the ring's workers prepare ahead) and synced over their written range only.
class uring_storage final : public storage {
 public:
  io::task<io::result<std::unique_ptr<storage_file>>> open(std::string path, bool create) override;
  io::task<io::result<void>> rename(std::string from, std::string to) override;
  io::task<io::result<void>> unlink(std::string path) override;
  io::task<io::result<void>> make_directory(std::string path) override;
  io::task<io::result<void>> remove_directory(std::string path) override;
  io::task<io::result<void>> sync_directory(std::string path) override;
  io::task<io::result<bool>> exists(std::string path) override;
  io::result<std::vector<std::string>> list_directory(const std::string& dir) override;
};

}  // namespace ringtail::core::log
