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
#include <sys/uio.h>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ringtail/core/config.h"
#include "ringtail/io/cancel.h"
#include "ringtail/io/error.h"
#include "ringtail/io/sequencer.h"
#include "ringtail/io/tcp.h"
#include "ringtail/io/task.h"

namespace ringtail::core {

class connection;

// What a request frame produced: response bytes (a whole frame, size prefix included),
// or nothing (acks=0 produce), and whether to close the connection afterwards.
struct frame_reply {
  std::vector<std::byte> bytes;
  bool respond = true;
  bool close = false;
  // Gathered reply (zero-copy fetch): sent instead of `bytes` when not empty; `keep`
  // owns everything the iovecs point into until the send completes.
  std::vector<iovec> iov;
  std::shared_ptr<void> keep;
};

// What a connection does with each request frame (the 4-byte size prefix removed).
// Lives on one shard; one instance serves all of that shard's connections. Several
// frames of one connection may be handled concurrently; replies go out in frame order.
class frame_handler {
 public:
  virtual ~frame_handler() = default;
  virtual io::task<frame_reply> on_frame(connection& conn, std::vector<std::byte> frame) = 0;
};

struct server_options {
  listener listen;
  int32_t max_frame_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
  int64_t idle_timeout_ms = 10 * 60 * 1000;     // connections.max.idle.ms (-1: never)
  size_t max_in_flight = 64;                    // requests of one connection handled at once
  // queued.max.request.bytes divided among the shards: request bytes read and not yet
  // handled, per shard; over it, connections of the shard stop reading (-1: no bound).
  int64_t queued_max_bytes = -1;
  // Builds the shard's frame handler (called on each shard); null = discard frames.
  std::function<std::unique_ptr<frame_handler>()> make_handler;
};

class connection {
 public:
  connection(int fd, uint64_t id, std::string peer) : fd_(fd), id_(id), peer_(std::move(peer)) {}
  int fd() const noexcept { return fd_; }
  uint64_t id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }
  // Cancels the send in progress (if any) and the read of the next frame.
  void request_stop() noexcept {
    stopping_ = true;
    send_cancel_.cancel();
    if (read_cancel_) read_cancel_->cancel();
  }
  bool stopping() const noexcept { return stopping_; }
  io::cancel_token& send_cancel() noexcept { return send_cancel_; }
  // Produce requests of this connection take effect in the order they were sent: each
  // takes a ticket before its first suspension and hands its batches to the partitions'
  // owner shards in ticket order (handlers/produce.cc).
  io::sequencer& produce_order() noexcept { return produce_order_; }

 private:
  friend io::task<void> serve_connection_task(io::fd_handle fd);
  int fd_;
  uint64_t id_;
  std::string peer_;
  io::cancel_token send_cancel_;
  io::cancel_token* read_cancel_ = nullptr;
  bool stopping_ = false;
  io::sequencer produce_order_;
};

// Starts listeners on every shard (call on shard 0); returns the bound port.
io::task<io::result<uint16_t>> start_server(server_options opts);
// Stops listeners and connections on every shard (call on shard 0).
io::task<void> stop_server();
// Connections currently open on the calling shard (for tests and metrics).
size_t open_connections();

}  // namespace ringtail::core
