// Heartbeat (12), v0–4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to
// rejoin. Answered on the coordinator's shard without waiting.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

io::task<error_code> heartbeat_here(const codec::heartbeat_request* req, int32_t partition) {
  group::coordinator& coord = group::local_coordinator();
  const error_code loaded = co_await coord.ensure_loaded(partition);
  if (loaded != error_code::none) co_return loaded;
  std::shared_ptr<group::group> g = coord.find(req->group_id);
  if (!g) co_return error_code::unknown_member_id;
  const error_code e = g->heartbeat(req->member_id, req->group_instance_id, req->generation_id);
  coord.reschedule(*g);
  co_return e;
}

}  // namespace

io::task<codec::heartbeat_response> handle_heartbeat(request_context& ctx, const codec::heartbeat_request& req) {
  (void)ctx;
  codec::heartbeat_response resp;
  if (req.group_id.empty()) {
    resp.error_code = static_cast<int16_t>(error_code::invalid_group_id);
    co_return resp;
  }
  group::group_route route = co_await group::route_group(req.group_id, true);
  if (route.error != error_code::none) {
    resp.error_code = static_cast<int16_t>(route.error);
    co_return resp;
  }
  const codec::heartbeat_request* rp = &req;
  const int32_t partition = route.partition;
  const error_code e = co_await io::submit_to(route.shard, [rp, partition] { return heartbeat_here(rp, partition); });
  resp.error_code = static_cast<int16_t>(e);
  co_return resp;
}

}  // namespace ringtail::core
