// OffsetFetch (9), v0–8: a group's committed offsets, for the listed partitions or (topics
// null, v2+) all of them; v8 asks for several groups at once, each answered by its own
// coordinator shard. A partition without a commit answers offset -1 and no error.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/group/coordinator.h"
#include "ringtail/io/cross_shard.h"
#include "ringtail/io/when_all.h"

namespace ringtail::core {

namespace {

using codec::error_code;

struct fetched_partition {
  int32_t partition = 0;
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
};
struct fetched_topic {
  std::string name;
  std::vector<fetched_partition> partitions;
};
struct wanted_topic {
  std::string_view name;
  const std::vector<int32_t>* partitions = nullptr;
};

struct fetch_call {
  std::string_view group_id;
  int32_t partition = 0;
  std::optional<std::vector<wanted_topic>> topics;  // nullopt: all
  error_code error = error_code::none;
  std::vector<fetched_topic> out;
};

io::task<void> fetch_here(fetch_call* c) {
  group::coordinator& coord = group::local_coordinator();
  const error_code loaded = co_await coord.ensure_loaded(c->partition);
  if (loaded != error_code::none) {
    c->error = loaded;
    co_return;
  }
  std::shared_ptr<group::group> g = coord.find(c->group_id);
  if (!c->topics) {
    if (!g) co_return;
    for (const auto& [tp, o] : g->offsets()) {
      if (c->out.empty() || c->out.back().name != tp.topic) c->out.push_back(fetched_topic{tp.topic, {}});
      c->out.back().partitions.push_back(fetched_partition{tp.partition, o.offset, o.leader_epoch, o.metadata});
    }
    co_return;
  }
  for (const auto& t : *c->topics) {
    fetched_topic ft{std::string(t.name), {}};
    for (int32_t p : *t.partitions) {
      fetched_partition fp{p, -1, -1, {}};
      if (g) {
        auto it = g->offsets().find(group::topic_partition{ft.name, p});
        if (it != g->offsets().end()) {
          fp.offset = it->second.offset;
          fp.leader_epoch = it->second.leader_epoch;
          fp.metadata = it->second.metadata;
        }
      }
      ft.partitions.push_back(std::move(fp));
    }
    c->out.push_back(std::move(ft));
  }
}

io::task<void> fetch_group(fetch_call* c) {
  group::group_route route = co_await group::route_group(c->group_id, true);
  if (route.error != error_code::none) {
    c->error = route.error;
    co_return;
  }
  c->partition = route.partition;
  co_await io::submit_to(route.shard, [c] { return fetch_here(c); });
}

// Fills a response topic list (the v0–7 and v8 shapes differ only in type names).
template <typename Topic, typename Partition>
void fill(request_context& ctx, const fetch_call& c, std::vector<Topic>& topics, bool per_partition_error) {
  if (c.error != error_code::none && !per_partition_error) return;
  if (c.error != error_code::none && c.topics) {
    // v0–1 have no top-level error: every requested partition carries it.
    for (const auto& t : *c.topics) {
      auto& tout = topics.emplace_back();
      tout.name = t.name;
      for (int32_t p : *t.partitions) {
        Partition& pout = tout.partitions.emplace_back();
        pout.partition_index = p;
        pout.committed_offset = -1;
        pout.metadata = std::string_view();
        pout.error_code = static_cast<int16_t>(c.error);
      }
    }
    return;
  }
  for (const auto& t : c.out) {
    auto& tout = topics.emplace_back();
    tout.name = ctx.keep(t.name);
    for (const auto& p : t.partitions) {
      Partition& pout = tout.partitions.emplace_back();
      pout.partition_index = p.partition;
      pout.committed_offset = p.offset;
      pout.committed_leader_epoch = p.leader_epoch;
      pout.metadata = ctx.keep(p.metadata);
    }
  }
}

std::optional<std::vector<wanted_topic>> wanted(const auto& topics) {
  if (!topics) return std::nullopt;
  std::vector<wanted_topic> out;
  for (const auto& t : *topics) out.push_back(wanted_topic{t.name, &t.partition_indexes});
  return out;
}

}  // namespace

io::task<codec::offset_fetch_response> handle_offset_fetch(request_context& ctx,
                                                           const codec::offset_fetch_request& req) {
  codec::offset_fetch_response resp;
  if (ctx.api_version >= 8) {
    std::vector<fetch_call> calls(req.groups.size());
    std::vector<io::task<void>> work;
    for (size_t i = 0; i < req.groups.size(); ++i) {
      calls[i].group_id = req.groups[i].group_id;
      calls[i].topics = wanted(req.groups[i].topics);
      work.push_back(fetch_group(&calls[i]));
    }
    co_await io::when_all(std::move(work));
    for (const auto& c : calls) {
      auto& gout = resp.groups.emplace_back();
      gout.group_id = c.group_id;
      gout.error_code = static_cast<int16_t>(c.error);
      fill<codec::offset_fetch_response::offset_fetch_response_topics,
           codec::offset_fetch_response::offset_fetch_response_partitions>(ctx, c, gout.topics, false);
    }
    co_return resp;
  }
  fetch_call c;
  c.group_id = req.group_id;
  // v0–1 always list topics; null means "all" from v2.
  c.topics = wanted(req.topics);
  if (!c.topics && ctx.api_version < 2) c.topics.emplace();
  co_await fetch_group(&c);
  const bool top_level_error = ctx.api_version >= 2;
  if (top_level_error) resp.error_code = static_cast<int16_t>(c.error);
  fill<codec::offset_fetch_response::offset_fetch_response_topic,
       codec::offset_fetch_response::offset_fetch_response_partition>(ctx, c, resp.topics, !top_level_error);
  co_return resp;
}

}  // namespace ringtail::core
