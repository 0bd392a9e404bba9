#include "ringtail/core/client/connection.h"

#include <sys/socket.h>

#include "ringtail/base/logging.h"
#include "ringtail/codec/headers.h"
#include "ringtail/codec/record_batch.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::client {

namespace {
// Offset of the correlation id in a request frame: size(4) api_key(2) api_version(2).
constexpr size_t correlation_id_at = 8;

error from_io(const io::error& e) {
  if (e.code == io::errc::timed_out || e.code == io::errc::cancelled) return error::of(errc::timed_out);
  return error{errc::network, 0, e.sys_errno};
}
}  // namespace

broker_connection::broker_connection(int32_t node_id, io::endpoint ep, const connection_config& cfg)
    : node_id_(node_id), ep_(std::move(ep)), cfg_(cfg) {
  RT_ASSERT(cfg_.max_in_flight >= 1 && cfg_.max_in_flight <= max_in_flight_limit, "max.in.flight out of range");
  for (auto& v : versions_) v = {-1, -1};
}

broker_connection::~broker_connection() {
  RT_ASSERT(!reader_running_, "broker_connection destroyed before close() finished");
}

io::task<result<void>> broker_connection::connect() {
  RT_ASSERT(state_ == state::idle, "connect() twice");
  state_ = state::connecting;
  io::cancel_token token;
  io::result<io::fd_handle> fd = unexpected{io::error::of(io::errc::cancelled)};
  {
    io::timeout_guard guard(token, std::chrono::milliseconds(cfg_.connect_timeout_ms));
    fd = co_await io::connect_tcp(ep_, &token);
  }
  if (!fd) {
    state_ = state::broken;
    co_return unexpected{from_io(fd.error())};
  }
  fd_ = std::move(*fd);
  reader_running_ = true;
  io::spawn(read_loop(this));
  state_ = state::ready;
  auto r = co_await negotiate();
  if (!r) {
    fail_all(r.error());
    co_return r;
  }
  co_return result<void>{};
}

io::task<result<void>> broker_connection::negotiate() {
  static constexpr std::array<int16_t, 2> attempts = {3, 0};
  for (const int16_t version : attempts) {
    codec::api_versions_request req;
    req.client_software_name = "ringtail";
    req.client_software_version = "0.1";
    auto resp = co_await call(req, version);
    if (!resp) co_return unexpected{resp.error()};
    codec::reader r = resp->body();
    codec::api_versions_response body;
    // The broker answers an unsupported version with a v0 body (KIP-511).
    const int16_t decode_version = version;
    if (auto d = body.decode(r, decode_version); !d) {
      codec::reader r0 = resp->body();
      codec::api_versions_response b0;
      if (!b0.decode(r0, 0) || b0.error_code != static_cast<int16_t>(codec::error_code::unsupported_version)) {
        co_return fail(errc::protocol);
      }
      continue;
    }
    if (body.error_code == static_cast<int16_t>(codec::error_code::unsupported_version)) continue;
    if (body.error_code != 0) co_return fail_kafka(body.error_code);
    for (const auto& k : body.api_keys) {
      if (k.api_key >= 0 && k.api_key <= codec::api_key_max) versions_[k.api_key] = {k.min_version, k.max_version};
    }
    co_return result<void>{};
  }
  co_return fail(errc::unsupported_version);
}

int16_t broker_connection::pick_version(codec::api_key key, int16_t lo, int16_t hi) const noexcept {
  const auto k = static_cast<int16_t>(key);
  if (k < 0 || k > codec::api_key_max) return -1;
  const auto [bmin, bmax] = versions_[k];
  if (bmin < 0) return -1;
  const int16_t top = std::min(hi, bmax);
  return top >= std::max(lo, bmin) ? top : int16_t{-1};
}

io::task<result<void>> broker_connection::send_locked(std::vector<std::byte>& frame, pending* p) {
  co_await send_lock_.lock();
  if (broken()) {
    send_lock_.unlock();
    co_return fail(errc::network);
  }
  const int32_t cid = next_correlation_id_++;
  if (next_correlation_id_ == INT32_MAX) next_correlation_id_ = 1;
  codec::detail::store_be<int32_t>(frame.data() + correlation_id_at, cid);
  if (p) {
    p->correlation_id = cid;
    pending_.push_back(p);
  }
  auto s = co_await io::send_all(fd_.get(), frame);
  send_lock_.unlock();
  if (!s) {
    fail_all(from_io(s.error()));
    co_return unexpected{from_io(s.error())};
  }
  co_return result<void>{};
}

io::task<result<response_frame>> broker_connection::call_frame(std::vector<std::byte> frame, int16_t api_key,
                                                               int16_t version) {
  if (broken()) co_return fail(errc::network);
  while (in_flight_ >= static_cast<size_t>(cfg_.max_in_flight) && !broken()) (void)co_await slot_freed_.wait();
  if (broken()) co_return fail(errc::network);
  ++in_flight_;
  pending p;
  p.api_key = api_key;
  p.version = version;
  auto sent = co_await send_locked(frame, &p);
  if (sent) {
    const auto deadline = io::clock::now() + std::chrono::milliseconds(cfg_.request_timeout_ms);
    while (!p.finished) {
      co_await p.done.wait_until(deadline);
      if (!p.finished && io::clock::now() >= deadline) {
        // Kafka's rule: a request that timed out poisons the connection (its response
        // may still come, out of step with the next ones), so the connection is closed.
        fail_all(error::of(errc::timed_out));
      }
    }
  } else if (!p.finished) {
    // Not queued (the send lock found the connection broken before queueing): nothing
    // refers to `p`.
    p.finished = true;
    p.err = sent.error();
  }
  --in_flight_;
  slot_freed_.notify_one();
  if (p.err.code != errc::ok) co_return unexpected{p.err};
  co_return std::move(p.frame);
}

io::task<result<void>> broker_connection::send_frame_only(std::vector<std::byte> frame) {
  if (broken()) co_return fail(errc::network);
  co_return co_await send_locked(frame, nullptr);
}

void broker_connection::fail_all(error e) noexcept {
  if (state_ == state::ready || state_ == state::connecting) state_ = state::broken;
  if (fd_.valid()) ::shutdown(fd_.get(), SHUT_RDWR);  // wakes the reader
  while (!pending_.empty()) {
    pending* p = pending_.front();
    pending_.pop_front();
    p->err = e;
    p->finished = true;
    p->done.notify();
  }
  slot_freed_.notify_all();
}

io::task<void> broker_connection::read_loop(broker_connection* self) {
  std::array<std::byte, 4> size_bytes{};
  for (;;) {
    auto r = co_await io::recv_exact(self->fd_.get(), size_bytes);
    if (!r) {
      self->fail_all(from_io(r.error()));
      break;
    }
    const auto size = codec::detail::load_be<int32_t>(size_bytes.data());
    if (size < 4 || size > response_size_max_bytes) {
      self->fail_all(error::of(errc::protocol));
      break;
    }
    response_frame f;
    f.bytes.resize(static_cast<size_t>(size));
    auto body = co_await io::recv_exact(self->fd_.get(), f.bytes);
    if (!body) {
      self->fail_all(from_io(body.error()));
      break;
    }
    if (self->pending_.empty()) {
      self->fail_all(error::of(errc::protocol));
      break;
    }
    pending* p = self->pending_.front();
    codec::reader rd(f.bytes);
    codec::response_header h;
    if (!h.decode(rd, codec::response_header_version(p->api_key, p->version)) || h.correlation_id != p->correlation_id) {
      RT_LOG_WARN("client: correlation id mismatch from node %d", self->node_id_);
      self->fail_all(error::of(errc::protocol));
      break;
    }
    f.body_offset = f.bytes.size() - rd.remaining();
    self->pending_.pop_front();
    p->frame = std::move(f);
    p->finished = true;
    p->done.notify();
  }
  self->reader_running_ = false;
  self->reader_done_.notify_all();
}

io::task<void> broker_connection::close() {
  if (state_ != state::closed) {
    fail_all(error::of(errc::closed));
    state_ = state::closed;
  }
  while (reader_running_) (void)co_await reader_done_.wait();
  // Wait until no send holds the lock (a send in progress completes with an error).
  co_await send_lock_.lock();
  send_lock_.unlock();
  while (in_flight_ > 0) (void)co_await slot_freed_.wait();
  if (fd_.valid()) (void)co_await fd_.close();
}

}  // namespace ringtail::core::client
