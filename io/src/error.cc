#include "ringtail/io/error.h"

#include <cerrno>
#include <cstring>

namespace ringtail::io {

error error::from_errno(int e) noexcept {
  switch (e) {
    case 0: return error{errc::ok, 0};
    case ECANCELED: return error{errc::cancelled, e};
    case ETIME:
    case ETIMEDOUT: return error{errc::timed_out, e};
    case ECONNRESET: return error{errc::connection_reset, e};
    case ECONNREFUSED: return error{errc::connection_refused, e};
    case EPIPE: return error{errc::broken_pipe, e};
    case ENOENT: return error{errc::not_found, e};
    case EEXIST: return error{errc::exists, e};
    case ENOSPC:
    case EDQUOT: return error{errc::no_space, e};
    case EIO: return error{errc::io_error, e};
    case EACCES:
    case EPERM: return error{errc::permission, e};
    case EINVAL: return error{errc::invalid_argument, e};
    case ENOBUFS: return error{errc::no_buffers, e};
    case EAGAIN: return error{errc::would_block, e};
    case EOPNOTSUPP:
    case ENOSYS: return error{errc::unsupported, e};
    default: return error{errc::system, e};
  }
}

std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::cancelled: return "cancelled";
    case errc::timed_out: return "timed out";
    case errc::closed: return "closed";
    case errc::connection_reset: return "connection reset";
    case errc::connection_refused: return "connection refused";
    case errc::broken_pipe: return "broken pipe";
    case errc::not_found: return "not found";
    case errc::exists: return "exists";
    case errc::no_space: return "no space";
    case errc::io_error: return "i/o error";
    case errc::permission: return "permission denied";
    case errc::invalid_argument: return "invalid argument";
    case errc::no_buffers: return "no buffers";
    case errc::would_block: return "would block";
    case errc::queue_full: return "queue full";
    case errc::unsupported: return "unsupported";
    case errc::system: return "system error";
  }
  return "unknown";
}

std::string error::message() const {
  std::string m(to_string(code));
  if (sys_errno != 0) {
    m += " (";
    m += std::strerror(sys_errno);
    m += ")";
  }
  return m;
}

}  // namespace ringtail::io
