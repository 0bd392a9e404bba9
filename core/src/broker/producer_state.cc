#include "ringtail/core/broker/producer_state.h"

namespace ringtail::core {

namespace {
// Sequences wrap from INT32_MAX to 0 (RECORD_FORMAT.md).
int32_t next_sequence(int32_t s) { return s == INT32_MAX ? 0 : s + 1; }
}  // namespace

producer_state::check_result producer_state::check(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                                                   int32_t last_sequence) const {
  auto it = producers_.find(producer_id);
  if (it == producers_.end()) {
    // A new producer (or one whose state expired) must start its sequence at 0.
    if (first_sequence != 0) return {codec::error_code::unknown_producer_id, nullptr};
    return {};
  }
  const producer_entry& e = it->second;
  if (epoch < e.epoch) return {codec::error_code::invalid_producer_epoch, nullptr};
  if (epoch > e.epoch) {
    // A bumped epoch restarts the sequence at 0.
    if (first_sequence != 0) return {codec::error_code::out_of_order_sequence_number, nullptr};
    return {};
  }
  for (const auto& b : e.batches) {
    if (b.first_sequence == first_sequence && b.last_sequence == last_sequence) {
      return {codec::error_code::none, &b};
    }
  }
  if (e.batches.empty()) return {};
  const int32_t expected = next_sequence(e.batches.back().last_sequence);
  if (first_sequence != expected) {
    // A retry of something older than the cached batches, or a gap.
    for (const auto& b : e.batches)
      if (first_sequence == b.first_sequence) return {codec::error_code::duplicate_sequence_number, nullptr};
    return {codec::error_code::out_of_order_sequence_number, nullptr};
  }
  return {};
}

producer_state::undo_record producer_state::record(int64_t producer_id, int16_t epoch, const batch_sequence& b) {
  undo_record u;
  u.producer_id = producer_id;
  auto [it, inserted] = producers_.try_emplace(producer_id);
  producer_entry& e = it->second;
  u.was_new = inserted;
  u.old_epoch = e.epoch;
  if (epoch != e.epoch) {
    e.epoch = epoch;
    if (!e.batches.empty()) u.replaced.emplace(std::move(e.batches));
    e.batches.clear();
  }
  e.batches.push_back(b);
  if (e.batches.size() > producer_batches_kept) {
    u.evicted = e.batches.front();
    e.batches.pop_front();
  }
  return u;
}

void producer_state::undo(undo_record&& u) noexcept {
  auto it = producers_.find(u.producer_id);
  if (it == producers_.end()) return;  // evicted meanwhile: nothing of it is left
  producer_entry& e = it->second;
  if (!e.batches.empty()) e.batches.pop_back();
  if (u.was_new) {
    producers_.erase(it);
    return;
  }
  if (e.epoch != u.old_epoch) {
    e.epoch = u.old_epoch;
    e.batches.clear();
    if (u.replaced) e.batches = std::move(*u.replaced);
  } else if (u.evicted) {
    e.batches.push_front(*u.evicted);
  }
}

size_t producer_state::evict_before(int64_t log_start_offset) {
  size_t removed = 0;
  for (auto it = producers_.begin(); it != producers_.end();) {
    if (it->second.batches.empty() || it->second.batches.back().last_offset < log_start_offset) {
      it = producers_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

log::append_admission::verdict sequence_admission::admit(int64_t base_offset, int64_t last_offset,
                                                        int64_t max_timestamp) {
  auto check = producers_.check(producer_id_, epoch_, first_sequence_, last_sequence_);
  if (check.duplicate || check.error != codec::error_code::none) {
    error_ = check.error;
    return verdict::skip;
  }
  undo_ = producers_.record(producer_id_, epoch_,
                            batch_sequence{first_sequence_, last_sequence_, base_offset, last_offset, max_timestamp});
  return verdict::append;
}

void sequence_admission::revoke() noexcept { producers_.undo(std::move(undo_)); }

const batch_sequence* sequence_admission::duplicate() const {
  if (error_ != codec::error_code::none) return nullptr;
  return producers_.check(producer_id_, epoch_, first_sequence_, last_sequence_).duplicate;
}

}  // namespace ringtail::core
