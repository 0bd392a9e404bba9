// JoinGroup (11), v0–6: the member joins (or rejoins) its group on the coordinator's
// shard and waits there until the rebalance's join phase ends; the leader's answer
// carries every member's metadata for the selected protocol. v4+ new members first get
// MEMBER_ID_REQUIRED with their id (KIP-394); v5+ carry group.instance.id (KIP-345).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct join_call {
  const codec::join_group_request* req = nullptr;
  int16_t version = 0;
  int32_t partition = 0;
  std::string client_id;
  std::string client_host;
  group::join_result out;
};

io::task<void> join_here(join_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const codec::join_group_request& req = *c->req;
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->out.error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g =
      req.member_id.empty() ? coord.get_or_create(req.group_id) : coord.find(req.group_id);
  if (!g) {
    c->out.error = error_code::unknown_member_id;
    c->out.member_id = std::string(req.member_id);
    co_return;
  }
  group::join_request jr;
  jr.member_id = std::string(req.member_id);
  if (req.group_instance_id) jr.group_instance_id = std::string(*req.group_instance_id);
  jr.client_id = std::move(c->client_id);
  jr.client_host = std::move(c->client_host);
  jr.session_timeout_ms = req.session_timeout_ms;
  // v0 has no rebalance timeout: Kafka uses the session timeout.
  jr.rebalance_timeout_ms = c->version >= 1 && req.rebalance_timeout_ms >= 0 ? req.rebalance_timeout_ms
                                                                               : req.session_timeout_ms;
  jr.protocol_type = std::string(req.protocol_type);
  for (const auto& p : req.protocols) {
    jr.protocols.push_back(group::join_protocol{
        std::string(p.name), std::string(reinterpret_cast<const char*>(p.metadata.data()), p.metadata.size())});
  }
  jr.require_known_member_id = c->version >= 4;
  c->out = co_await coord.join(g, std::move(jr));
  // A group created for a join that failed at once holds nothing: do not keep it.
  if (g->state() == group::group_state::empty && g->generation_id() == 0 && g->members().empty() &&
      g->pending_member_count() == 0 && g->offsets().empty())
    coord.remove(g->id());
}

io::task<void> join_on(unsigned shard, join_call* c) {
  co_await io::submit_to(shard, [c] { return join_here(c); });
}

}  // namespace

io::task<codec::join_group_response> handle_join_group(request_context& ctx, const codec::join_group_request& req) {
  codec::join_group_response resp;
  resp.member_id = req.member_id;
  if (req.group_id.empty()) {
    resp.error_code = static_cast<int16_t>(error_code::invalid_group_id);
    co_return resp;
  }
  group::group_route route = co_await group::route_group(req.group_id, true);
  if (route.error != error_code::none) {
    resp.error_code = static_cast<int16_t>(route.error);
    co_return resp;
  }
  join_call call;
  call.req = &req;
  call.version = ctx.api_version;
  call.partition = route.partition;
  call.client_id = std::string(ctx.client_id);
  call.client_host = group::client_host_of(ctx.conn ? std::string_view(ctx.conn->peer()) : std::string_view());
  co_await join_on(route.shard, &call);
  group::join_result& r = call.out;
  resp.error_code = static_cast<int16_t>(r.error);
  resp.generation_id = r.generation_id;
  resp.protocol_name = ctx.keep(r.protocol_name.value_or(""));
  resp.leader = ctx.keep(std::move(r.leader_id));
  resp.member_id = ctx.keep(std::move(r.member_id));
  resp.members.reserve(r.members.size());
  for (auto& m : r.members) {
    auto& out = resp.members.emplace_back();
    out.member_id = ctx.keep(std::move(m.member_id));
    if (m.group_instance_id) out.group_instance_id = ctx.keep(std::move(*m.group_instance_id));
    auto& buf = ctx.buffers.emplace_back(reinterpret_cast<const std::byte*>(m.metadata.data()),
                                         reinterpret_cast<const std::byte*>(m.metadata.data()) + m.metadata.size());
    out.metadata = codec::bytes_view(buf);
  }
  co_return resp;
}

}  // namespace ringtail::core
