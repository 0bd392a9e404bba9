// DescribeGroups (15), v0–5: state, protocol and members of each group, from its
// coordinator shard. Member metadata and assignments are shown only while Stable (as
// Kafka does); an unknown group is reported as Dead with no error.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/when_all.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct described_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;
  std::string assignment;
};

struct describe_call {
  std::string_view group_id;
  int32_t partition = 0;
  error_code error = error_code::none;
  std::string state = "Dead";
  std::string protocol_type;
  std::string protocol;
  std::vector<described_member> members;
};

io::task<void> describe_here(describe_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(c->group_id);
  if (!g) co_return;
  c->state = std::string(group::to_string(g->state()));
  c->protocol_type = g->protocol_type();
  const bool stable = g->state() == group::group_state::stable;
  if (stable) c->protocol = g->protocol_name().value_or("");
  for (const group::member* m : g->members_in_join_order()) {
    described_member d;
    d.member_id = m->member_id;
    d.group_instance_id = m->group_instance_id;
    d.client_id = m->client_id;
    d.client_host = m->client_host;
    if (stable && g->protocol_name()) {
      if (const std::string* md = m->metadata_for(*g->protocol_name())) d.metadata = *md;
      d.assignment = m->assignment;
    }
    c->members.push_back(std::move(d));
  }
}

io::task<void> describe_group(describe_call* c) {
  group::group_route route = co_await group::route_group(c->group_id, false);
  if (route.error != error_code::none) co_return;  // no __consumer_offsets: no groups at all
  c->partition = route.partition;
  co_await io::submit_to(route.shard, [c] { return describe_here(c); });
}

codec::bytes_view keep_bytes(request_context& ctx, const std::string& s) {
  auto& buf = ctx.buffers.emplace_back(reinterpret_cast<const std::byte*>(s.data()),
                                       reinterpret_cast<const std::byte*>(s.data()) + s.size());
  return codec::bytes_view(buf);
}

}  // namespace

io::task<codec::describe_groups_response> handle_describe_groups(request_context& ctx,
                                                                 const codec::describe_groups_request& req) {
  codec::describe_groups_response resp;
  std::vector<describe_call> calls(req.groups.size());
  std::vector<io::task<void>> work;
  for (size_t i = 0; i < req.groups.size(); ++i) {
    calls[i].group_id = req.groups[i];
    work.push_back(describe_group(&calls[i]));
  }
  co_await io::when_all(std::move(work));
  for (auto& c : calls) {
    auto& g = resp.groups.emplace_back();
    g.error_code = static_cast<int16_t>(c.error);
    g.group_id = c.group_id;
    g.group_state = ctx.keep(std::move(c.state));
    g.protocol_type = ctx.keep(std::move(c.protocol_type));
    g.protocol_data = ctx.keep(std::move(c.protocol));
    for (auto& m : c.members) {
      auto& out = g.members.emplace_back();
      out.member_id = ctx.keep(std::move(m.member_id));
      if (m.group_instance_id) out.group_instance_id = ctx.keep(std::move(*m.group_instance_id));
      out.client_id = ctx.keep(std::move(m.client_id));
      out.client_host = ctx.keep(std::move(m.client_host));
      out.member_metadata = keep_bytes(ctx, m.metadata);
      out.member_assignment = keep_bytes(ctx, m.assignment);
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
