// OffsetCommit (8), v0–8: checked against the group's generation and membership, written
// as OffsetCommit records to the group's __consumer_offsets partition (one batch per
// request), applied in memory and acknowledged only after the append.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/core/group/records.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct commit_call {
  const codec::offset_commit_request* req = nullptr;
  int16_t version = 0;
  int32_t partition = 0;
  codec::offset_commit_response* resp = nullptr;  // partitions pre-filled; errors set here
};

void set_all(codec::offset_commit_response& resp, error_code e) {
  for (auto& t : resp.topics)
    for (auto& p : t.partitions)
      if (p.error_code == 0) p.error_code = static_cast<int16_t>(e);
}

io::task<void> commit_here(commit_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const codec::offset_commit_request& req = *c->req;
  codec::offset_commit_response& resp = *c->resp;
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) co_return set_all(resp, loaded);
  std::shared_ptr<group::group> g = coord.find(req.group_id);
  const int32_t generation = c->version >= 1 ? req.generation_id_or_member_epoch : -1;
  if (!g) {
    // Offsets-only use (simple consumers, admin tools) creates the group; a member of a
    // generation of a group we do not know is stale.
    if (generation >= 0) co_return set_all(resp, error_code::illegal_generation);
    g = coord.get_or_create(req.group_id);
  }
  const error_code valid = g->validate_commit(req.member_id, req.group_instance_id, generation);
  coord.reschedule(*g);
  if (valid != error_code::none) co_return set_all(resp, valid);

  const int64_t now = coord.clock().now_ms();
  const metadata_image& image = local_shard().image();
  std::vector<group::offsets_record> records;
  std::vector<std::pair<group::topic_partition, group::committed_offset>> applied;
  std::vector<codec::offset_commit_response::offset_commit_response_partition*> written;
  for (size_t ti = 0; ti < req.topics.size(); ++ti) {
    const auto& t = req.topics[ti];
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      auto& out = resp.topics[ti].partitions[pi];
      if (!image.find(t.name, p.partition_index)) {
        out.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
        continue;
      }
      const std::string_view metadata = p.committed_metadata.value_or("");
      if (static_cast<int64_t>(metadata.size()) > coord.config().offset_metadata_max_bytes) {
        out.error_code = static_cast<int16_t>(error_code::offset_metadata_too_large);
        continue;
      }
      group::committed_offset o;
      o.offset = p.committed_offset;
      o.leader_epoch = c->version >= 6 ? p.committed_leader_epoch : -1;
      o.metadata = std::string(metadata);
      // v1 may carry the commit time; v2–4 a retention (Kafka's pre-KIP-211 semantics).
      o.commit_timestamp_ms = c->version == 1 && p.commit_timestamp >= 0 ? p.commit_timestamp : now;
      if (c->version >= 2 && c->version <= 4 && req.retention_time_ms > 0)
        o.expire_timestamp_ms = o.commit_timestamp_ms + req.retention_time_ms;
      group::topic_partition tp{std::string(t.name), p.partition_index};
      records.push_back(group::offsets_record{group::encode_offset_commit_key(req.group_id, tp),
                                              group::encode_offset_commit_value(o)});
      applied.emplace_back(std::move(tp), std::move(o));
      written.push_back(&out);
    }
  }
  if (records.empty()) co_return;
  const std::string group_id(req.group_id);
  const error_code e = co_await coord.append(group_id, std::move(records));
  for (auto* out : written) out->error_code = static_cast<int16_t>(e);
  if (e != error_code::none) co_return;
  for (auto& [tp, o] : applied) g->apply_commit(tp, std::move(o));
}

io::task<void> commit_on(unsigned shard, commit_call* c) {
  co_await io::submit_to(shard, [c] { return commit_here(c); });
}

}  // namespace

io::task<codec::offset_commit_response> handle_offset_commit(request_context& ctx,
                                                             const codec::offset_commit_request& req) {
  codec::offset_commit_response resp;
  resp.topics.reserve(req.topics.size());
  for (const auto& t : req.topics) {
    auto& tout = resp.topics.emplace_back();
    tout.name = t.name;
    tout.partitions.reserve(t.partitions.size());
    for (const auto& p : t.partitions) tout.partitions.emplace_back().partition_index = p.partition_index;
  }
  group::group_route route = co_await group::route_group(req.group_id, true);
  if (route.error != error_code::none) {
    set_all(resp, route.error);
    co_return resp;
  }
  commit_call call;
  call.req = &req;
  call.version = ctx.api_version;
  call.partition = route.partition;
  call.resp = &resp;
  co_await commit_on(route.shard, &call);
  co_return resp;
}

}  // namespace ringtail::core
