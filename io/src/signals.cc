#include "ringtail/io/signals.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "ringtail/io/op.h"

namespace ringtail::io {

void block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer resetting a socket must not kill the process; sends use MSG_NOSIGNAL too.
  std::signal(SIGPIPE, SIG_IGN);
}

task<result<int>> wait_for_shutdown_signal(cancel_token* token) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) co_return unexpected{error::from_errno(errno)};
  signalfd_siginfo info{};
  int32_t res = co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_read(s, fd, &info, sizeof info, 0); }, token);
  ::close(fd);
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return static_cast<int>(info.ssi_signo);
}

}  // namespace ringtail::io
