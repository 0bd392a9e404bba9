// DeleteGroups (42), v0–2: an Empty group is deleted — tombstones for its offsets and its
// metadata go to __consumer_offsets; a group with members is NON_EMPTY_GROUP.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/core/group/records.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/when_all.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct delete_call {
  std::string_view group_id;
  int32_t partition = 0;
  error_code error = error_code::none;
};

io::task<void> delete_here(delete_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(c->group_id);
  if (!g || g->state() == group::group_state::dead) {
    c->error = error_code::group_id_not_found;
    co_return;
  }
  if (g->state() != group::group_state::empty) {
    c->error = error_code::non_empty_group;
    co_return;
  }
  const std::string id(c->group_id);
  std::vector<group::offsets_record> records;
  for (const auto& [tp, o] : g->offsets())
    records.push_back(group::offsets_record{group::encode_offset_commit_key(id, tp), std::nullopt});
  records.push_back(group::offsets_record{group::encode_group_metadata_key(id), std::nullopt});
  // Dead first, so nothing joins or commits into the group while the tombstones are written.
  coord.remove(id);
  c->error = co_await coord.append(id, std::move(records));
}

io::task<void> delete_group(delete_call* c) {
  group::group_route route = co_await group::route_group(c->group_id, false);
  if (route.error != error_code::none) {
    c->error = error_code::group_id_not_found;
    co_return;
  }
  c->partition = route.partition;
  co_await io::submit_to(route.shard, [c] { return delete_here(c); });
}

}  // namespace

io::task<codec::delete_groups_response> handle_delete_groups(request_context& ctx,
                                                             const codec::delete_groups_request& req) {
  (void)ctx;
  codec::delete_groups_response resp;
  std::vector<delete_call> calls(req.groups_names.size());
  std::vector<io::task<void>> work;
  for (size_t i = 0; i < calls.size(); ++i) {
    calls[i].group_id = req.groups_names[i];
    work.push_back(delete_group(&calls[i]));
  }
  co_await io::when_all(std::move(work));
  for (const auto& c : calls) {
    auto& out = resp.results.emplace_back();
    out.group_id = c.group_id;
    out.error_code = static_cast<int16_t>(c.error);
  }
  co_return resp;
}

}  // namespace ringtail::core
