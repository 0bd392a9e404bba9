// sim_storage: an in-memory file system for deterministic tests of the log, in the
// spirit of TigerBeetle's simulator. Each file keeps the bytes a reader sees now (the
// "page cache") and the bytes that were durable at its last sync. Faults, all drawn from
// one seeded generator so a failing run replays from its printed seed:
// - short writes: a write stores a random prefix of its bytes, then fails (EIO);
// - ENOSPC: a write stores nothing and fails with no_space;
// - fsync errors: sync fails with EIO and makes nothing durable;
// - crash(): every file goes back to its durable bytes plus, when torn writes are on, a
//   random prefix of what was written after the last sync (a file cut mid-batch), and,
//   when flips are on, a flipped byte in that unsynced tail, and, for a file being
//   appended to (expect_appends() and written since, no end_appends() or close()), up
//   to prepared_zeros_on_crash_max zero bytes after all that — what uring_storage's
//   prepared window (io/tail_map.h) leaves after a crash;
// - flip_byte(): corrupts one byte of a file (bit rot).
// Directory operations are durable at once (the simulation does not model lost renames).
// Operations complete immediately (the tasks never suspend). Single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ringtail/core/log/storage.h"

namespace ringtail::core::log {

struct sim_faults {
  double short_write_probability = 0;
  double no_space_probability = 0;
  double sync_error_probability = 0;
  bool torn_writes_on_crash = true;
  double flip_on_crash_probability = 0;
  size_t prepared_zeros_on_crash_max = 0;
};

class sim_storage final : public storage {
 public:
  explicit sim_storage(uint64_t seed, sim_faults faults = {}) : rng_(seed), faults_(faults) {}

  io::task<io::result<std::unique_ptr<storage_file>>> open(std::string path, bool create) override;
  io::task<io::result<void>> rename(std::string from, std::string to) override;
  io::task<io::result<void>> unlink(std::string path) override;
  io::task<io::result<void>> make_directory(std::string path) override;
  io::task<io::result<void>> remove_directory(std::string path) override;
  io::task<io::result<void>> sync_directory(std::string path) override;
  io::task<io::result<bool>> exists(std::string path) override;
  io::result<std::vector<std::string>> list_directory(const std::string& dir) override;

  // Simulates a power cut (see above). Open handles keep working on the new contents;
  // tests drop the log object first, as a dead process would.
  void crash();
  // Flips one byte at `offset` of `path` in both the visible and the durable bytes.
  void flip_byte(const std::string& path, uint64_t offset);
  // Truncates `path` (visible and durable) to `size`.
  void cut(const std::string& path, uint64_t size);
  void set_faults(const sim_faults& f) { faults_ = f; }
  // Fail the next n writes (any file) with no_space / the next n syncs with EIO.
  void fail_next_writes_no_space(int n) { fail_writes_no_space_ = n; }
  void fail_next_syncs(int n) { fail_syncs_ = n; }
  void fail_next_short_writes(int n) { fail_short_writes_ = n; }

  bool has_file(const std::string& path) const { return files_.count(path) != 0; }
  std::vector<std::byte> contents(const std::string& path) const;
  uint64_t syncs() const { return syncs_; }
  uint64_t reads() const { return reads_; }    // read_at calls, any file
  uint64_t writes() const { return writes_; }  // write_at calls, any file

  struct file_state {
    std::vector<std::byte> data;
    std::vector<std::byte> durable;
    bool expects_appends = false;  // storage_file::expect_appends() was called
    bool appending = false;        // written since, not ended (end_appends/close)
  };

 private:
  friend class sim_file;
  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  std::mt19937_64 rng_;
  sim_faults faults_;
  std::map<std::string, std::shared_ptr<file_state>> files_;
  std::map<std::string, bool> dirs_;
  int fail_writes_no_space_ = 0;
  int fail_syncs_ = 0;
  int fail_short_writes_ = 0;
  uint64_t syncs_ = 0;
  uint64_t reads_ = 0;
  uint64_t writes_ = 0;
};

}  // namespace ringtail::core::log
