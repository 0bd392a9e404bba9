// An echo service on the io runtime, shared by the io tests and the echo benchmark:
// one SO_REUSEPORT listener per shard; each connection's received chunks (provided
// buffers) are sent straight back from the buffers they arrived in (all chunks queued at
// once in one sendmsg), then released.
#pragma once

#include <list>
#include <memory>
#include <vector>

#include <sys/uio.h>

#include "ringtail/io/cross_shard.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/tcp.h"
#include "ringtail/io/task.h"

namespace ringtail::testing {

class echo_server {
 public:
  // Starts on every shard (call on shard 0); returns the port.
  static io::task<uint16_t> start(echo_server* self) {
    self->shards_.resize(io::local().shard_count());
    auto fd = io::listen_tcp(io::endpoint{"127.0.0.1", 0}, true);
    RT_ASSERT(fd.has_value(), "echo: listen failed");
    self->port_ = *io::local_port(fd->get());
    self->install(std::move(*fd));
    for (unsigned s = 1; s < io::local().shard_count(); ++s) {
      co_await io::submit_to(s, [self] {
        auto f = io::listen_tcp(io::endpoint{"127.0.0.1", self->port_}, true);
        RT_ASSERT(f.has_value(), "echo: listen failed");
        self->install(std::move(*f));
      });
    }
    co_return self->port_;
  }

  // Stops every shard's listener and connections (call on shard 0).
  static io::task<void> stop(echo_server* self) {
    for (unsigned s = 0; s < io::local().shard_count(); ++s) {
      co_await io::submit_to(s, [self] { return stop_local(self); });
    }
  }

  uint16_t port() const { return port_; }
  // Connections served in total / open now, on the calling shard.
  uint64_t served_here() { return shard().served; }

 private:
  struct per_shard {
    io::fd_handle listen_fd;
    std::unique_ptr<io::acceptor> acc;
    std::list<io::cancel_token*> conns;
    io::event changed;
    bool accepting = false;
    uint64_t served = 0;
  };
  per_shard& shard() { return *shards_[io::this_shard()]; }
  static constexpr size_t max_chunks_per_send = 16;

  void install(io::fd_handle fd) {
    auto ps = std::make_unique<per_shard>();
    ps->listen_fd = std::move(fd);
    ps->acc = std::make_unique<io::acceptor>(ps->listen_fd.get());
    shards_[io::this_shard()] = std::move(ps);
    io::spawn(accept_loop(this));
  }

  static io::task<void> accept_loop(echo_server* self) {
    per_shard& ps = self->shard();
    ps.accepting = true;
    for (;;) {
      auto fd = co_await ps.acc->accept();
      if (!fd) break;
      io::spawn(serve(self, std::move(*fd)));
    }
    ps.accepting = false;
    ps.changed.notify_all();
  }

  static io::task<void> serve(echo_server* self, io::fd_handle fd) {
    per_shard& ps = self->shard();
    io::cancel_token token;
    auto it = ps.conns.insert(ps.conns.end(), &token);
    ++ps.served;
    {
      io::recv_stream rx(fd.get());
      std::vector<io::recv_buffer> held;
      std::vector<iovec> iov;
      for (;;) {
        auto chunk = co_await rx.recv(&token);
        if (!chunk) break;
        // Whatever else arrived meanwhile goes back in the same sendmsg: one send (and
        // fewer, fuller segments for the peer) per wake-up rather than one per chunk.
        held.push_back(std::move(*chunk));
        while (held.size() < max_chunks_per_send) {
          auto more = rx.try_recv();
          if (!more) break;
          held.push_back(std::move(*more));
        }
        io::result<void> sent;
        if (held.size() == 1) {
          sent = co_await io::send_all(fd.get(), held.front().bytes(), &token);
        } else {
          iov.clear();
          for (const auto& h : held) iov.push_back(iovec{const_cast<std::byte*>(h.bytes().data()), h.bytes().size()});
          sent = co_await io::sendv_all(fd.get(), std::span<iovec>(iov), &token);
        }
        held.clear();  // back to the ring now, not after the next recv: a connection
                       // waiting for data must not sit on buffers others wait for
        if (!sent) break;
      }
      co_await rx.close();
    }
    (void)co_await fd.close();
    ps.conns.erase(it);
    ps.changed.notify_all();
  }

  static io::task<void> stop_local(echo_server* self) {
    per_shard& ps = self->shard();
    co_await ps.acc->close();
    while (ps.accepting) (void)co_await ps.changed.wait();
    for (auto* t : ps.conns) t->cancel();
    while (!ps.conns.empty()) (void)co_await ps.changed.wait();
    ps.acc.reset();
    (void)co_await ps.listen_fd.close();
  }

  std::vector<std::unique_ptr<per_shard>> shards_;
  uint16_t port_ = 0;
};

}  // namespace ringtail::testing
