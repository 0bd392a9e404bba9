// Operating errors of the Kafka client (core/client). A client error is either local
// (network, timeout, protocol, back-pressure) or a Kafka error code the broker returned
// (errc::kafka with `kafka` set). Trivially copyable, so it travels in result<> freely.
#pragma once

#include <cstdint>
#include <string>

#include "ringtail/base/result.h"
#include "ringtail/codec/error_code.h"

namespace ringtail::core::client {

enum class errc : uint8_t {
  ok = 0,
  network,              // connect/send/receive failed, or the connection broke
  timed_out,            // request.timeout.ms / delivery.timeout.ms passed
  protocol,             // a response we could not parse, a correlation id mismatch
  unsupported_version,  // no version both sides support for a needed API
  kafka,                // the broker returned `kafka`
  buffer_full,          // buffer.memory is used up: wait_for_space() then retry
  unknown_topic,        // the topic is not (yet) in the metadata
  no_leader,            // the partition has no leader in the metadata
  closed,               // the client is closing
  invalid_argument,     // a bad configuration or call
};

struct error {
  errc code = errc::ok;
  int16_t kafka = 0;  // a codec::error_code when code == errc::kafka
  int sys_errno = 0;

  static error of(errc c) noexcept { return error{c, 0, 0}; }
  static error from_kafka(int16_t ec) noexcept { return error{errc::kafka, ec, 0}; }
  bool operator==(errc c) const noexcept { return code == c; }
  std::string message() const;
  // Worth retrying after a backoff (and a metadata refresh): a lost connection, a
  // timeout, or one of Kafka's retriable error codes.
  bool retriable() const noexcept;
  // The leader may have moved: refresh metadata before retrying.
  bool needs_metadata_refresh() const noexcept;
};

// Kafka's RetriableException subclasses, by error code.
bool is_retriable(codec::error_code ec) noexcept;

template <typename T>
using result = ringtail::result<T, error>;
using ringtail::unexpected;

inline unexpected<error> fail(errc c) { return unexpected{error::of(c)}; }
inline unexpected<error> fail_kafka(int16_t ec) { return unexpected{error::from_kafka(ec)}; }

}  // namespace ringtail::core::client
