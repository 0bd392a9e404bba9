// Files on the shard's ring: open, positional read/write (short transfers continued),
// vectored write, fdatasync, fallocate, statx size, close, and the directory operations
// (unlink, rename, mkdir). Everything is an io_uring operation, so a shard thread never
// blocks in a file syscall. Note (MACHINE.md): buffered writes on ext4 are punted to
// kernel workers; reads from the page cache complete inline.
#pragma once

#include <fcntl.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ringtail/io/cancel.h"
#include "ringtail/io/error.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

class file {
 public:
  file() = default;
  explicit file(int fd) noexcept : fd_(fd) {}
  file(file&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  file& operator=(file&& o) noexcept;
  ~file();  // closes synchronously only if close() was not awaited (error paths)
  file(const file&) = delete;
  file& operator=(const file&) = delete;

  static task<result<file>> open(std::string path, int flags, mode_t mode = 0644);

  int fd() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }

  // Reads up to buf.size() bytes at `offset`; fewer only at end of file.
  task<result<size_t>> read_at(uint64_t offset, std::span<std::byte> buf) const;
  // Writes all of `data` at `offset`.
  task<result<void>> write_at(uint64_t offset, std::span<const std::byte> data) const;
  // Writes all iovecs at `offset` (modifies `iov`).
  task<result<void>> writev_at(uint64_t offset, std::span<iovec> iov) const;

  struct write_request {
    uint64_t offset;
    std::span<const std::byte> data;
  };
  // Writes several ranges in order, linked (IOSQE_IO_LINK), optionally followed by an
  // fdatasync in the same chain, so the sync covers the writes. One submission. A short
  // write breaks the chain: it is reported as errc::io_error naming nothing was lost —
  // the caller retries from its own record of what was written.
  task<result<void>> write_linked(std::span<const write_request> writes, bool then_fdatasync) const;

  task<result<void>> fdatasync() const;
  // fdatasync of [offset, offset + length) only (IORING_OP_FSYNC's range; ext4 writes
  // back just those pages, then commits the journal as a whole-file fdatasync does).
  task<result<void>> fdatasync_range(uint64_t offset, uint64_t length) const;
  task<result<void>> fsync() const;
  task<result<void>> fallocate(int mode, uint64_t offset, uint64_t length) const;
  task<result<void>> truncate(uint64_t length) const;  // ftruncate (setup path, plain syscall)
  task<result<uint64_t>> size() const;
  task<result<void>> close();

 private:
  int fd_ = -1;
};

task<result<void>> unlink(std::string path);
task<result<void>> remove_directory(std::string path);
task<result<void>> rename(std::string from, std::string to);
task<result<void>> make_directory(std::string path, mode_t mode = 0755);  // EEXIST is success
task<result<uint64_t>> file_size(std::string path);

}  // namespace ringtail::io
