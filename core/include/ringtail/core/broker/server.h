// server: the broker's TCP front end. Every shard has its own SO_REUSEPORT listener on
// the same port (the kernel spreads connections), an accept loop, and one task per
// connection. A connection reads size-prefixed frames and hands each whole frame to the
// shard's frame_handler; frames larger than socket.request.max.bytes close the
// connection (Kafka does the same: it cannot skip a frame it will not buffer).
//
// Lifecycle: start() on shard 0 binds shard 0 (resolving port 0 to a real port), then
// every other shard; stop() on shard 0 closes every listener, cancels every connection
// and waits for them to finish.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ringtail/core/config.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/error.h"
#include "ringtail/io/tcp.h"
#include "ringtail/io/task.h"

namespace ringtail::core {

class connection;

// What a connection does with each request frame (the 4-byte size prefix removed).
// Lives on one shard; one instance serves all of that shard's connections.
class frame_handler {
 public:
  virtual ~frame_handler() = default;
  // Called in order for each frame; the frame bytes are valid until the returned task
  // finishes.
  virtual io::task<void> on_frame(connection& conn, std::span<const std::byte> frame) = 0;
};

struct server_options {
  listener listen;
  int32_t max_frame_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
  int64_t idle_timeout_ms = 10 * 60 * 1000;     // connections.max.idle.ms (-1: never)
  // Builds the shard's frame handler (called on each shard); null = discard frames.
  std::function<std::unique_ptr<frame_handler>()> make_handler;
};

class connection {
 public:
  connection(int fd, uint64_t id, std::string peer) : fd_(fd), id_(id), peer_(std::move(peer)) {}
  int fd() const noexcept { return fd_; }
  uint64_t id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }
  io::cancel_token& cancel() noexcept { return cancel_; }
  // Sends bytes, in the order of calls (one send in flight at a time per connection).
  io::task<io::result<void>> send(std::span<const std::byte> data);
  io::task<io::result<void>> sendv(std::span<iovec> iov);
  void close_after_current() noexcept { closing_ = true; }
  bool closing() const noexcept { return closing_; }

 private:
  int fd_;
  uint64_t id_;
  std::string peer_;
  io::cancel_token cancel_;
  bool closing_ = false;
};

// Starts listeners on every shard (call on shard 0); returns the bound port.
io::task<io::result<uint16_t>> start_server(server_options opts);
// Stops listeners and connections on every shard (call on shard 0).
io::task<void> stop_server();
// Connections currently open on the calling shard (for tests and metrics).
size_t open_connections();

}  // namespace ringtail::core
