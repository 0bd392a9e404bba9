// producer: Kafka's producer on one shard — per-partition accumulators, a sender that
// drains them into pipelined Produce requests per leader, retries, idempotence and
// delivery reports.
//
// Owns its accumulators (one open batch per partition, then a queue of closed batches),
// a pool of reusable batch buffers, and the sender task. Uses a cluster it does not own.
//
// Record path: try_send() picks the partition (explicit; Kafka's murmur2 for keys;
// sticky for null keys, KIP-480), appends to the partition's open batch (a
// record_batch_builder reused across batches), and closes the batch when the next record
// would pass batch.size. The sender closes batches older than linger.ms, groups the
// oldest batch of each partition by leader into Produce requests (≤ max.request.size,
// one batch per partition, as Produce v3+ requires) and keeps at most max.in.flight per
// broker. Each response is handled by its own task: success → delivery report with the
// base offset; retriable error → the batch goes back to the front of its partition queue
// (in sequence order) after retry.backoff.ms and a metadata refresh; anything else, or
// delivery.timeout.ms passed → a failed delivery report.
//
// Memory: buffer.memory bounds the uncompressed bytes of records not yet delivered;
// try_send() returns errc::buffer_full past it and wait_for_space() waits (back-pressure).
//
// Idempotence (KIP-98): InitProducerId at start; each batch gets its partition's next
// sequence when it is opened; a retried batch keeps its sequence, so the broker drops a
// duplicate after a retry (DUPLICATE_SEQUENCE_NUMBER counts as success).
//
// Lifecycle: start() → try_send()/send()… → flush() → close().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ringtail/codec/record_batch.h"
#include "ringtail/core/client/cluster.h"
#include "ringtail/core/client/wakeup.h"
#include "ringtail/io/event.h"
#include "ringtail/io/reactor.h"
#include "ringtail/io/task.h"

namespace ringtail::core::client {

inline constexpr int16_t acks_none = 0;
inline constexpr int16_t acks_leader = 1;
inline constexpr int16_t acks_all = -1;
inline constexpr size_t record_overhead_bytes = 24;  // estimate per record beyond key/value/headers

struct producer_config {
  int32_t batch_size = 16384;                   // batch.size (uncompressed bytes)
  int linger_ms = 5;                            // linger.ms
  codec::compression_type compression = codec::compression_type::none;  // compression.type
  int compression_level = 0;
  int16_t acks = acks_all;                      // acks
  bool idempotence = false;                     // enable.idempotence
  size_t buffer_memory = 32 * 1024 * 1024;      // buffer.memory
  int32_t max_request_size = 1024 * 1024;       // max.request.size
  int max_in_flight = 5;                        // max.in.flight.requests.per.connection
  int retries = 1'000'000;                      // retries
  int delivery_timeout_ms = 120'000;            // delivery.timeout.ms
  int request_timeout_ms = 30'000;              // request.timeout.ms (also the Produce timeout)
  int retry_backoff_ms = 100;                   // retry.backoff.ms
};

// One record to send. Spans must stay valid only for the duration of try_send().
struct producer_record {
  std::string_view topic;
  int32_t partition = -1;  // -1: chosen by the partitioner
  std::optional<std::span<const std::byte>> key;
  std::optional<std::span<const std::byte>> value;
  std::span<const codec::record_header> headers;
  int64_t timestamp_ms = -1;  // -1: now
};

// The outcome of one batch: `tags` are the values given to try_send() for its records,
// in order; record i has offset base_offset + i (base_offset is -1 when unknown: acks=0,
// or a duplicate the broker had already written).
struct delivery_report {
  std::string_view topic;
  int32_t partition = 0;
  int64_t base_offset = -1;
  error err{};
  std::span<const uint64_t> tags;
  size_t bytes = 0;  // uncompressed record bytes (estimate used for buffer.memory)
};

class delivery_handler {
 public:
  virtual void on_delivery(const delivery_report& report) = 0;

 protected:
  ~delivery_handler() = default;
};

struct producer_stats {
  uint64_t requests = 0;
  uint64_t batches_sent = 0;
  uint64_t retries = 0;
  uint64_t records_failed = 0;
  uint64_t producer_id_resets = 0;  // new producer ids after UNKNOWN_PRODUCER_ID
};

class producer {
 public:
  producer(cluster& c, producer_config cfg, delivery_handler* handler);
  ~producer();
  producer(const producer&) = delete;
  producer& operator=(const producer&) = delete;

  // Validates the configuration, fetches a producer id when idempotent, starts the sender.
  io::task<result<void>> start();

  // Loads the topic's metadata so that try_send() can route to it.
  io::task<result<void>> prepare_topic(std::string topic);

  // Appends a record without waiting: errc::buffer_full (wait_for_space()),
  // errc::unknown_topic (prepare_topic()), errc::invalid_argument (partition out of range,
  // record larger than max.request.size).
  result<void> try_send(const producer_record& r, uint64_t tag);
  // try_send, waiting for space / loading metadata as needed. The record's spans must
  // stay valid until this returns.
  io::task<result<void>> send(const producer_record* r, uint64_t tag);
  // Waits until buffer.memory has room again.
  io::task<void> wait_for_space();
  // Sends everything accumulated and waits until every record has its delivery report.
  io::task<void> flush();
  // flush() and stop the sender.
  io::task<void> close();

  size_t buffered_bytes() const noexcept { return buffered_bytes_; }
  int64_t producer_id() const noexcept { return producer_id_; }
  const producer_stats& stats() const noexcept { return stats_; }

 private:
  struct topic_state;
  struct partition_state;
  struct batch {
    codec::record_batch_builder builder;
    std::vector<uint64_t> tags;
    topic_state* topic = nullptr;
    partition_state* partition = nullptr;
    size_t memory_bytes = 0;
    int32_t base_sequence = codec::no_sequence;
    int attempts = 0;
    io::clock::time_point created{};
    io::clock::time_point retry_at{};
    std::span<std::byte> bytes;  // after close
    bool closed = false;
  };
  struct partition_state {
    int32_t index = 0;
    topic_state* topic = nullptr;
    batch* open = nullptr;
    std::deque<batch*> ready;  // closed, in sequence order
    int32_t next_sequence = 0;
    int in_flight = 0;
    bool queued = false;       // in ready_partitions_
  };
  struct topic_state {
    std::string name;
    std::vector<std::unique_ptr<partition_state>> partitions;
    int32_t sticky = -1;
  };

  topic_state* find_topic(std::string_view name);
  int32_t choose_partition(topic_state& t, const producer_record& r);
  batch* acquire_batch(topic_state& t, partition_state& p);
  void release_batch(batch* b);
  void close_batch(partition_state& p);
  void mark_ready(partition_state& p);
  void deliver(batch* b, int64_t base_offset, error err);
  io::task<void> run_sender();
  io::task<void> send_request(int32_t node, std::vector<batch*> batches);
  io::task<result<void>> init_producer_id();
  // After UNKNOWN_PRODUCER_ID (the broker forgot this producer, e.g. retention removed
  // its batches): with nothing in flight, takes a new producer id and renumbers every
  // unsent batch from sequence 0, as Kafka's idempotent producer does.
  io::task<void> reset_producer_id();
  void requeue(batch* b);

  cluster& cluster_;
  producer_config cfg_;
  delivery_handler* handler_;
  std::unordered_map<std::string, std::unique_ptr<topic_state>> topics_;
  topic_state* last_topic_ = nullptr;
  std::vector<std::unique_ptr<batch>> all_batches_;
  std::vector<batch*> free_batches_;
  std::vector<partition_state*> open_partitions_;  // partitions with an open batch
  std::deque<partition_state*> ready_partitions_;  // partitions with closed batches
  std::unordered_map<int32_t, int> node_in_flight_;
  size_t buffered_bytes_ = 0;
  size_t outstanding_batches_ = 0;  // open + ready + in flight
  size_t outstanding_requests_ = 0;
  io::event space_freed_;
  wakeup sender_wake_;
  io::event delivered_;
  io::event sender_done_;
  bool sender_sleeping_ = false;
  bool sender_running_ = false;
  bool flushing_ = false;
  bool closing_ = false;
  bool metadata_stale_ = false;
  bool pid_reset_pending_ = false;
  int64_t producer_id_ = codec::no_producer_id;
  int16_t producer_epoch_ = codec::no_producer_epoch;
  int16_t produce_version_ = -1;
  std::minstd_rand rng_{std::random_device{}()};
  producer_stats stats_;
};

}  // namespace ringtail::core::client
