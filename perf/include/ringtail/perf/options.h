// The load generator's configuration: command-line flags (kafka-producer-perf-test /
// kafka-consumer-perf-test names where they exist) and OpenMessaging-Benchmark-style
// workload files (a flat YAML or JSON object).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ringtail/codec/compression.h"

namespace ringtail::perf {

enum class mode : uint8_t { produce, consume, e2e };
enum class payload_kind : uint8_t { random, json, file };

struct options {
  mode command = mode::produce;
  std::string bootstrap = "127.0.0.1:9092";
  std::string topic = "ringtail-perf";
  int topics = 1;                 // > 1: topic-0 … topic-(N-1)
  int32_t partitions = 0;         // > 0: create the topic(s) with this many partitions
  int16_t replication_factor = 1;
  int64_t num_records = 0;        // 0 with duration_s: run for the duration
  double duration_s = 0;
  int32_t record_size_min = 100;  // uniform in [min, max]; fixed when equal
  int32_t record_size_max = 100;
  double throughput = -1;         // records/s over all producers; <= 0: unlimited
  int64_t key_cardinality = 0;    // 0: null keys (sticky partitioner)
  int headers = 0;                // headers per record
  int header_size = 16;
  payload_kind payload = payload_kind::random;
  std::string payload_file;
  // Producer.
  int16_t acks = -1;
  codec::compression_type compression = codec::compression_type::none;
  int compression_level = 0;
  int32_t batch_size = 16384;
  int linger_ms = 5;
  bool idempotence = false;
  int64_t buffer_memory = 32 * 1024 * 1024;
  int max_in_flight = 5;
  int32_t max_request_size = 1024 * 1024;
  int producers = 1;
  // Consumer.
  int consumers = 1;
  std::string group;              // non-empty: subscribe with this group
  bool from_beginning = true;     // consume: start at the beginning (else the end)
  int32_t fetch_min_bytes = 1;
  int fetch_max_wait_ms = 500;
  int32_t max_partition_fetch_bytes = 1024 * 1024;
  int64_t timeout_ms = 10'000;    // consume: stop after this long without records
  // Runtime and reports.
  unsigned threads = 0;           // shards; 0 = min(2, cores)
  int report_interval_ms = 2000;
  std::string json_file;
  std::string svg_file;
  std::string workload_name;
  bool quiet = false;
  bool help = false;

  std::vector<std::pair<std::string, std::string>> describe() const;  // for the JSON
};

// Parses `perf <command> flags…` (args without "perf"). Returns an error message or "".
std::string parse_options(const std::vector<std::string>& args, options& out);
// Applies a workload file (YAML subset or JSON) on top of `out`. Error message or "".
std::string apply_workload_file(const std::string& path, options& out);
std::string usage();

}  // namespace ringtail::perf
