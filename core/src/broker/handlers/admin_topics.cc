// CreateTopics (19), DeleteTopics (20), CreatePartitions (37): validated here for the
// cheap cases, then carried out by the controller on shard 0, one topic at a time.
#include <set>

#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

io::task<admin_result> create_on_controller(const controller::create_topic_args* args) {
  co_return co_await the_controller().create_topic(*args);
}
io::task<admin_result> delete_on_controller(const std::string* name) {
  co_return co_await the_controller().delete_topic(*name);
}
io::task<admin_result> partitions_on_controller(const std::string* name, int32_t count, bool validate_only) {
  co_return co_await the_controller().create_partitions(*name, count, validate_only);
}

std::optional<std::string_view> message_or_null(request_context& ctx, const std::string& m) {
  if (m.empty()) return std::nullopt;
  return ctx.keep(m);
}

}  // namespace

io::task<codec::create_topics_response> handle_create_topics(request_context& ctx,
                                                             const codec::create_topics_request& req) {
  codec::create_topics_response resp;
  std::set<std::string_view> seen, duplicated;
  for (const auto& t : req.topics)
    if (!seen.insert(t.name).second) duplicated.insert(t.name);
  for (const auto& t : req.topics) {
    auto& out = resp.topics.emplace_back();
    out.name = t.name;
    if (duplicated.count(t.name)) {
      out.error_code = static_cast<int16_t>(error_code::invalid_request);
      out.error_message = ctx.keep("Create topics request from client contains multiple topics with the same name");
      continue;
    }
    controller::create_topic_args args;
    args.name = std::string(t.name);
    args.partitions = t.num_partitions;
    args.replication_factor = t.replication_factor;
    args.validate_only = req.validate_only;
    if (!t.assignments.empty()) {
      // Manual assignment: every partition on this node only.
      bool ok = true;
      for (const auto& a : t.assignments)
        for (int32_t id : a.broker_ids) ok = ok && id == broker().config.node_id;
      if (!ok || t.num_partitions != -1 || t.replication_factor != -1) {
        out.error_code = static_cast<int16_t>(error_code::invalid_replica_assignment);
        out.error_message = ctx.keep("Replica assignment names brokers other than this one, or is combined with "
                                     "num_partitions / replication_factor.");
        continue;
      }
      args.partitions = static_cast<int32_t>(t.assignments.size());
      args.replication_factor = static_cast<int16_t>(t.assignments.front().broker_ids.size());
    }
    for (const auto& c : t.configs) {
      if (c.value) args.configs[std::string(c.name)] = std::string(*c.value);
    }
    const controller::create_topic_args* ap = &args;
    admin_result r = co_await io::submit_to(0, [ap] { return create_on_controller(ap); });
    out.error_code = static_cast<int16_t>(r.error);
    out.error_message = message_or_null(ctx, r.message);
    if (r.error == error_code::none) {
      out.num_partitions = args.partitions == -1 ? broker().config.num_partitions : args.partitions;
      out.replication_factor = 1;
      if (const topic_info* ti = local_shard().image().find(args.name)) out.topic_id = ti->id;
      out.configs = std::vector<codec::create_topics_response::creatable_topic_configs>{};
    }
  }
  co_return resp;
}

io::task<codec::delete_topics_response> handle_delete_topics(request_context& ctx,
                                                             const codec::delete_topics_request& req) {
  codec::delete_topics_response resp;
  std::vector<std::string> names;
  for (auto n : req.topic_names) names.emplace_back(n);  // v0-5
  for (const auto& t : req.topics) {                      // v6+: by name or by id
    if (t.name) {
      names.emplace_back(*t.name);
    } else {
      std::string found;
      for (const auto& [name, ti] : local_shard().image().topics)
        if (ti.id == t.topic_id) found = name;
      names.push_back(found);  // empty: unknown id
    }
  }
  for (const auto& name : names) {
    auto& out = resp.responses.emplace_back();
    out.name = ctx.keep(name);
    if (name.empty()) {
      out.error_code = static_cast<int16_t>(error_code::unknown_topic_id);
      out.name = std::nullopt;
      continue;
    }
    if (const topic_info* ti = local_shard().image().find(name)) out.topic_id = ti->id;
    const std::string* np = &name;
    admin_result r = co_await io::submit_to(0, [np] { return delete_on_controller(np); });
    out.error_code = static_cast<int16_t>(r.error);
    out.error_message = message_or_null(ctx, r.message);
  }
  co_return resp;
}

io::task<codec::create_partitions_response> handle_create_partitions(request_context& ctx,
                                                                     const codec::create_partitions_request& req) {
  codec::create_partitions_response resp;
  for (const auto& t : req.topics) {
    auto& out = resp.results.emplace_back();
    out.name = t.name;
    if (t.assignments) {
      bool ok = true;
      for (const auto& a : *t.assignments)
        for (int32_t id : a.broker_ids) ok = ok && id == broker().config.node_id;
      if (!ok) {
        out.error_code = static_cast<int16_t>(error_code::invalid_replica_assignment);
        out.error_message = ctx.keep("Replica assignment names brokers other than this one.");
        continue;
      }
    }
    const std::string name(t.name);
    const std::string* np = &name;
    const int32_t count = t.count;
    const bool validate_only = req.validate_only;
    admin_result r =
        co_await io::submit_to(0, [np, count, validate_only] { return partitions_on_controller(np, count, validate_only); });
    out.error_code = static_cast<int16_t>(r.error);
    out.error_message = message_or_null(ctx, r.message);
  }
  co_return resp;
}

}  // namespace ringtail::core
