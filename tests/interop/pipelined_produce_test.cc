// One connection, several Produce requests in flight (what the Java client does by
// default with max.in.flight.requests.per.connection=5): the broker must apply them in
// the order they were sent, as Kafka does, and answer them in that order.
//  - idempotent: every batch is accepted (no OUT_OF_ORDER_SEQUENCE_NUMBER), and offsets
//    follow the send order;
//  - not idempotent: offsets follow the send order too (a plain producer with retries
//    disabled relies on it for ordering);
//  - requests carrying two partitions each, owned by different shards: per partition
//    the order holds.
// The request schedule is exact, so these drive the broker from a raw socket
// (raw_kafka.h); the real clients' own pipelining is covered by their interop tests
// (ProducerPerformance in java_tools_test.cc).
#include <cstdlib>
#include <deque>

#include "interop.h"
#include "raw_kafka.h"

namespace ringtail::interop {
namespace {

constexpr int in_flight_max = 5;
constexpr int32_t produce_version = 7;

// Batches sent per test; RINGTAIL_PIPELINE_BATCHES overrides it (the figure is a
// million, the default).
int batches_to_send(int default_count) {
  if (const char* e = std::getenv("RINGTAIL_PIPELINE_BATCHES")) return std::max(1, std::atoi(e));
  return default_count;
}

struct partition_answer {
  int32_t index = -1;
  int16_t error = -1;
  int64_t base_offset = -1;
};

struct producer_identity {
  int64_t id = -1;
  int16_t epoch = -1;
};

std::optional<producer_identity> init_producer_id(raw_connection& c) {
  codec::init_producer_id_request req;
  req.transaction_timeout_ms = 60'000;
  codec::writer w;
  codec::encode_request_frame(w, 1, "ringtail-raw-test", 1, req);
  if (!c.send_bytes(w.bytes())) return std::nullopt;
  auto frame = c.read_frame();
  if (!frame) return std::nullopt;
  codec::reader r(*frame);
  codec::response_header h;
  if (!h.decode(r, codec::response_header_version(22, 1))) return std::nullopt;
  codec::init_producer_id_response resp;
  if (!resp.decode(r, 1) || resp.error_code != 0) return std::nullopt;
  return producer_identity{resp.producer_id, resp.producer_epoch};
}

// One record per batch ("v<sequence>"), so a batch's offset is its sequence number.
std::vector<std::byte> one_record_batch(int seq, const std::optional<producer_identity>& producer) {
  codec::record_batch_builder b;
  if (producer) b.set_producer(producer->id, producer->epoch, seq);
  const std::string v = "v" + std::to_string(seq);
  b.append(1'700'000'000'000 + seq, std::nullopt, std::as_bytes(std::span(v.data(), v.size())));
  auto done = b.finish();
  return done ? std::vector<std::byte>(done->begin(), done->end()) : std::vector<std::byte>{};
}

std::vector<std::byte> produce_request_frame(int32_t correlation_id, const std::string& topic,
                                             const std::vector<int32_t>& partitions, std::span<const std::byte> batch) {
  codec::produce_request req;
  req.acks = -1;
  req.timeout_ms = 30000;
  auto& t = req.topic_data.emplace_back();
  t.name = topic;
  for (int32_t p : partitions) {
    auto& pd = t.partition_data.emplace_back();
    pd.index = p;
    pd.records = batch;
  }
  codec::writer w;
  codec::encode_request_frame(w, correlation_id, "ringtail-raw-test", produce_version, req);
  return w.release();
}

std::optional<std::vector<partition_answer>> read_produce_response(raw_connection& c, int32_t& correlation_id) {
  auto frame = c.read_frame();
  if (!frame) return std::nullopt;
  codec::reader r(*frame);
  codec::response_header h;
  if (!h.decode(r, codec::response_header_version(0, produce_version))) return std::nullopt;
  codec::produce_response resp;
  if (!resp.decode(r, produce_version)) return std::nullopt;
  correlation_id = h.correlation_id;
  std::vector<partition_answer> out;
  for (const auto& t : resp.responses)
    for (const auto& p : t.partition_responses) out.push_back({p.index, p.error_code, p.base_offset});
  return out;
}

class pipelined_produce_test : public broker_test {
 protected:
  // Sends `count` one-record batches on one connection, `in_flight_max` requests at a
  // time, each to every partition in `partitions`, and checks each answer as it comes:
  // in request order, no error, offset == the batch's position in the send order.
  void produce_pipelined(const std::string& topic, const std::vector<int32_t>& partitions, int count,
                         bool idempotent) {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    std::optional<producer_identity> producer;
    if (idempotent) {
      producer = init_producer_id(c);
      ASSERT_TRUE(producer.has_value()) << "InitProducerId failed";
    }
    std::deque<int> in_flight;  // sequences sent and not yet answered, oldest first
    int sent = 0;
    int answered = 0;
    int failures = 0;
    while (answered < count) {
      while (sent < count && in_flight.size() < in_flight_max) {
        const auto batch = one_record_batch(sent, producer);
        ASSERT_FALSE(batch.empty());
        ASSERT_TRUE(c.send_bytes(produce_request_frame(1000 + sent, topic, partitions, batch)))
            << "send failed at batch " << sent;
        in_flight.push_back(sent++);
      }
      int32_t correlation_id = -1;
      auto answers = read_produce_response(c, correlation_id);
      ASSERT_TRUE(answers.has_value()) << "no produce response after " << answered << " answers";
      const int seq = in_flight.front();
      in_flight.pop_front();
      ASSERT_EQ(correlation_id, 1000 + seq) << "responses out of request order";
      ASSERT_EQ(answers->size(), partitions.size());
      for (const auto& a : *answers) {
        if (a.error != 0 || a.base_offset != seq) {
          // Report the first few in full; the count says how bad it is.
          if (++failures <= 5) {
            ADD_FAILURE() << "batch " << seq << " partition " << a.index << ": error " << a.error << ", offset "
                          << a.base_offset << " (want error 0, offset " << seq << ")";
          }
        }
      }
      ++answered;
    }
    EXPECT_EQ(failures, 0) << "batches answered with an error or out of order, of " << count;
  }
};

TEST_F(pipelined_produce_test, IdempotentBatchesTakeEffectInSendOrder) {
  const std::string topic = "pipelined-idempotent";
  create_topic(topic, 1);
  produce_pipelined(topic, {0}, batches_to_send(1'000'000), /*idempotent=*/true);
}

TEST_F(pipelined_produce_test, PlainBatchesTakeEffectInSendOrder) {
  const std::string topic = "pipelined-plain";
  create_topic(topic, 1);
  produce_pipelined(topic, {0}, batches_to_send(1'000'000), /*idempotent=*/false);
}

// Two partitions per request: with two shards they are owned by different shards (and
// one of them by another shard than the connection's), so each request fans out across
// shards and a later request must not overtake an earlier one on either partition.
TEST_F(pipelined_produce_test, MultiPartitionRequestsKeepOrderOnEveryPartition) {
  const std::string topic = "pipelined-two";
  create_topic(topic, 2);
  produce_pipelined(topic, {0, 1}, batches_to_send(1'000'000) / 5, /*idempotent=*/true);
}

}  // namespace
}  // namespace ringtail::interop
