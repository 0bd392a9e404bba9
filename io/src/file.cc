#include "ringtail/io/file.h"

#include <linux/stat.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "ringtail/io/op.h"

namespace ringtail::io {

namespace {
result<void> ok_or(int32_t res) {
  if (res < 0) return unexpected{error::from_errno(-res)};
  return {};
}
}  // namespace

file& file::operator=(file&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

file::~file() {
  if (fd_ >= 0) ::close(fd_);
}

task<result<file>> file::open(std::string path, int flags, mode_t mode) {
  int32_t res = co_await uring_op(
      [&](io_uring_sqe* s) { io_uring_prep_openat(s, AT_FDCWD, path.c_str(), flags | O_CLOEXEC, mode); });
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return file(res);
}

task<result<size_t>> file::read_at(uint64_t offset, std::span<std::byte> buf) const {
  size_t done = 0;
  while (done < buf.size()) {
    int32_t res = co_await uring_op([&](io_uring_sqe* s) {
      io_uring_prep_read(s, fd_, buf.data() + done, static_cast<unsigned>(buf.size() - done), offset + done);
    });
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    if (res == 0) break;  // end of file
    done += static_cast<size_t>(res);
  }
  co_return done;
}

task<result<void>> file::write_at(uint64_t offset, std::span<const std::byte> data) const {
  while (!data.empty()) {
    int32_t res = co_await uring_op([&](io_uring_sqe* s) {
      io_uring_prep_write(s, fd_, data.data(), static_cast<unsigned>(data.size()), offset);
    });
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    if (res == 0) co_return unexpected{error::of(errc::io_error)};  // no progress: never spin
    data = data.subspan(static_cast<size_t>(res));
    offset += static_cast<uint64_t>(res);
  }
  co_return result<void>{};
}

task<result<void>> file::writev_at(uint64_t offset, std::span<iovec> iov) const {
  while (!iov.empty() && iov.front().iov_len == 0) iov = iov.subspan(1);
  while (!iov.empty()) {
    const unsigned n = static_cast<unsigned>(std::min<size_t>(iov.size(), IOV_MAX));
    int32_t res = co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_writev(s, fd_, iov.data(), n, offset); });
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    if (res == 0) co_return unexpected{error::of(errc::io_error)};
    offset += static_cast<uint64_t>(res);
    size_t written = static_cast<size_t>(res);
    while (!iov.empty() && written >= iov.front().iov_len) {
      written -= iov.front().iov_len;
      iov = iov.subspan(1);
    }
    if (written > 0) {
      iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + written;
      iov.front().iov_len -= written;
    }
  }
  co_return result<void>{};
}

task<result<void>> file::write_linked(std::span<const write_request> writes, bool then_fdatasync) const {
  const size_t n = writes.size() + (then_fdatasync ? 1 : 0);
  linked_chain chain(n);
  reactor& r = local();
  // A chain must go to the kernel in one submission; make room for all of it first.
  RT_ASSERT(n <= 64, "write_linked: at most 64 linked operations");
  if (io_uring_sq_space_left(r.ring()) < n) r.flush_submissions();
  for (size_t i = 0; i < writes.size(); ++i) {
    io_uring_sqe* s = r.get_sqe();
    io_uring_prep_write(s, fd_, writes[i].data.data(), static_cast<unsigned>(writes[i].data.size()), writes[i].offset);
    if (i + 1 < n) s->flags |= IOSQE_IO_LINK;  // a short write breaks the chain
    chain.links()[i].expected = static_cast<uint32_t>(writes[i].data.size());
    io_uring_sqe_set_data(s, static_cast<completion*>(&chain.links()[i]));
  }
  if (then_fdatasync) {
    io_uring_sqe* s = r.get_sqe();
    io_uring_prep_fsync(s, fd_, IORING_FSYNC_DATASYNC);
    io_uring_sqe_set_data(s, static_cast<completion*>(&chain.links().back()));
  }
  co_await chain;
  for (const auto& l : chain.links()) {
    if (l.res < 0) co_return unexpected{error::from_errno(-l.res)};
    if (l.expected != 0 && static_cast<uint32_t>(l.res) != l.expected) co_return unexpected{error::of(errc::io_error)};
  }
  co_return result<void>{};
}

task<result<void>> file::fdatasync() const {
  co_return ok_or(co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_fsync(s, fd_, IORING_FSYNC_DATASYNC); }));
}

task<result<void>> file::fdatasync_range(uint64_t offset, uint64_t length) const {
  if (length == 0) co_return result<void>{};
  // The SQE's range length is 32 bits; a longer range syncs to the end of the file.
  const uint32_t len = length > UINT32_MAX ? 0 : static_cast<uint32_t>(length);
  co_return ok_or(co_await uring_op([&](io_uring_sqe* s) {
    io_uring_prep_fsync(s, fd_, IORING_FSYNC_DATASYNC);
    s->off = offset;
    s->len = len;
  }));
}

task<result<void>> file::fsync() const {
  co_return ok_or(co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_fsync(s, fd_, 0); }));
}

task<result<void>> file::fallocate(int mode, uint64_t offset, uint64_t length) const {
  co_return ok_or(co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_fallocate(s, fd_, mode, offset, length); }));
}

task<result<void>> file::truncate(uint64_t length) const {
  // IORING_OP_FTRUNCATE arrived only in Linux 6.9; truncation is rare (recovery,
  // segment roll), not on the data path.
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0) co_return unexpected{error::from_errno(errno)};
  co_return result<void>{};
}

task<result<uint64_t>> file::size() const {
  struct statx stx {};
  int32_t res = co_await uring_op(
      [&](io_uring_sqe* s) { io_uring_prep_statx(s, fd_, "", AT_EMPTY_PATH, STATX_SIZE, &stx); });
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return static_cast<uint64_t>(stx.stx_size);
}

task<result<void>> file::close() {
  if (fd_ < 0) co_return result<void>{};
  const int fd = std::exchange(fd_, -1);
  co_return ok_or(co_await uring_op([fd](io_uring_sqe* s) { io_uring_prep_close(s, fd); }));
}

task<result<void>> unlink(std::string path) {
  co_return ok_or(co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_unlinkat(s, AT_FDCWD, path.c_str(), 0); }));
}

task<result<void>> remove_directory(std::string path) {
  co_return ok_or(
      co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_unlinkat(s, AT_FDCWD, path.c_str(), AT_REMOVEDIR); }));
}

task<result<void>> rename(std::string from, std::string to) {
  co_return ok_or(co_await uring_op(
      [&](io_uring_sqe* s) { io_uring_prep_renameat(s, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 0); }));
}

task<result<void>> make_directory(std::string path, mode_t mode) {
  int32_t res = co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_mkdirat(s, AT_FDCWD, path.c_str(), mode); });
  if (res == -EEXIST) co_return result<void>{};
  co_return ok_or(res);
}

task<result<uint64_t>> file_size(std::string path) {
  struct statx stx {};
  int32_t res = co_await uring_op(
      [&](io_uring_sqe* s) { io_uring_prep_statx(s, AT_FDCWD, path.c_str(), 0, STATX_SIZE, &stx); });
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return static_cast<uint64_t>(stx.stx_size);
}

}  // namespace ringtail::io
