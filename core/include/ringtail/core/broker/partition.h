// partition: one topic-partition on its owner shard — its log, its idempotent-producer
// state, and the event that wakes long-polling fetches when data is appended. Created
// and destroyed by the controller through the owner shard; never touched elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringtail/codec/error_code.h"
#include "ringtail/core/broker/metadata.h"
#include "ringtail/core/broker/producer_state.h"
#include "ringtail/core/log/buffer.h"
#include "ringtail/io/event.h"
#include "ringtail/io/task.h"

namespace ringtail::codec {
class record_batch_view;
}

namespace ringtail::core {

struct produce_outcome {
  codec::error_code error = codec::error_code::none;
  std::string error_message;
  int64_t base_offset = -1;
  int64_t log_append_time_ms = -1;
  int64_t log_start_offset = -1;
};

struct fetch_outcome {
  codec::error_code error = codec::error_code::none;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  // Whole batches: the log's own chunks (zero-copy; only on the owner shard), or a copy
  // when the caller is on another shard (chunk owners never leave their shard).
  std::vector<log::chunk> chunks;
  std::vector<std::byte> records;
};

// One produce to one partition between partition::enqueue_produce() and
// complete_produce(); lives in the producing task's frame. Only the partition touches it.
class produce_op {
 public:
  produce_op() = default;
  produce_op(const produce_op&) = delete;
  produce_op& operator=(const produce_op&) = delete;

 private:
  friend class partition;
  produce_outcome out;
  bool queued = false;
  log::append_op append;
  std::optional<sequence_admission> admission;  // idempotent batches
};

class partition {
 public:
  ~partition();
  // Opens (recovering if needed) the partition's log under the data directory.
  static io::task<result<std::unique_ptr<partition>, std::string>> open(std::string topic, int32_t index,
                                                                           std::map<std::string, std::string> configs);

  const std::string& topic() const noexcept { return topic_; }
  int32_t index() const noexcept { return index_; }

  // Validates and appends the records of one Produce partition entry. `records` is
  // mutable: base offsets are patched in place.
  io::task<produce_outcome> produce(std::span<std::byte> records, int16_t acks, int16_t api_version);
  // produce() in two steps, so that a connection's pipelined requests take effect in the
  // order they were sent (Kafka's guarantee; idempotent producers with several requests
  // in flight depend on it): enqueue_produce() validates and queues the records on the
  // log without suspending — appends take offsets, and idempotent sequences are
  // checked, in the order of these calls — and complete_produce() waits for the append.
  // `records` must stay valid until complete_produce() returns.
  void enqueue_produce(produce_op& op, std::span<std::byte> records, int16_t acks, int16_t api_version);
  io::task<produce_outcome> complete_produce(produce_op& op);

  // Internal writers (the group coordinator on __consumer_offsets): appends whole v2
  // batches the broker built itself, without the client checks of produce(); returns the
  // base offset. Read back with for_each_batch() (e.g. replay at start).
  io::task<result<int64_t, codec::error_code>> append_internal(std::span<std::byte> batches);
  io::task<result<void, codec::error_code>> for_each_batch(int64_t from_offset,
                                                           std::function<bool(const codec::record_batch_view&)> fn);

  // Reads whole batches from `offset`, up to `max_bytes` (at least one batch if
  // `min_one`), below the high watermark.
  io::task<fetch_outcome> fetch(int64_t offset, int32_t max_bytes, bool min_one, bool copy);

  // ListOffsets: -2 earliest, -1 latest, -3 max timestamp, else first offset with
  // timestamp >= t. Returns {offset, timestamp} or an error.
  io::task<result<std::pair<int64_t, int64_t>, codec::error_code>> list_offset(int64_t timestamp);

  // DeleteRecords: advances the log start offset; -1 means the high watermark.
  io::task<result<int64_t, codec::error_code>> delete_records(int64_t before_offset);

  int64_t high_watermark() const noexcept;
  int64_t log_start_offset() const noexcept;
  int64_t log_end_offset() const noexcept;

  // Woken after every append (fetch long-polling waits here).
  io::event& appended() noexcept { return appended_; }

  // Applies new topic configs (AlterConfigs) to the log.
  void update_configs(const std::map<std::string, std::string>& configs);

  io::task<void> close();   // flush, producer snapshot, clean-shutdown marker
  io::task<void> remove();  // delete the partition's directory (DeleteTopics)
  // Deletes segments past retention.ms / retention.bytes.
  io::task<void> apply_retention();

  static std::string directory_for(const std::string& topic, int32_t index);

 private:
  partition(std::string topic, int32_t index);
  io::task<void> load_producer_state();
  io::task<void> save_producer_state();
  io::task<void> save_producer_state_if_open();

  std::string topic_;
  int32_t index_;
  std::unique_ptr<log::partition_log> log_;
  producer_state producers_;
  io::event appended_;
  std::map<std::string, std::string> configs_;
};

}  // namespace ringtail::core
