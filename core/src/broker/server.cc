#include "ringtail/core/broker/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <deque>
#include <list>
#include <vector>

#include "ringtail/base/logging.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/timer.h"

namespace ringtail::core {

namespace {

// Per-shard state; each instance is touched only by its own shard.
struct shard_server {
  server_options opts;
  io::fd_handle listen_fd;
  std::unique_ptr<io::acceptor> acceptor;
  std::unique_ptr<frame_handler> handler;
  std::list<connection*> connections;
  io::event accept_done;
  io::event connections_done;
  bool accepting = false;
  bool stopping = false;
  uint64_t next_id = 0;
  // queued.max.request.bytes (this shard's share): bytes of request frames read or being
  // read and not yet handled. Over it, readers wait before reading another frame's body.
  int64_t queued_bytes = 0;
  io::event queued_freed;
};

std::vector<std::unique_ptr<shard_server>> g_servers;  // indexed by shard, sized on shard 0

shard_server& local_server() { return *g_servers[io::this_shard()]; }

// "shard:sequence", e.g. "1:42".
std::string connection_name(uint64_t id) {
  return std::to_string(id >> 48) + ":" + std::to_string(id & ((uint64_t{1} << 48) - 1));
}

std::string peer_name(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char buf[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  }
  return std::string(buf) + ":" + std::to_string(port);
}

// Passes the next `want` bytes of the stream to `sink(std::span<const std::byte>)`, in
// the pieces they arrive in, starting with what `pending` holds.
template <typename Sink>
io::task<io::result<void>> take_bytes(io::recv_stream& rx, io::recv_buffer& pending, size_t want, Sink sink,
                                      io::cancel_token* token) {
  size_t got = 0;
  while (got < want) {
    if (!pending || pending.empty()) {
      auto b = co_await rx.recv(token);
      if (!b) co_return io::unexpected{b.error()};
      pending = std::move(*b);
    }
    const size_t n = std::min(want - got, pending.size());
    sink(std::span<const std::byte>(pending.bytes().data(), n));
    pending.consume(n);
    got += n;
  }
  co_return io::result<void>{};
}

// Reads one frame into `frame` (contiguous). Returns false for a size outside
// [0, max_frame_bytes]: the caller logs and closes, as Kafka does. Before the body, the
// frame's size is charged to the shard's queued.max.request.bytes budget (`charged`;
// the caller releases it once the request is handled), waiting while the budget is
// spent — unless nothing is queued at all, so one frame larger than the budget still
// goes. The buffer grows as the body arrives (doubling from 64 KiB, at most to the
// frame's size): an announced size reserves no memory by itself.
constexpr size_t frame_capacity_first = 64 * 1024;

io::task<io::result<bool>> read_frame(io::recv_stream& rx, io::recv_buffer& pending, std::vector<std::byte>& frame,
                                      shard_server& srv, int64_t& charged, io::cancel_token* token) {
  std::byte size_bytes[4];
  size_t at = 0;
  auto r = co_await take_bytes(
      rx, pending, 4,
      [&size_bytes, &at](std::span<const std::byte> s) {
        std::memcpy(size_bytes + at, s.data(), s.size());
        at += s.size();
      },
      token);
  if (!r) co_return io::unexpected{r.error()};
  const int32_t size = static_cast<int32_t>((uint32_t(size_bytes[0]) << 24) | (uint32_t(size_bytes[1]) << 16) |
                                            (uint32_t(size_bytes[2]) << 8) | uint32_t(size_bytes[3]));
  if (size < 0 || size > srv.opts.max_frame_bytes) co_return false;
  const int64_t budget = srv.opts.queued_max_bytes;
  while (budget >= 0 && srv.queued_bytes > 0 && srv.queued_bytes + size > budget) {
    auto w = co_await srv.queued_freed.wait(token);
    if (!w) co_return io::unexpected{w.error()};
  }
  srv.queued_bytes += size;
  charged = size;
  frame.clear();
  const size_t capacity_max = static_cast<size_t>(size);
  r = co_await take_bytes(
      rx, pending, capacity_max,
      [&frame, capacity_max](std::span<const std::byte> s) {
        if (frame.capacity() < frame.size() + s.size()) {
          frame.reserve(std::min(capacity_max, std::max({frame.size() + s.size(), 2 * frame.capacity(), frame_capacity_first})));
        }
        frame.insert(frame.end(), s.begin(), s.end());
      },
      token);
  if (!r) co_return io::unexpected{r.error()};
  co_return true;
}

void release_queued(shard_server& srv, int64_t& charged) {
  if (charged == 0) return;
  srv.queued_bytes -= charged;
  charged = 0;
  if (srv.queued_freed.has_waiters()) srv.queued_freed.notify_all();
}

struct pending_reply {
  frame_reply reply;
  bool done = false;
};

struct connection_pipeline {
  std::deque<std::unique_ptr<pending_reply>> replies;  // in request order
  io::event progress;  // a handler finished or the writer sent something
  size_t handlers_running = 0;
  bool reader_done = false;
  bool writer_done = false;
  bool broken = false;  // a send failed or a handler asked to close
};

io::task<void> run_handler(frame_handler* handler, connection* conn, std::vector<std::byte> frame,
                           pending_reply* slot, connection_pipeline* pl, shard_server* srv, int64_t charged) {
  slot->reply = co_await handler->on_frame(*conn, std::move(frame));
  release_queued(*srv, charged);
  slot->done = true;
  --pl->handlers_running;
  pl->progress.notify_all();
}

// Sends replies strictly in request order as they complete.
io::task<void> write_replies(connection* conn, connection_pipeline* pl) {
  for (;;) {
    while (!pl->replies.empty() && pl->replies.front()->done) {
      std::unique_ptr<pending_reply> r = std::move(pl->replies.front());
      pl->replies.pop_front();
      pl->progress.notify_all();
      if (pl->broken) continue;
      if (r->reply.respond && !r->reply.iov.empty()) {
        auto sent = co_await io::sendv_all(conn->fd(), r->reply.iov, &conn->send_cancel());
        if (!sent) pl->broken = true;
      } else if (r->reply.respond && !r->reply.bytes.empty()) {
        auto sent = co_await io::send_all(conn->fd(), r->reply.bytes, &conn->send_cancel());
        if (!sent) pl->broken = true;
      }
      if (r->reply.close) pl->broken = true;
      // The reader may be blocked on the next frame: a broken connection must not wait
      // for the client to send one (or for the idle timeout) before it closes.
      if (pl->broken) conn->request_stop();
    }
    if (pl->reader_done && pl->handlers_running == 0 && pl->replies.empty()) break;
    (void)co_await pl->progress.wait();
  }
  pl->writer_done = true;
  pl->progress.notify_all();
}

}  // namespace

io::task<void> serve_connection_task(io::fd_handle fd) {
  shard_server& srv = local_server();
  connection conn(fd.get(), (uint64_t{io::this_shard()} << 48) | srv.next_id++, peer_name(fd.get()));
  auto it = srv.connections.insert(srv.connections.end(), &conn);
  RT_LOG_DEBUG("connection %s from %s", connection_name(conn.id()).c_str(), conn.peer().c_str());
  {
    connection_pipeline pl;
    io::spawn(write_replies(&conn, &pl));
    io::recv_stream rx(fd.get());
    io::recv_buffer pending;
    for (;;) {
      while (pl.replies.size() >= srv.opts.max_in_flight && !pl.broken) (void)co_await pl.progress.wait();
      if (pl.broken || conn.stopping() || srv.stopping) break;
      std::vector<std::byte> frame;
      int64_t charged = 0;
      io::cancel_token read_cancel;
      conn.read_cancel_ = &read_cancel;
      io::result<bool> ok = true;
      if (srv.opts.idle_timeout_ms >= 0) {
        io::timeout_guard idle(read_cancel, std::chrono::milliseconds(srv.opts.idle_timeout_ms));
        ok = co_await read_frame(rx, pending, frame, srv, charged, &read_cancel);
        if (!ok && idle.fired()) {
          RT_LOG_INFO("connection %s from %s: idle for connections.max.idle.ms (%lld ms); closing",
                      connection_name(conn.id()).c_str(), conn.peer().c_str(),
                      static_cast<long long>(srv.opts.idle_timeout_ms));
        }
      } else {
        ok = co_await read_frame(rx, pending, frame, srv, charged, &read_cancel);
      }
      conn.read_cancel_ = nullptr;
      if (!ok || !*ok) release_queued(srv, charged);
      if (!ok) {
        if (ok.error().code != io::errc::closed && ok.error().code != io::errc::cancelled) {
          RT_LOG_INFO("connection %s: %s", connection_name(conn.id()).c_str(), ok.error().message().c_str());
        }
        break;
      }
      if (!*ok) {
        RT_LOG_WARN("connection %s from %s: frame size over socket.request.max.bytes (%d) or negative; closing",
                    connection_name(conn.id()).c_str(), conn.peer().c_str(), srv.opts.max_frame_bytes);
        break;
      }
      auto slot = std::make_unique<pending_reply>();
      pending_reply* sp = slot.get();
      pl.replies.push_back(std::move(slot));
      if (srv.handler) {
        ++pl.handlers_running;
        io::spawn(run_handler(srv.handler.get(), &conn, std::move(frame), sp, &pl, &srv, charged));
      } else {
        release_queued(srv, charged);
        sp->done = true;
        sp->reply.respond = false;
        pl.progress.notify_all();
      }
    }
    pl.reader_done = true;
    pl.progress.notify_all();
    pending.reset();
    co_await rx.close();
    // Handlers and the writer refer to the pipeline and the connection: wait for them.
    while (!pl.writer_done) (void)co_await pl.progress.wait();
  }
  (void)co_await fd.close();
  srv.connections.erase(it);
  RT_LOG_DEBUG("connection %s closed", connection_name(conn.id()).c_str());
  if (srv.connections.empty()) srv.connections_done.notify_all();
}

namespace {

io::task<void> accept_loop() {
  shard_server& srv = local_server();
  srv.accepting = true;
  for (;;) {
    auto fd = co_await srv.acceptor->accept();
    if (!fd) {
      if (fd.error().code != io::errc::closed) RT_LOG_ERROR("accept failed: %s", fd.error().message().c_str());
      break;
    }
    int one = 1;
    ::setsockopt(fd->get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    io::spawn(serve_connection_task(std::move(*fd)));
  }
  srv.accepting = false;
  srv.accept_done.notify_all();
}

io::result<void> listen_on_this_shard(server_options opts, uint16_t port) {
  auto srv = std::make_unique<shard_server>();
  srv->opts = std::move(opts);
  srv->opts.listen.port = port;
  io::endpoint ep{srv->opts.listen.host, port};
  auto fd = io::listen_tcp(ep, /*reuse_port=*/true);
  if (!fd) return io::unexpected{fd.error()};
  srv->listen_fd = std::move(*fd);
  if (srv->opts.make_handler) srv->handler = srv->opts.make_handler();
  srv->acceptor = std::make_unique<io::acceptor>(srv->listen_fd.get());
  g_servers[io::this_shard()] = std::move(srv);
  io::spawn(accept_loop());
  return {};
}

io::task<void> stop_this_shard() {
  auto& slot = g_servers[io::this_shard()];
  if (!slot) co_return;
  shard_server& srv = *slot;
  srv.stopping = true;
  co_await srv.acceptor->close();
  while (srv.accepting) (void)co_await srv.accept_done.wait();
  for (connection* c : srv.connections) c->request_stop();
  while (!srv.connections.empty()) (void)co_await srv.connections_done.wait();
  srv.acceptor.reset();
  (void)co_await srv.listen_fd.close();
  slot.reset();
}

}  // namespace

io::task<io::result<uint16_t>> start_server(server_options opts) {
  const unsigned shards = io::local().shard_count();
  g_servers.clear();
  g_servers.resize(shards);
  // The shards share the port through SO_REUSEPORT, which would let another process
  // (a second broker) join it too and take a share of the connections: refuse an
  // address something already listens on. (Port 0 is a fresh port.)
  if (opts.listen.port != 0) {
    auto free = io::check_port_free(io::endpoint{opts.listen.host, opts.listen.port});
    if (!free) co_return io::unexpected{free.error()};
  }
  // Shard 0 binds first so that port 0 becomes a real port the others then share.
  auto r = listen_on_this_shard(opts, opts.listen.port);
  if (!r) co_return io::unexpected{r.error()};
  auto port = io::local_port(g_servers[0]->listen_fd.get());
  if (!port) co_return io::unexpected{port.error()};
  for (unsigned s = 1; s < shards; ++s) {
    // Capture a pointer: opts lives in this frame until the reply arrives.
    const server_options* o = &opts;
    auto rs = co_await io::submit_to(s, [o, p = *port] { return listen_on_this_shard(*o, p); });
    if (!rs) co_return io::unexpected{rs.error()};
  }
  co_return *port;
}

io::task<void> stop_server() {
  const unsigned shards = io::local().shard_count();
  for (unsigned s = 0; s < shards; ++s) {
    co_await io::submit_to(s, [] { return stop_this_shard(); });
  }
}

size_t open_connections() {
  auto& slot = g_servers[io::this_shard()];
  return slot ? slot->connections.size() : 0;
}

}  // namespace ringtail::core
