// Idempotent-producer state of one partition (Kafka's ProducerStateManager, reduced to
// what a non-transactional single node needs): for each producer id, its epoch and the
// metadata of its last 5 batches (first/last sequence, first/last offset), so that
//  - a retried batch (same sequences as a cached one) is a DUPLICATE_SEQUENCE_NUMBER,
//    answered as success with the original offsets;
//  - a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER;
//  - an older epoch is INVALID_PRODUCER_EPOCH (Kafka: PRODUCER_FENCED for v>=... we keep
//    INVALID_PRODUCER_EPOCH which every client handles);
//  - an unknown producer whose first batch does not start at sequence 0 is
//    UNKNOWN_PRODUCER_ID (KIP-360 rules are not needed for this single node).
// Rebuilt on start by scanning the batch headers of the log.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "ringtail/codec/error_code.h"

namespace ringtail::core {

struct batch_sequence {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t timestamp = -1;
};

struct producer_entry {
  int16_t epoch = -1;
  std::deque<batch_sequence> batches;  // newest last, at most producer_batches_kept
};

inline constexpr size_t producer_batches_kept = 5;

class producer_state {
 public:
  struct check_result {
    codec::error_code error = codec::error_code::none;
    const batch_sequence* duplicate = nullptr;  // set with error none: answer with these offsets
  };
  // Checks a batch before it is appended.
  check_result check(int64_t producer_id, int16_t epoch, int32_t first_sequence, int32_t last_sequence) const;
  // Records an appended batch.
  void record(int64_t producer_id, int16_t epoch, const batch_sequence& b);
  void clear() { producers_.clear(); }
  // Forgets producers none of whose cached batches is still in the log (their last
  // offset is below the new log start offset), as Kafka does when retention or
  // DeleteRecords moves the log start: their next batch is then UNKNOWN_PRODUCER_ID
  // unless it starts a new sequence. Returns how many were removed.
  size_t evict_before(int64_t log_start_offset);
  template <typename F>
  void for_each(F&& fn) const {
    for (const auto& [pid, e] : producers_) fn(pid, e);
  }
  size_t size() const noexcept { return producers_.size(); }

 private:
  std::unordered_map<int64_t, producer_entry> producers_;
};

}  // namespace ringtail::core
