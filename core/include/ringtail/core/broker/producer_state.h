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
#include <optional>
#include <unordered_map>

#include "ringtail/codec/error_code.h"
#include "ringtail/core/log/partition_log.h"

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
  // What record() replaced, so that a batch whose write failed can be taken back.
  struct undo_record {
    int64_t producer_id = -1;
    bool was_new = false;                                // the producer had no entry
    int16_t old_epoch = -1;
    std::optional<batch_sequence> evicted;              // the oldest batch, pushed out
    std::optional<std::deque<batch_sequence>> replaced;  // all of them, on an epoch bump
  };
  // Records a batch given its offsets (its write may still be in progress).
  undo_record record(int64_t producer_id, int16_t epoch, const batch_sequence& b);
  // Takes back the newest record() of that producer (its write failed). Records are
  // undone newest first.
  void undo(undo_record&& u) noexcept;
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

// The idempotence check of one produced batch, made by the log when it gives the batch
// its offsets (log::append_admission): a batch is checked against exactly the batches
// before it in the log, whatever else is queued or in flight, and recorded there; a
// batch whose write fails is taken back before any later batch is checked. One per
// idempotent batch, in the producing request's frame.
class sequence_admission final : public log::append_admission {
 public:
  sequence_admission(producer_state& producers, int64_t producer_id, int16_t epoch, int32_t first_sequence,
                     int32_t last_sequence)
      : producers_(producers),
        producer_id_(producer_id),
        epoch_(epoch),
        first_sequence_(first_sequence),
        last_sequence_(last_sequence) {}

  verdict admit(int64_t base_offset, int64_t last_offset, int64_t max_timestamp) override;
  void revoke() noexcept override;

  // After a skip: the check's error, or none for a duplicate.
  codec::error_code error() const noexcept { return error_; }
  // A retry of a batch the log holds (Kafka answers it with the original's offsets).
  // Re-checked after the write: the original may have been in the same, failed write.
  const batch_sequence* duplicate() const;

 private:
  producer_state& producers_;
  int64_t producer_id_;
  int16_t epoch_;
  int32_t first_sequence_;
  int32_t last_sequence_;
  codec::error_code error_ = codec::error_code::none;
  producer_state::undo_record undo_;
};

}  // namespace ringtail::core
