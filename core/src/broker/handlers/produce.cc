// Produce (0): per partition, the records go to the partition's owner shard, which
// validates the batch in place (CRC, magic, sizes, sequences), patches the base offset
// and appends it. Partitions owned by different shards are produced concurrently; the
// response is built after every append (acks=1/-1), and not sent at all for acks=0.
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
};

// On the owner shard: appends each item in order.
io::task<void> produce_here(std::vector<produce_item>* items, int16_t acks, int16_t version) {
  for (auto& it : *items) {
    partition* p = local_shard().find(it.topic, it.index);
    if (!p) {
      it.out->error_code = static_cast<int16_t>(error_code::not_leader_or_follower);
      continue;
    }
    produce_outcome r = co_await p->produce(it.records, acks, version);
    it.out->error_code = static_cast<int16_t>(r.error);
    it.out->base_offset = r.base_offset;
    it.out->log_append_time_ms = r.log_append_time_ms;
    it.out->log_start_offset = r.log_start_offset;
  }
}

io::task<void> produce_on(unsigned shard, std::vector<produce_item>* items, int16_t acks, int16_t version) {
  co_await io::submit_to(shard, [items, acks, version] { return produce_here(items, acks, version); });
}

}  // namespace

io::task<codec::produce_response> handle_produce(request_context& ctx, codec::produce_request& req) {
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
  // Every pointer into resp is stable now (no more emplace_back).
  std::vector<io::task<void>> work;
  for (auto& [shard, items] : by_shard) work.push_back(produce_on(shard, &items, req.acks, ctx.api_version));
  co_await io::when_all(std::move(work));
  co_return resp;
}

}  // namespace ringtail::core
