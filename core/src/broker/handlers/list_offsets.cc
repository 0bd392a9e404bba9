// ListOffsets (2): earliest (-2), latest (-1), max timestamp (-3) or the first offset
// whose timestamp is >= T, per partition on its owner shard. v0 answers with the
// old-style offsets array (at most one entry here).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/broker/partition.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct lookup {
  std::string_view topic;
  int32_t index;
  int64_t timestamp;
  int16_t error = 0;
  int64_t offset = -1;
  int64_t found_timestamp = -1;
};

io::task<void> lookup_here(lookup* l) {
  partition* p = local_shard().find(l->topic, l->index);
  if (!p) {
    l->error = static_cast<int16_t>(error_code::not_leader_or_follower);
    co_return;
  }
  auto r = co_await p->list_offset(l->timestamp);
  if (!r) {
    l->error = static_cast<int16_t>(r.error());
    co_return;
  }
  l->offset = r->first;
  l->found_timestamp = r->second;
}

}  // namespace

io::task<codec::list_offsets_response> handle_list_offsets(request_context& ctx,
                                                           const codec::list_offsets_request& req) {
  codec::list_offsets_response resp;
  for (const auto& t : req.topics) {
    auto& tout = resp.topics.emplace_back();
    tout.name = t.name;
    for (const auto& p : t.partitions) {
      auto& pout = tout.partitions.emplace_back();
      pout.partition_index = p.partition_index;
      const partition_info* pi = local_shard().image().find(t.name, p.partition_index);
      if (!pi) {
        pout.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
        continue;
      }
      lookup l{t.name, p.partition_index, p.timestamp};
      lookup* lp = &l;
      co_await io::submit_to(pi->shard, [lp] { return lookup_here(lp); });
      pout.error_code = l.error;
      pout.leader_epoch = pi->leader_epoch;
      if (l.error != 0) continue;
      if (ctx.api_version == 0) {
        if (l.offset >= 0 && p.max_num_offsets > 0) pout.old_style_offsets.push_back(l.offset);
      } else {
        pout.offset = l.offset;
        pout.timestamp = l.found_timestamp;
      }
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
