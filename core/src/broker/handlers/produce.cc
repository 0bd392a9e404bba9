// Produce (0): per partition, the records go to the partition's owner shard, which
// validates the batch in place (CRC, magic, sizes, sequences), patches the base offset
// and appends it. Partitions owned by different shards are produced concurrently; the
// response is built after every append (acks=1/-1), and not sent at all for acks=0.
//
// Order (Kafka's guarantee, which idempotent producers with several requests in flight
// rely on): a connection's produce requests take effect on each partition in the order
// they were sent. The request takes its turn in the connection's produce order
// (connection::produce_order), then hands its partitions to their shards before it
// passes the turn on: messages to one shard travel one FIFO ring, each shard starts
// them in arrival order, and produce_here() queues every partition of a request on its
// log before awaiting any (partition::enqueue_produce). Appends and responses still
// overlap freely: only the hand-over is in turn.
#include <map>

#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/when_all.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct produce_item {
  std::string_view topic;
  int32_t index = 0;
  std::span<std::byte> records;
  codec::produce_response::partition_produce_response* out = nullptr;
  partition* target = nullptr;  // on the owner shard, once found
};

// On the owner shard: queues every item on its partition's log, then waits for them.
io::task<void> produce_here(std::vector<produce_item>* items, int16_t acks, int16_t version) {
  const size_t n = items->size();
  std::unique_ptr<produce_op[]> ops(new produce_op[n]);
  for (size_t i = 0; i < n; ++i) {
    produce_item& it = (*items)[i];
    it.target = local_shard().find(it.topic, it.index);
    if (!it.target) {
      it.out->error_code = static_cast<int16_t>(error_code::not_leader_or_follower);
      continue;
    }
    it.target->enqueue_produce(ops[i], it.records, acks, version);
  }
  for (size_t i = 0; i < n; ++i) {
    produce_item& it = (*items)[i];
    if (!it.target) continue;
    produce_outcome r = co_await it.target->complete_produce(ops[i]);
    it.out->error_code = static_cast<int16_t>(r.error);
    it.out->base_offset = r.base_offset;
    it.out->log_append_time_ms = r.log_append_time_ms;
    it.out->log_start_offset = r.log_start_offset;
  }
}

io::task<void> produce_on(unsigned shard, std::vector<produce_item>* items, int16_t acks, int16_t version) {
  co_await io::submit_to(shard, [items, acks, version] { return produce_here(items, acks, version); });
}

// Passes the request's turn in its connection's produce order on, on every path out.
class produce_turn {
 public:
  produce_turn(io::sequencer& order, uint64_t ticket) : order_(order), ticket_(ticket) {}
  produce_turn(const produce_turn&) = delete;
  produce_turn& operator=(const produce_turn&) = delete;
  ~produce_turn() { pass(); }
  io::task<void> wait() { return order_.turn(ticket_); }
  void pass() noexcept {
    if (passed_) return;
    passed_ = true;
    order_.pass(ticket_);
  }

 private:
  io::sequencer& order_;
  uint64_t ticket_;
  bool passed_ = false;
};

}  // namespace

io::task<codec::produce_response> handle_produce(request_context& ctx, codec::produce_request& req) {
  produce_turn turn(ctx.conn->produce_order(), ctx.produce_ticket);
  co_await turn.wait();
  codec::produce_response resp;
  const bool bad_acks = req.acks != 0 && req.acks != 1 && req.acks != -1;
  const bool transactional = req.transactional_id.has_value() && !req.transactional_id->empty();
  std::map<unsigned, std::vector<produce_item>> by_shard;
  resp.responses.reserve(req.topic_data.size());
  for (auto& td : req.topic_data) {
    auto& tout = resp.responses.emplace_back();
    tout.name = td.name;
    tout.partition_responses.reserve(td.partition_data.size());
    const std::string name(td.name);
    if (!bad_acks && !transactional && !local_shard().image().find(name)) (void)co_await ensure_topic(name);
    for (auto& pd : td.partition_data) {
      auto& pout = tout.partition_responses.emplace_back();
      pout.index = pd.index;
      pout.base_offset = -1;
      if (bad_acks) {
        pout.error_code = static_cast<int16_t>(error_code::invalid_required_acks);
        continue;
      }
      if (transactional) {
        pout.error_code = static_cast<int16_t>(error_code::transactional_id_authorization_failed);
        continue;
      }
      const partition_info* pi = local_shard().image().find(name, pd.index);
      if (!pi) {
        pout.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
        continue;
      }
      if (!pd.records || pd.records->empty()) {
        pout.error_code = static_cast<int16_t>(error_code::invalid_record);
        continue;
      }
      // The frame buffer belongs to this request (dispatch.cc keeps it alive and mutable);
      // the owner patches offsets in place before appending.
      auto* bytes = const_cast<std::byte*>(pd.records->data());
      by_shard[pi->shard].push_back(produce_item{td.name, pd.index, {bytes, pd.records->size()}, nullptr});
      by_shard[pi->shard].back().out = &pout;
    }
  }
  // Every pointer into resp is stable now (no more emplace_back). Each shard's share is
  // on its way (in its ring, or started here) once start() returns.
  io::task_group work;
  for (auto& [shard, items] : by_shard) work.start(produce_on(shard, &items, req.acks, ctx.api_version));
  turn.pass();
  co_await work.wait();
  co_return resp;
}

}  // namespace ringtail::core
