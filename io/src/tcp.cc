#include "ringtail/io/tcp.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ringtail/io/op.h"

namespace ringtail::io {

// ---- fd_handle ------------------------------------------------------------------------

fd_handle& fd_handle::operator=(fd_handle&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

fd_handle::~fd_handle() {
  if (fd_ >= 0) ::close(fd_);
}

task<result<void>> fd_handle::close() {
  if (fd_ < 0) co_return result<void>{};
  const int fd = std::exchange(fd_, -1);
  int32_t res = co_await uring_op([fd](io_uring_sqe* s) { io_uring_prep_close(s, fd); });
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return result<void>{};
}

// ---- addresses and listening ----------------------------------------------------------

namespace {

struct sock_address {
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family = AF_INET;
};

result<sock_address> make_address(const endpoint& ep) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
  if (ep.host.empty()) hints.ai_flags |= AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(ep.port);
  // A setup-path lookup (listener creation, bootstrap): numeric hosts and /etc/hosts
  // names never touch the network.
  int rc = getaddrinfo(ep.host.empty() ? nullptr : ep.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) return unexpected{error::of(errc::not_found)};
  // Prefer IPv4 for "localhost", as Kafka clients connect to what the name resolves to
  // first and most resolve it to 127.0.0.1.
  addrinfo* pick = res;
  for (addrinfo* a = res; a; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  }
  sock_address out;
  std::memcpy(&out.storage, pick->ai_addr, pick->ai_addrlen);
  out.len = pick->ai_addrlen;
  out.family = pick->ai_family;
  freeaddrinfo(res);
  return out;
}

}  // namespace

result<std::string> resolve_numeric(const std::string& host) {
  auto a = make_address(endpoint{host, 0});
  if (!a) return unexpected{a.error()};
  char buf[INET6_ADDRSTRLEN] = {};
  if (a->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&a->storage)->sin_addr, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&a->storage)->sin6_addr, buf, sizeof buf);
  }
  return std::string(buf);
}

namespace {

// A TCP socket bound to `ep`, with SO_REUSEADDR (TIME_WAIT leftovers do not block the
// bind) and, if asked, SO_REUSEPORT.
result<fd_handle> bound_socket(const endpoint& ep, bool reuse_port) {
  auto addr = make_address(ep);
  if (!addr) return unexpected{addr.error()};
  fd_handle fd(::socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return unexpected{error::from_errno(errno)};
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    return unexpected{error::from_errno(errno)};
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr->storage), addr->len) != 0) {
    return unexpected{error::from_errno(errno)};
  }
  return fd;
}

}  // namespace

result<fd_handle> listen_tcp(const endpoint& ep, bool reuse_port, int backlog) {
  auto fd = bound_socket(ep, reuse_port);
  if (!fd) return fd;
  if (::listen(fd->get(), backlog) != 0) return unexpected{error::from_errno(errno)};
  return fd;
}

result<void> check_port_free(const endpoint& ep) {
  // Without SO_REUSEPORT the bind fails if any socket listens on the address, whoever
  // owns it.
  auto fd = bound_socket(ep, /*reuse_port=*/false);
  if (!fd) return unexpected{fd.error()};
  return {};
}

result<uint16_t> local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return unexpected{error::from_errno(errno)};
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

// ---- acceptor -------------------------------------------------------------------------

acceptor::acceptor(int listen_fd, size_t queue_limit) : listen_fd_(listen_fd), queue_limit_(queue_limit) { arm(); }

acceptor::~acceptor() {
  RT_ASSERT(!armed_, "acceptor destroyed with its multishot accept armed: await close() first");
  for (int fd : ready_) ::close(fd);
}

void acceptor::arm() {
  reactor& r = local();
  io_uring_sqe* sqe = r.get_sqe();
  io_uring_prep_multishot_accept(sqe, listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data(sqe, static_cast<completion*>(this));
  armed_ = true;
  r.op_started();
}

void acceptor::complete(int32_t res, uint32_t flags) noexcept {
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if (res >= 0) {
    if (stopping_) ::close(res);
    else ready_.push_back(res);
  } else if (res != -ECANCELED && res != -EAGAIN && res != -EINTR && res != -ECONNABORTED && res != -EMFILE &&
             res != -ENFILE) {
    error_ = error::from_errno(-res);  // terminal: the listener is broken
  }
  if (!more) {
    armed_ = false;
    local().op_finished();
    // Re-arm unless stopping, broken, or the queue is at its bound (re-armed on drain).
    if (!stopping_ && error_.code == errc::ok && ready_.size() < queue_limit_) arm();
    if (!armed_) terminated_.notify_all();
  }
  ev_.notify_all();
}

task<result<fd_handle>> acceptor::accept(cancel_token* token) {
  for (;;) {
    if (!ready_.empty()) {
      int fd = ready_.front();
      ready_.pop_front();
      if (!armed_ && !stopping_ && error_.code == errc::ok) arm();
      co_return fd_handle(fd);
    }
    if (stopping_) co_return unexpected{error::of(errc::closed)};
    if (error_.code != errc::ok) co_return unexpected{error_};
    auto w = co_await ev_.wait(token);
    if (!w) co_return unexpected{w.error()};
  }
}

task<void> acceptor::close() {
  stopping_ = true;
  if (armed_) {
    reactor& r = local();
    io_uring_sqe* sqe = r.get_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(static_cast<completion*>(this)), 0);
    io_uring_sqe_set_data64(sqe, 0);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    while (armed_) (void)co_await terminated_.wait();
  }
  for (int fd : ready_) ::close(fd);
  ready_.clear();
  ev_.notify_all();
}

// ---- recv_stream ----------------------------------------------------------------------

recv_stream::recv_stream(int fd) : fd_(fd), ring_(local().recv_buffers()) { arm(); }

recv_stream::~recv_stream() {
  RT_ASSERT(!armed_, "recv_stream destroyed with its multishot recv armed: await close() first");
  if (starved_) ring_.remove_starved(this);
  for (const chunk& c : chunks_) ring_.release(c.buffer_id);
}

void recv_stream::arm() {
  reactor& r = local();
  io_uring_sqe* sqe = r.get_sqe();
  io_uring_prep_recv_multishot(sqe, fd_, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = ring_.group_id();
  io_uring_sqe_set_data(sqe, static_cast<completion*>(this));
  armed_ = true;
  r.op_started();
}

void recv_stream::complete(int32_t res, uint32_t flags) noexcept {
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if (flags & IORING_CQE_F_BUFFER) {
    const uint16_t id = static_cast<uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    ring_.taken(id);
    if (res > 0 && !stopping_) {
      chunks_.push_back(chunk{id, static_cast<uint32_t>(res)});
    } else {
      ring_.release(id);  // an empty pick (EOF) or data arriving while we close
    }
  }
  if (res == 0) {
    eof_ = true;
  } else if (res == -ENOBUFS) {
    // The ring ran dry; the bytes wait in the socket. Re-armed when a buffer returns.
    if (!stopping_ && !starved_) {
      starved_ = true;
      ring_.add_starved(this);
    }
  } else if (res < 0 && res != -ECANCELED) {
    error_ = error::from_errno(-res);
  }
  if (!more) {
    armed_ = false;
    local().op_finished();
    if (!stopping_ && !eof_ && error_.code == errc::ok && !starved_) arm();
    if (!armed_) terminated_.notify_all();
  }
  ev_.notify_all();
}

void recv_stream::on_buffers_available() noexcept {
  starved_ = false;
  if (!armed_ && !stopping_ && !eof_ && error_.code == errc::ok) arm();
}

task<result<recv_buffer>> recv_stream::recv(cancel_token* token) {
  for (;;) {
    if (!chunks_.empty()) {
      chunk c = chunks_.front();
      chunks_.pop_front();
      co_return recv_buffer(&ring_, c.buffer_id, c.bytes);
    }
    if (error_.code != errc::ok) co_return unexpected{error_};
    if (eof_ || stopping_) co_return unexpected{error::of(errc::closed)};
    auto w = co_await ev_.wait(token);
    if (!w) co_return unexpected{w.error()};
  }
}

std::optional<recv_buffer> recv_stream::try_recv() noexcept {
  if (chunks_.empty()) return std::nullopt;
  chunk c = chunks_.front();
  chunks_.pop_front();
  return recv_buffer(&ring_, c.buffer_id, c.bytes);
}

task<void> recv_stream::close() {
  stopping_ = true;
  if (starved_) {
    ring_.remove_starved(this);
    starved_ = false;
  }
  if (armed_) {
    reactor& r = local();
    io_uring_sqe* sqe = r.get_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(static_cast<completion*>(this)), 0);
    io_uring_sqe_set_data64(sqe, 0);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    while (armed_) (void)co_await terminated_.wait();
  }
  for (const chunk& c : chunks_) ring_.release(c.buffer_id);
  chunks_.clear();
  ev_.notify_all();
}

// ---- connect and send -----------------------------------------------------------------

task<result<fd_handle>> connect_tcp(const endpoint& ep, cancel_token* token) {
  auto addr = make_address(ep);
  if (!addr) co_return unexpected{addr.error()};
  fd_handle fd(::socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) co_return unexpected{error::from_errno(errno)};
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sock_address a = *addr;
  const int sfd = fd.get();
  int32_t res = co_await uring_op(
      [&](io_uring_sqe* s) { io_uring_prep_connect(s, sfd, reinterpret_cast<sockaddr*>(&a.storage), a.len); }, token);
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return fd;
}

task<result<void>> send_all(int fd, std::span<const std::byte> data, cancel_token* token) {
  while (!data.empty()) {
    int32_t res = co_await uring_op(
        [&](io_uring_sqe* s) { io_uring_prep_send(s, fd, data.data(), data.size(), MSG_NOSIGNAL); }, token);
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    data = data.subspan(static_cast<size_t>(res));
  }
  co_return result<void>{};
}

task<result<void>> sendv_all(int fd, std::span<iovec> iov, cancel_token* token) {
  while (!iov.empty() && iov.front().iov_len == 0) iov = iov.subspan(1);
  while (!iov.empty()) {
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = std::min<size_t>(iov.size(), IOV_MAX);
    int32_t res = co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_sendmsg(s, fd, &msg, MSG_NOSIGNAL); }, token);
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    size_t sent = static_cast<size_t>(res);
    while (!iov.empty() && sent >= iov.front().iov_len) {
      sent -= iov.front().iov_len;
      iov = iov.subspan(1);
    }
    if (sent > 0) {
      iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + sent;
      iov.front().iov_len -= sent;
    }
  }
  co_return result<void>{};
}

namespace {

// send_zc posts two CQEs: the send's result (with F_MORE when a notification follows)
// and, once the kernel no longer reads the buffer, a notification (F_NOTIF).
class send_zc_op final : public completion {
 public:
  send_zc_op(int fd, std::span<const std::byte> data) : fd_(fd), data_(data) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    reactor_ = &local();
    waiter_ = h;
    io_uring_sqe* sqe = reactor_->get_sqe();
    io_uring_prep_send_zc(sqe, fd_, data_.data(), data_.size(), MSG_NOSIGNAL, 0);
    io_uring_sqe_set_data(sqe, static_cast<completion*>(this));
    reactor_->op_started();
  }
  int32_t await_resume() const noexcept { return res_; }
  void complete(int32_t res, uint32_t flags) noexcept override {
    if (flags & IORING_CQE_F_NOTIF) {
      done();
      return;
    }
    res_ = res;
    if (!(flags & IORING_CQE_F_MORE)) done();
  }

 private:
  void done() noexcept {
    reactor_->op_finished();
    reactor_->schedule(waiter_);
  }
  int fd_;
  std::span<const std::byte> data_;
  reactor* reactor_ = nullptr;
  std::coroutine_handle<> waiter_;
  int32_t res_ = 0;
};

}  // namespace

task<result<void>> send_zc_all(int fd, std::span<const std::byte> data, cancel_token* token) {
  while (!data.empty()) {
    if (token && token->cancelled()) co_return unexpected{error::of(errc::cancelled)};
    int32_t res = co_await send_zc_op(fd, data);
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    data = data.subspan(static_cast<size_t>(res));
  }
  co_return result<void>{};
}

task<result<void>> recv_exact(int fd, std::span<std::byte> data, cancel_token* token) {
  while (!data.empty()) {
    int32_t res =
        co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_recv(s, fd, data.data(), data.size(), 0); }, token);
    if (res < 0) co_return unexpected{error::from_errno(-res)};
    if (res == 0) co_return unexpected{error::of(errc::closed)};
    data = data.subspan(static_cast<size_t>(res));
  }
  co_return result<void>{};
}

task<result<void>> shutdown(int fd, int how) {
  int32_t res = co_await uring_op([&](io_uring_sqe* s) { io_uring_prep_shutdown(s, fd, how); });
  if (res < 0) co_return unexpected{error::from_errno(-res)};
  co_return result<void>{};
}

}  // namespace ringtail::io
