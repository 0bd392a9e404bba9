// ListGroups (16), v0–4: every group of every coordinator shard (each shard lists its own
// groups), optionally filtered by state (v4, KIP-518; case-insensitive as in Kafka).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/reactor.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct listed {
  std::string group_id;
  std::string protocol_type;
  group::group_state state;
};

std::vector<listed> list_here() {
  std::vector<listed> out;
  group::local_coordinator().for_each_group([&out](const group::group& g) {
    if (g.state() != group::group_state::dead) out.push_back(listed{g.id(), g.protocol_type(), g.state()});
  });
  return out;
}

}  // namespace

io::task<codec::list_groups_response> handle_list_groups(request_context& ctx, const codec::list_groups_request& req) {
  codec::list_groups_response resp;
  std::vector<group::group_state> filter;
  for (std::string_view s : req.states_filter) {
    if (auto st = group::group_state_from_string(s)) filter.push_back(*st);
    else filter.push_back(group::group_state::dead);  // matches nothing listed
  }
  for (unsigned s = 0; s < io::local().shard_count(); ++s) {
    std::vector<listed> groups = co_await io::submit_to(s, [] { return list_here(); });
    for (auto& g : groups) {
      if (!filter.empty() && std::find(filter.begin(), filter.end(), g.state) == filter.end()) continue;
      auto& out = resp.groups.emplace_back();
      out.group_id = ctx.keep(std::move(g.group_id));
      out.protocol_type = ctx.keep(std::move(g.protocol_type));
      out.group_state = group::to_string(g.state);
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
