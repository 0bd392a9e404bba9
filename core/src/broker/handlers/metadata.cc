// Metadata (key 3). Semantics per version (CLIENT_VERSIONS.md quirk 7): v0 empty topic
// list = all topics; v1+ null = all topics, empty = none (brokers only). Auto-creation
// when the broker allows it and (v4+) the request asks for it. The controller id is this
// broker, a real connectable node (kafka-python's admin client and kafkajs rely on it).
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

io::task<codec::error_code> create_on_controller(const std::string* name) {
  controller::create_topic_args args;
  args.name = *name;
  auto r = co_await the_controller().create_topic(std::move(args));
  co_return r.error;
}

void describe_topic(const topic_info& t, codec::metadata_response::metadata_response_topic& out) {
  out.name = t.name;
  out.is_internal = t.internal;
  out.error_code = 0;
  for (const auto& p : t.partitions) {
    codec::metadata_response::metadata_response_partition mp;
    mp.partition_index = p.index;
    mp.leader_id = broker().config.node_id;
    mp.leader_epoch = p.leader_epoch;
    mp.replica_nodes = {broker().config.node_id};
    mp.isr_nodes = {broker().config.node_id};
    out.partitions.push_back(std::move(mp));
  }
}

}  // namespace

io::task<bool> ensure_topic(std::string name) {
  if (local_shard().image().find(name)) co_return true;
  if (!broker().config.auto_create_topics_enable || !valid_topic_name(name)) co_return false;
  const std::string* n = &name;
  const codec::error_code e = co_await io::submit_to(0, [n] { return create_on_controller(n); });
  // TOPIC_ALREADY_EXISTS: another request created it first; our image may lag a moment
  // behind the controller's publish, but the controller has published before replying.
  co_return e == codec::error_code::none || e == codec::error_code::topic_already_exists;
}

io::task<codec::metadata_response> handle_metadata(request_context& ctx, const codec::metadata_request& req) {
  codec::metadata_response resp;
  const broker_context& b = broker();
  codec::metadata_response::metadata_response_broker self;
  self.node_id = b.config.node_id;
  self.host = b.advertised_host;
  self.port = b.advertised_port;
  resp.brokers.push_back(self);
  resp.controller_id = b.config.node_id;
  resp.cluster_id = ctx.keep(co_await io::submit_to(0, [] { return the_controller().cluster_id(); }));

  const bool all_topics = !req.topics.has_value() || (ctx.api_version == 0 && req.topics->empty());
  if (all_topics) {
    for (const auto& [name, t] : local_shard().image().topics) {
      auto& out = resp.topics.emplace_back();
      describe_topic(t, out);
    }
    co_return resp;
  }
  const bool may_create = ctx.api_version < 4 || req.allow_auto_topic_creation;
  for (const auto& rt : *req.topics) {
    auto& out = resp.topics.emplace_back();
    out.name = rt.name;
    const std::string name(rt.name);
    if (!valid_topic_name(name)) {
      out.error_code = static_cast<int16_t>(codec::error_code::invalid_topic_exception);
      continue;
    }
    if (!local_shard().image().find(name) && may_create) (void)co_await ensure_topic(name);
    if (const topic_info* t = local_shard().image().find(name)) {
      describe_topic(*t, out);
    } else {
      out.error_code = static_cast<int16_t>(codec::error_code::unknown_topic_or_partition);
    }
  }
  co_return resp;
}

}  // namespace ringtail::core
