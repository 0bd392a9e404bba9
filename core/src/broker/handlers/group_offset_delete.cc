// OffsetDelete (47), v0 (KIP-496): deletes a group's committed offsets for some
// partitions — all of them in an Empty group; in an active consumer group only those of
// topics no member subscribes to (the others: GROUP_SUBSCRIBED_TO_TOPIC).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/core/group/records.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct offset_delete_call {
  const codec::offset_delete_request* req = nullptr;
  int32_t partition = 0;
  codec::offset_delete_response* resp = nullptr;
};

io::task<void> offset_delete_here(offset_delete_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const codec::offset_delete_request& req = *c->req;
  codec::offset_delete_response& resp = *c->resp;
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    resp.error_code = static_cast<int16_t>(loaded);
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(req.group_id);
  if (!g || g->state() == group::group_state::dead) {
    resp.error_code = static_cast<int16_t>(error_code::group_id_not_found);
    co_return;
  }
  std::optional<std::set<std::string>> subscribed;
  const bool empty = g->state() == group::group_state::empty;
  if (!empty) {
    if (!g->is_consumer_group()) {
      resp.error_code = static_cast<int16_t>(error_code::non_empty_group);
      co_return;
    }
    subscribed = g->subscribed_topics();
  }
  const metadata_image& image = local_shard().image();
  const std::string id(req.group_id);
  std::vector<group::offsets_record> records;
  std::vector<group::topic_partition> removed;
  std::vector<codec::offset_delete_response::offset_delete_response_partition*> written;
  for (size_t ti = 0; ti < req.topics.size(); ++ti) {
    const auto& t = req.topics[ti];
    // Undecodable subscriptions: treat every topic as subscribed (Kafka does).
    const bool in_use = !empty && (!subscribed || subscribed->count(std::string(t.name)) != 0);
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      auto& out = resp.topics[ti].partitions[pi];
      const int32_t p = t.partitions[pi].partition_index;
      if (!image.find(t.name, p)) {
        out.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
      } else if (in_use) {
        out.error_code = static_cast<int16_t>(error_code::group_subscribed_to_topic);
      } else {
        group::topic_partition tp{std::string(t.name), p};
        if (g->offsets().count(tp)) {
          records.push_back(group::offsets_record{group::encode_offset_commit_key(id, tp), std::nullopt});
          removed.push_back(std::move(tp));
          written.push_back(&out);
        }
      }
    }
  }
  if (records.empty()) co_return;
  const error_code e = co_await coord.append(id, std::move(records));
  if (e != error_code::none) {
    for (auto* out : written) out->error_code = static_cast<int16_t>(e);
    co_return;
  }
  for (const auto& tp : removed) g->remove_offset(tp);
}

io::task<void> offset_delete_on(unsigned shard, offset_delete_call* c) {
  co_await io::submit_to(shard, [c] { return offset_delete_here(c); });
}

}  // namespace

io::task<codec::offset_delete_response> handle_offset_delete(request_context& ctx,
                                                             const codec::offset_delete_request& req) {
  (void)ctx;
  codec::offset_delete_response resp;
  for (const auto& t : req.topics) {
    auto& tout = resp.topics.emplace_back();
    tout.name = t.name;
    for (const auto& p : t.partitions) tout.partitions.emplace_back().partition_index = p.partition_index;
  }
  group::group_route route = co_await group::route_group(req.group_id, false);
  if (route.error != error_code::none) {
    resp.error_code = static_cast<int16_t>(error_code::group_id_not_found);
    resp.topics.clear();
    co_return resp;
  }
  offset_delete_call call;
  call.req = &req;
  call.partition = route.partition;
  call.resp = &resp;
  co_await offset_delete_on(route.shard, &call);
  if (resp.error_code != 0) resp.topics.clear();
  co_return resp;
}

}  // namespace ringtail::core
