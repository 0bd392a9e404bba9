// Operating errors of the io layer. Every negative result from a completion is mapped
// explicitly to an errc; the raw errno is kept for messages and for the cases the caller
// wants to tell apart further.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ringtail/base/result.h"

namespace ringtail::io {

enum class errc : uint8_t {
  ok = 0,
  cancelled,           // ECANCELED: the operation was cancelled (by us)
  timed_out,           // ETIME / ETIMEDOUT
  closed,              // the peer closed the connection (EOF) or the object is closed
  connection_reset,    // ECONNRESET
  connection_refused,  // ECONNREFUSED
  broken_pipe,         // EPIPE
  not_found,           // ENOENT
  exists,              // EEXIST
  no_space,            // ENOSPC / EDQUOT
  io_error,            // EIO
  permission,          // EACCES / EPERM
  invalid_argument,    // EINVAL
  no_buffers,          // ENOBUFS (provided-buffer ring empty)
  would_block,         // EAGAIN
  queue_full,          // a bounded runtime queue is full
  unsupported,         // EOPNOTSUPP / ENOSYS: the kernel lacks the operation
  system,              // any other errno (kept in error::sys_errno)
};

struct error {
  errc code = errc::ok;
  int sys_errno = 0;  // positive errno, or 0 when the error did not come from the kernel

  static error from_errno(int positive_errno) noexcept;
  static error of(errc c) noexcept { return error{c, 0}; }
  bool operator==(errc c) const noexcept { return code == c; }
  std::string message() const;
};

std::string_view to_string(errc e) noexcept;

using ringtail::unexpected;
template <typename T>
using result = ringtail::result<T, error>;

}  // namespace ringtail::io
