// DeleteRecords (21): advances each partition's log start offset (offset -1 = the high
// watermark); OFFSET_OUT_OF_RANGE beyond the high watermark.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

struct deletion {
  std::string_view topic;
  int32_t index;
  int64_t offset;
  int16_t error = 0;
  int64_t low_watermark = -1;
};

io::task<void> delete_here(deletion* d) {
  partition* p = local_shard().find(d->topic, d->index);
  if (!p) {
    d->error = static_cast<int16_t>(codec::error_code::not_leader_or_follower);
    co_return;
  }
  auto r = co_await p->delete_records(d->offset);
  if (!r) d->error = static_cast<int16_t>(r.error());
  else d->low_watermark = *r;
}

}  // namespace

io::task<codec::delete_records_response> handle_delete_records(request_context&,
                                                               const codec::delete_records_request& req) {
  codec::delete_records_response resp;
  for (const auto& t : req.topics) {
    auto& tout = resp.topics.emplace_back();
    tout.name = t.name;
    for (const auto& p : t.partitions) {
      auto& pout = tout.partitions.emplace_back();
      pout.partition_index = p.partition_index;
      pout.low_watermark = -1;
      const partition_info* pi = local_shard().image().find(t.name, p.partition_index);
      if (!pi) {
        pout.error_code = static_cast<int16_t>(codec::error_code::unknown_topic_or_partition);
        continue;
      }
      deletion d{t.name, p.partition_index, p.offset};
      deletion* dp = &d;
      co_await io::submit_to(pi->shard, [dp] { return delete_here(dp); });
      pout.error_code = d.error;
      pout.low_watermark = d.low_watermark;
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
