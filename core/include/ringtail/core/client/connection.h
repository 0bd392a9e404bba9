// broker_connection: one TCP connection from the client to one broker, with pipelining.
//
// Owns the socket, a reader task and the queue of requests waiting for their response.
// Lives on one shard (the client's); every call must come from that shard.
//
// Requests: call() encodes a request, takes one of `max_in_flight` slots (waiting when
// all are taken: that is max.in.flight.requests.per.connection), sends it under the send
// lock (so correlation ids go out in order) and waits for its response. Kafka answers
// requests on a connection strictly in order, so the reader matches each response with
// the oldest waiting request and checks the correlation id. acks=0 produce requests get
// no response (send_only()).
//
// Lifecycle: connect() (TCP + ApiVersions negotiation) → call()… → close(). Any socket
// error, a correlation mismatch or a request timeout breaks the connection: every waiting
// request fails with errc::network / errc::timed_out, and the owner (cluster) opens a new
// one on the next use. close() must be awaited before destruction (it waits for the
// reader task to finish).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ringtail/codec/messages.h"
#include "ringtail/core/client/errors.h"
#include "ringtail/core/client/wakeup.h"
#include "ringtail/io/event.h"
#include "ringtail/io/mutex.h"
#include "ringtail/io/task.h"
#include "ringtail/io/tcp.h"

namespace ringtail::core::client {

inline constexpr int max_in_flight_limit = 64;
inline constexpr int32_t response_size_max_bytes = 256 * 1024 * 1024;

struct connection_config {
  std::string client_id = "ringtail";
  int max_in_flight = 5;              // max.in.flight.requests.per.connection
  int request_timeout_ms = 30'000;    // request.timeout.ms
  int connect_timeout_ms = 10'000;    // socket.connection.setup.timeout.ms
};

// A response: the frame after the response header, owned.
struct response_frame {
  std::vector<std::byte> bytes;
  size_t body_offset = 0;
  codec::reader body() const { return codec::reader(codec::bytes_view(bytes).subspan(body_offset)); }
};

class broker_connection {
 public:
  broker_connection(int32_t node_id, io::endpoint ep, const connection_config& cfg);
  ~broker_connection();
  broker_connection(const broker_connection&) = delete;
  broker_connection& operator=(const broker_connection&) = delete;

  // TCP connect and ApiVersions (v3, falling back to v0 when the broker says
  // UNSUPPORTED_VERSION, as KIP-511 prescribes).
  io::task<result<void>> connect();
  io::task<void> close();

  int32_t node_id() const noexcept { return node_id_; }
  const io::endpoint& endpoint() const noexcept { return ep_; }
  bool ready() const noexcept { return state_ == state::ready; }
  bool broken() const noexcept { return state_ == state::broken || state_ == state::closed; }

  // The highest version of `key` in [lo, hi] that the broker supports too; -1 if none.
  int16_t pick_version(codec::api_key key, int16_t lo, int16_t hi) const noexcept;

  // Encodes `req` at `version` and returns the response frame.
  template <typename Request>
  io::task<result<response_frame>> call(const Request& req, int16_t version) {
    codec::writer w(256);
    codec::encode_request_frame(w, 0, cfg_.client_id, version, req);
    return call_frame(std::move(w).release(), static_cast<int16_t>(Request::api_key), version);
  }
  // Sends a request that gets no response (produce with acks=0).
  template <typename Request>
  io::task<result<void>> send_only(const Request& req, int16_t version) {
    codec::writer w(256);
    codec::encode_request_frame(w, 0, cfg_.client_id, version, req);
    return send_frame_only(std::move(w).release());
  }

  // An encoded request frame (correlation id patched in here).
  io::task<result<response_frame>> call_frame(std::vector<std::byte> frame, int16_t api_key, int16_t version);
  io::task<result<void>> send_frame_only(std::vector<std::byte> frame);

  size_t in_flight() const noexcept { return in_flight_; }

 private:
  enum class state : uint8_t { idle, connecting, ready, broken, closed };
  struct pending {
    int32_t correlation_id = 0;
    int16_t api_key = 0;
    int16_t version = 0;
    wakeup done;
    bool finished = false;
    error err{};
    response_frame frame;
  };

  io::task<result<void>> negotiate();
  io::task<result<void>> send_locked(std::vector<std::byte>& frame, pending* p);
  static io::task<void> read_loop(broker_connection* self);
  void fail_all(error e) noexcept;

  int32_t node_id_;
  io::endpoint ep_;
  connection_config cfg_;
  io::fd_handle fd_;
  state state_ = state::idle;
  int32_t next_correlation_id_ = 1;
  std::deque<pending*> pending_;
  size_t in_flight_ = 0;
  io::event slot_freed_;
  io::mutex send_lock_;
  bool reader_running_ = false;
  io::event reader_done_;
  std::array<std::array<int16_t, 2>, codec::api_key_max + 1> versions_{};  // [min, max], -1 = absent
};

}  // namespace ringtail::core::client
