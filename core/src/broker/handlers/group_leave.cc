// LeaveGroup (13), v0–4: a member (v0–2) or a batch of members, possibly by
// group.instance.id alone (v3+, KIP-345), leaves its group; the group rebalances.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct leaving {
  std::string_view member_id;
  std::optional<std::string_view> group_instance_id;
  error_code error = error_code::none;
};

struct leave_call {
  std::string_view group_id;
  int32_t partition = 0;
  std::vector<leaving> members;
  error_code error = error_code::none;  // group-level
};

io::task<void> leave_here(leave_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(c->group_id);
  for (auto& m : c->members) m.error = g ? g->leave(m.member_id, m.group_instance_id) : error_code::unknown_member_id;
  if (g) coord.reschedule(*g);
}

io::task<void> leave_on(unsigned shard, leave_call* c) {
  co_await io::submit_to(shard, [c] { return leave_here(c); });
}

}  // namespace

io::task<codec::leave_group_response> handle_leave_group(request_context& ctx, const codec::leave_group_request& req) {
  codec::leave_group_response resp;
  leave_call call;
  call.group_id = req.group_id;
  if (ctx.api_version >= 3) {
    for (const auto& m : req.members) call.members.push_back(leaving{m.member_id, m.group_instance_id});
  } else {
    call.members.push_back(leaving{req.member_id, std::nullopt});
  }
  if (req.group_id.empty()) {
    call.error = error_code::invalid_group_id;
  } else {
    group::group_route route = co_await group::route_group(req.group_id, true);
    call.error = route.error;
    call.partition = route.partition;
    if (route.error == error_code::none) co_await leave_on(route.shard, &call);
  }
  if (ctx.api_version >= 3) {
    resp.error_code = static_cast<int16_t>(call.error);
    if (call.error == error_code::none) {
      for (const auto& m : call.members) {
        auto& out = resp.members.emplace_back();
        out.member_id = m.member_id;
        out.group_instance_id = m.group_instance_id;
        out.error_code = static_cast<int16_t>(m.error);
      }
    }
  } else {
    resp.error_code = static_cast<int16_t>(call.error != error_code::none ? call.error : call.members[0].error);
  }
  co_return resp;
}

}  // namespace ringtail::core
