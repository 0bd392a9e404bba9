// TCP on the shard's ring: listening sockets (one SO_REUSEPORT listener per shard, so the
// kernel spreads connections), multishot accept, connect, multishot receive into the
// shard's provided buffers, and sends (plain, vectored, zero-copy) that finish partial
// writes themselves. All objects here belong to one shard.
#pragma once

#include <liburing.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>

#include "ringtail/io/buffer_ring.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/error.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/task.h"

namespace ringtail::io {

// An owned file descriptor. close() goes through the ring; the destructor closes
// synchronously only if close() was not awaited (an error path).
class fd_handle {
 public:
  fd_handle() = default;
  explicit fd_handle(int fd) noexcept : fd_(fd) {}
  fd_handle(fd_handle&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  fd_handle& operator=(fd_handle&& o) noexcept;
  ~fd_handle();
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  task<result<void>> close();

 private:
  int fd_ = -1;
};

struct endpoint {
  std::string host;  // numeric address or name (resolved at listen / connect time)
  uint16_t port = 0;
};

// Creates a bound, listening, non-blocking TCP socket. With `reuse_port`, several shards
// bind the same address and port. Setup path, plain syscalls.
result<fd_handle> listen_tcp(const endpoint& ep, bool reuse_port, int backlog = 1024);
// Whether a socket without SO_REUSEPORT could bind `ep` now, i.e. nothing listens on it.
// Listeners with SO_REUSEPORT let any process of the same user join them; calling this
// before the first of them binds refuses an address another process already serves.
result<void> check_port_free(const endpoint& ep);
// The port a bound socket got (for port 0).
result<uint16_t> local_port(int fd);
// Resolves host names ("localhost") and numeric addresses; IPv4 or IPv6.
result<std::string> resolve_numeric(const std::string& host);

// Accepts connections with one multishot accept. Accepted sockets queue here (bounded:
// past `queue_limit` the accept is paused until the queue drains) until accept() takes
// them. stop() ends the multishot; close() must be awaited before destruction.
class acceptor final : public completion {
 public:
  explicit acceptor(int listen_fd, size_t queue_limit = 1024);
  ~acceptor();
  acceptor(const acceptor&) = delete;
  acceptor& operator=(const acceptor&) = delete;

  // The next accepted connection, errc::cancelled if `token` fires, errc::closed after stop().
  task<result<fd_handle>> accept(cancel_token* token = nullptr);
  // Stops accepting and waits until the kernel has released the operation; queued
  // connections are closed.
  task<void> close();

  void complete(int32_t res, uint32_t flags) noexcept override;

 private:
  void arm();
  int listen_fd_;
  size_t queue_limit_;
  std::deque<int> ready_;
  event ev_;
  error error_{};
  bool armed_ = false;
  bool stopping_ = false;
  event terminated_;
};

// A connected socket's receive side: one multishot recv into the shard's buffer ring.
class recv_buffer;
class recv_stream final : public completion, public buffer_ring::starved_listener {
 public:
  explicit recv_stream(int fd);
  ~recv_stream();
  recv_stream(const recv_stream&) = delete;
  recv_stream& operator=(const recv_stream&) = delete;

  // The next chunk of bytes (any size up to one provided buffer), errc::closed at EOF,
  // the socket's error otherwise, errc::cancelled if `token` fires.
  task<result<recv_buffer>> recv(cancel_token* token = nullptr);
  // A chunk that has already arrived, without waiting; nullopt when none is queued (the
  // terminal error or EOF is left for recv() to report). Lets a caller take everything
  // received so far at once, e.g. to send it back with one sendmsg.
  std::optional<recv_buffer> try_recv() noexcept;
  // Ends the multishot receive and waits for the kernel to let go; unread buffers return
  // to the ring.
  task<void> close();

  void complete(int32_t res, uint32_t flags) noexcept override;
  void on_buffers_available() noexcept override;

 private:
  struct chunk {
    uint16_t buffer_id;
    uint32_t bytes;
  };
  void arm();
  int fd_;
  buffer_ring& ring_;
  std::deque<chunk> chunks_;
  event ev_;
  error error_{};   // terminal error (or closed at EOF)
  bool eof_ = false;
  bool armed_ = false;
  bool starved_ = false;
  bool stopping_ = false;
  event terminated_;
};

// One received chunk: a view of a provided buffer, returned to the ring on destruction.
// Move-only; must be released on the shard that received it.
class recv_buffer {
 public:
  recv_buffer() = default;
  recv_buffer(buffer_ring* ring, uint16_t id, uint32_t bytes) noexcept : ring_(ring), id_(id), bytes_(bytes) {}
  recv_buffer(recv_buffer&& o) noexcept
      : ring_(std::exchange(o.ring_, nullptr)), id_(o.id_), bytes_(o.bytes_), offset_(o.offset_) {}
  recv_buffer& operator=(recv_buffer&& o) noexcept {
    if (this != &o) {
      reset();
      ring_ = std::exchange(o.ring_, nullptr);
      id_ = o.id_;
      bytes_ = o.bytes_;
      offset_ = o.offset_;
    }
    return *this;
  }
  ~recv_buffer() { reset(); }

  // The bytes not yet consumed.
  std::span<const std::byte> bytes() const noexcept {
    return {ring_->buffer(id_) + offset_, bytes_ - offset_};
  }
  size_t size() const noexcept { return bytes_ - offset_; }
  bool empty() const noexcept { return size() == 0; }
  void consume(size_t n) noexcept {
    RT_ASSERT(n <= size(), "recv_buffer::consume past the end");
    offset_ += static_cast<uint32_t>(n);
  }
  void reset() noexcept {
    if (ring_) std::exchange(ring_, nullptr)->release(id_);
  }
  explicit operator bool() const noexcept { return ring_ != nullptr; }

 private:
  buffer_ring* ring_ = nullptr;
  uint16_t id_ = 0;
  uint32_t bytes_ = 0;
  uint32_t offset_ = 0;
};

task<result<fd_handle>> connect_tcp(const endpoint& ep, cancel_token* token = nullptr);

// Sends every byte (a partial send continues where it stopped).
task<result<void>> send_all(int fd, std::span<const std::byte> data, cancel_token* token = nullptr);
// Sends every byte of the iovecs (sendmsg; `iov` is modified as bytes go out).
task<result<void>> sendv_all(int fd, std::span<iovec> iov, cancel_token* token = nullptr);
// Zero-copy send of every byte: returns only after the kernel's notification that it no
// longer reads `data`. Pays off for large buffers; below the threshold use send_all.
// (On loopback the kernel copies anyway: see MACHINE.md.)
inline constexpr size_t send_zc_threshold_bytes = 64 * 1024;
task<result<void>> send_zc_all(int fd, std::span<const std::byte> data, cancel_token* token = nullptr);

// Receives exactly data.size() bytes with plain single-shot recv (no provided buffers):
// for clients and tests that want their own memory. errc::closed on EOF.
task<result<void>> recv_exact(int fd, std::span<std::byte> data, cancel_token* token = nullptr);

// Half/full close of the socket (IORING_OP_SHUTDOWN).
task<result<void>> shutdown(int fd, int how);

}  // namespace ringtail::io
