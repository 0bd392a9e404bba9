// SyncGroup (14), v0–4: the leader hands in the assignment; every member waits on the
// coordinator's shard until it is stored in __consumer_offsets, then gets its own part.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct sync_call {
  const codec::sync_group_request* req = nullptr;
  int32_t partition = 0;
  group::sync_result out;
};

io::task<void> sync_here(sync_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const codec::sync_group_request& req = *c->req;
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->out.error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(req.group_id);
  if (!g) {
    c->out.error = error_code::unknown_member_id;
    co_return;
  }
  std::map<std::string, std::string> assignments;
  for (const auto& a : req.assignments) {
    assignments[std::string(a.member_id)] =
        std::string(reinterpret_cast<const char*>(a.assignment.data()), a.assignment.size());
  }
  std::optional<std::string> instance;
  if (req.group_instance_id) instance = std::string(*req.group_instance_id);
  std::string member_id(req.member_id);
  c->out = co_await coord.sync(g, std::move(member_id), std::move(instance), req.generation_id, std::move(assignments));
}

io::task<void> sync_on(unsigned shard, sync_call* c) {
  co_await io::submit_to(shard, [c] { return sync_here(c); });
}

}  // namespace

io::task<codec::sync_group_response> handle_sync_group(request_context& ctx, const codec::sync_group_request& req) {
  codec::sync_group_response resp;
  if (req.group_id.empty()) {
    resp.error_code = static_cast<int16_t>(error_code::invalid_group_id);
    co_return resp;
  }
  group::group_route route = co_await group::route_group(req.group_id, true);
  if (route.error != error_code::none) {
    resp.error_code = static_cast<int16_t>(route.error);
    co_return resp;
  }
  sync_call call;
  call.req = &req;
  call.partition = route.partition;
  co_await sync_on(route.shard, &call);
  resp.error_code = static_cast<int16_t>(call.out.error);
  const std::string& a = call.out.assignment;
  auto& buf = ctx.buffers.emplace_back(reinterpret_cast<const std::byte*>(a.data()),
                                       reinterpret_cast<const std::byte*>(a.data()) + a.size());
  resp.assignment = codec::bytes_view(buf);
  co_return resp;
}

}  // namespace ringtail::core
