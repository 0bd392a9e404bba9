#include "ringtail/core/client/errors.h"

#include <cstring>

namespace ringtail::core::client {

namespace {
const char* errc_name(errc c) noexcept {
  switch (c) {
    case errc::ok: return "ok";
    case errc::network: return "network error";
    case errc::timed_out: return "timed out";
    case errc::protocol: return "protocol error";
    case errc::unsupported_version: return "no common API version";
    case errc::kafka: return "kafka error";
    case errc::buffer_full: return "buffer.memory exhausted";
    case errc::unknown_topic: return "unknown topic";
    case errc::no_leader: return "no leader";
    case errc::closed: return "client closed";
    case errc::invalid_argument: return "invalid argument";
  }
  return "?";
}
}  // namespace

std::string error::message() const {
  std::string s = errc_name(code);
  if (code == errc::kafka) {
    s = std::string(codec::to_string(static_cast<codec::error_code>(kafka))) + " (" + std::to_string(kafka) + ")";
  }
  if (sys_errno != 0) s += std::string(": ") + std::strerror(sys_errno);
  return s;
}

bool is_retriable(codec::error_code ec) noexcept {
  using E = codec::error_code;
  switch (ec) {
    case E::corrupt_message:
    case E::unknown_topic_or_partition:
    case E::leader_not_available:
    case E::not_leader_or_follower:
    case E::request_timed_out:
    case E::network_exception:
    case E::coordinator_load_in_progress:
    case E::coordinator_not_available:
    case E::not_coordinator:
    case E::not_enough_replicas:
    case E::not_enough_replicas_after_append:
    case E::kafka_storage_error:
      return true;
    default:
      return static_cast<int16_t>(ec) == 74 /*FENCED_LEADER_EPOCH*/ || static_cast<int16_t>(ec) == 75 /*UNKNOWN_LEADER_EPOCH*/;
  }
}

bool error::retriable() const noexcept {
  switch (code) {
    case errc::network:
    case errc::timed_out:
    case errc::no_leader:
    case errc::unknown_topic:
      return true;
    case errc::kafka:
      return is_retriable(static_cast<codec::error_code>(kafka));
    default:
      return false;
  }
}

bool error::needs_metadata_refresh() const noexcept {
  if (code == errc::network || code == errc::no_leader || code == errc::unknown_topic) return true;
  if (code != errc::kafka) return false;
  using E = codec::error_code;
  const auto ec = static_cast<E>(kafka);
  return ec == E::unknown_topic_or_partition || ec == E::leader_not_available || ec == E::not_leader_or_follower ||
         kafka == 74 || kafka == 75;
}

}  // namespace ringtail::core::client
