// Operating errors of the partition log. Translated to Kafka error codes once, in the
// request handlers: offset_out_of_range → OFFSET_OUT_OF_RANGE, batch_too_large →
// RECORD_BATCH_TOO_LARGE / MESSAGE_TOO_LARGE, invalid_batch → CORRUPT_MESSAGE /
// INVALID_RECORD, storage_error / no_space / log_failed → KAFKA_STORAGE_ERROR,
// invalid_config → INVALID_CONFIG.
#pragma once

#include <cstdint>
#include <string_view>

#include "ringtail/base/result.h"

namespace ringtail::core::log {

enum class errc : uint8_t {
  ok = 0,
  offset_out_of_range,  // read/delete/truncate outside [log_start_offset, log_end_offset]
  invalid_batch,        // append of bytes that are not whole v2 batches
  batch_too_large,      // one append larger than segment.bytes
  storage_error,        // an I/O error (EIO, short write, failed fsync) — see log_failed
  no_space,             // ENOSPC / EDQUOT: the append was not written and the log is intact
  log_failed,           // an earlier fsync or unrepairable write error: the log refuses
                        // everything until it is reopened (and recovered)
  corrupt,              // a checkpoint or segment that recovery cannot make sense of
  closed,               // the log was closed or removed
  invalid_config,       // log_config does not validate
  not_admitted,         // the append's append_admission skipped it (nothing written)
};

std::string_view to_string(errc e) noexcept;

template <typename T>
using result = ringtail::result<T, errc>;
using ringtail::unexpected;

}  // namespace ringtail::core::log
