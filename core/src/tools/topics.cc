// `ringtail topics`: kafka-topics.sh — list, describe, create, alter (add partitions)
// and delete topics through the Admin API calls of core/client/admin.
#include <cstdio>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;
using codec::error_code;

constexpr const char* error_prefix = "Error while executing topic command : ";

void print_error(const std::string& message) { std::fprintf(stderr, "%s%s\n", error_prefix, message.c_str()); }

struct topics_options {
  std::string bootstrap;
  std::string action;  // list, describe, create, alter, delete
  std::optional<std::string> topic;
  int32_t partitions = -1;
  int16_t replication_factor = -1;
  std::map<std::string, std::string> configs;
  bool if_exists = false;
  bool if_not_exists = false;
  bool exclude_internal = false;
  bool with_overrides = false;
  bool under_replicated = false;
  bool unavailable = false;
  int timeout_ms = default_timeout_ms;
};

option_parser make_parser() {
  option_parser p("topics", "Lists, describes, creates, grows and deletes topics.");
  p.value("bootstrap-server", "String: server to connect to", "REQUIRED: HOST:PORT[,HOST:PORT...] of the cluster.");
  p.flag("list", "Print the name of every topic.");
  p.flag("describe",
         "Print each topic's partition count, replication factor and overridden configs, then one\n"
         "line per partition with its leader, replicas and in-sync replicas.");
  p.flag("create", "Create --topic.");
  p.flag("alter", "Give --topic more partitions (--partitions); topic configs change with 'ringtail configs'.");
  p.flag("delete", "Delete the topics --topic matches.");
  p.value("topic", "String: topic", "The topic; a regular expression matching whole names, except with --create.");
  p.value("partitions", "Integer: # of partitions",
          "Partition count for --create (the broker's num.partitions without it) or --alter.");
  p.value("replication-factor", "Integer: replication factor",
          "Replicas per partition for --create (the broker's default without it).");
  p.multi("config", "String: name=value", "A topic config for --create.");
  p.flag("if-exists", "With --alter, --delete or --describe: a missing topic is not an error.");
  p.flag("if-not-exists", "With --create: an existing topic is not an error.");
  p.flag("exclude-internal", "Leave internal topics (__consumer_offsets …) out of --list and --describe.");
  p.flag("topics-with-overrides", "With --describe: only topics with overridden configs, without partitions.");
  p.flag("under-replicated-partitions", "With --describe: only partitions with fewer in-sync replicas than replicas.");
  p.flag("unavailable-partitions", "With --describe: only partitions without a live leader.");
  p.value("timeout-ms", "Integer: ms", "How long to wait for the bootstrap server and for each admin call.",
          std::to_string(default_timeout_ms));
  return p;
}

// Fills `o` from the parsed options; returns an error message ("" when valid).
std::string check(const option_parser& p, topics_options& o) {
  const auto action = only_action(p, {"list", "describe", "create", "alter", "delete"});
  if (!action) return "Command must include exactly one action: --list, --describe, --create, --alter or --delete";
  o.action = *action;
  if (!p.has("bootstrap-server")) return "--bootstrap-server must be specified";
  o.bootstrap = p.get("bootstrap-server");
  if (p.has("topic")) o.topic = p.get("topic");
  if ((o.action == "create" || o.action == "alter" || o.action == "delete") && !o.topic) {
    return "Missing required argument \"[topic]\"";
  }
  if (o.action == "alter" && !p.has("partitions")) return "Missing required argument \"[partitions]\"";
  auto only_with = [&](const char* opt, std::initializer_list<const char*> actions_ok) -> std::string {
    if (!p.has(opt)) return {};
    for (const char* a : actions_ok) {
      if (o.action == a) return {};
    }
    return "Option \"[" + std::string(opt) + "]\" can't be used with option \"[" + o.action + "]\"";
  };
  for (const auto& e :
       {only_with("config", {"create"}), only_with("partitions", {"create", "alter"}),
        only_with("replication-factor", {"create"}), only_with("if-exists", {"alter", "delete", "describe"}),
        only_with("if-not-exists", {"create"}), only_with("exclude-internal", {"list", "describe"}),
        only_with("topics-with-overrides", {"describe"}), only_with("under-replicated-partitions", {"describe"}),
        only_with("unavailable-partitions", {"describe"})}) {
    if (!e.empty()) return e;
  }
  if (p.has("partitions")) {
    auto n = parse_int(p.get("partitions"), INT32_MIN, INT32_MAX);
    if (!n) return "--partitions must be an integer, not '" + p.get("partitions") + "'";
    if (*n < 1) return "The partitions must be greater than 0";
    o.partitions = static_cast<int32_t>(*n);
  }
  if (p.has("replication-factor")) {
    auto n = parse_int(p.get("replication-factor"), INT32_MIN, INT32_MAX);
    if (!n) return "--replication-factor must be an integer, not '" + p.get("replication-factor") + "'";
    if (*n < 1 || *n > INT16_MAX) return "The replication factor must be between 1 and 32767 inclusive";
    o.replication_factor = static_cast<int16_t>(*n);
  }
  for (const auto& kv : p.all("config")) {
    auto parsed = parse_key_value(kv);
    if (!parsed) return "Invalid topic config '" + kv + "': configs must be given as \"key=val\"";
    o.configs[parsed->first] = parsed->second;
  }
  auto t = parse_int(p.get("timeout-ms"), 1, INT32_MAX);
  if (!t) return "--timeout-ms must be a positive integer";
  o.timeout_ms = static_cast<int>(*t);
  o.if_exists = p.has("if-exists");
  o.if_not_exists = p.has("if-not-exists");
  o.exclude_internal = p.has("exclude-internal");
  o.with_overrides = p.has("topics-with-overrides");
  o.under_replicated = p.has("under-replicated-partitions");
  o.unavailable = p.has("unavailable-partitions");
  return {};
}

std::string join_ids(const std::vector<int32_t>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(ids[i]);
  }
  return s;
}

// The broker's message, or Kafka's wording for the errors a topic command meets.
std::string explain(const client::admin_error& e, const std::string& topic) {
  if (!e.message.empty()) return e.message;
  if (e.is_kafka(error_code::topic_already_exists)) return "Topic '" + topic + "' already exists.";
  if (e.is_kafka(error_code::unknown_topic_or_partition)) return "Topic '" + topic + "' does not exist.";
  return e.text();
}

// The topics --topic names (every topic without it), in name order.
std::vector<const client::topic_description*> select_topics(const client::cluster_description& md,
                                                            const topics_options& o, const topic_pattern* filter) {
  std::vector<const client::topic_description*> out;
  for (const auto& t : md.topics) {
    if (t.error == static_cast<int16_t>(error_code::unknown_topic_or_partition)) continue;
    if (o.exclude_internal && t.internal) continue;
    if (filter && !filter->matches(t.name)) continue;
    out.push_back(&t);
  }
  return out;
}

io::task<int> describe(client::admin& admin, const topics_options* o,
                       const std::vector<const client::topic_description*>& topics,
                       const client::cluster_description& md) {
  const bool partition_reports = o->under_replicated || o->unavailable;
  for (const client::topic_description* t : topics) {
    auto cfg = co_await admin.describe_configs(client::config_resource::topic, t->name, false);
    if (!cfg) {
      print_error(explain(cfg.error(), t->name));
      co_return exit_error;
    }
    std::string configs;
    bool overridden = false;
    for (const auto& e : *cfg) {
      if (e.is_default) continue;
      overridden = true;
      if (!configs.empty()) configs += ",";
      configs += e.name + "=" + e.value.value_or("null");
    }
    if (!partition_reports && (!o->with_overrides || overridden)) {
      const size_t rf = t->partitions.empty() ? 0 : t->partitions.front().replicas.size();
      // Kafka prints TopicId only when it knows a non-zero one; Metadata up to v9 (what
      // this client speaks) does not carry it.
      std::printf("Topic: %s\tPartitionCount: %zu\tReplicationFactor: %zu\tConfigs: %s\n", t->name.c_str(),
                  t->partitions.size(), rf, configs.c_str());
    }
    if (o->with_overrides) continue;
    for (const auto& p : t->partitions) {
      bool live_leader = false;
      for (const auto& b : md.brokers) live_leader = live_leader || b.id == p.leader;
      if (o->under_replicated && p.isr.size() >= p.replicas.size()) continue;
      if (o->unavailable && p.leader >= 0 && live_leader) continue;
      const std::string leader = p.leader >= 0 ? std::to_string(p.leader) : std::string("none");
      std::printf("\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\n", t->name.c_str(), p.partition,
                  leader.c_str(), join_ids(p.replicas).c_str(), join_ids(p.isr).c_str());
    }
  }
  co_return exit_ok;
}

io::task<int> run(client::admin& admin, const topics_options* o) {
  if (o->action == "create") {
    const std::string name = *o->topic;
    auto r = co_await admin.create_topic(name, o->partitions, o->replication_factor, o->configs);
    if (!r) {
      if (o->if_not_exists && r.error().is_kafka(error_code::topic_already_exists)) co_return exit_ok;
      print_error(explain(r.error(), name));
      co_return exit_error;
    }
    std::printf("Created topic %s.\n", name.c_str());
    co_return exit_ok;
  }

  std::optional<topic_pattern> filter;
  if (o->topic) {
    filter = topic_pattern::compile(*o->topic);
    if (!filter) {
      std::fprintf(stderr, "%sinvalid topic regular expression '%s'\n", error_prefix, o->topic->c_str());
      co_return exit_error;
    }
  }
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    print_error(md.error().text());
    co_return exit_error;
  }
  const auto topics = select_topics(*md, *o, filter ? &*filter : nullptr);

  if (o->action == "list") {
    for (const auto* t : topics) std::printf("%s\n", t->name.c_str());
    co_return exit_ok;
  }
  if (topics.empty() && o->topic && !o->if_exists) {
    std::fprintf(stderr, "Topic '%s' does not exist as expected\n", o->topic->c_str());
    co_return exit_error;
  }
  if (o->action == "describe") co_return co_await describe(admin, o, topics, *md);

  if (o->action == "alter") {
    for (const auto* t : topics) {
      const auto current = static_cast<int32_t>(t->partitions.size());
      if (o->partitions < current) {
        std::fprintf(stderr,
                     "%sThe number of partitions of a topic can only be increased: topic '%s' has %d, %d requested\n",
                     error_prefix, t->name.c_str(), current, o->partitions);
        co_return exit_error;
      }
      auto r = co_await admin.create_partitions(t->name, o->partitions);
      if (!r) {
        print_error(explain(r.error(), t->name));
        co_return exit_error;
      }
    }
    co_return exit_ok;
  }

  // delete
  for (const auto* t : topics) {
    auto r = co_await admin.delete_topic(t->name);
    if (!r) {
      print_error(explain(r.error(), t->name));
      co_return exit_error;
    }
  }
  co_return exit_ok;
}

}  // namespace

int run_topics(const std::vector<std::string>& args) {
  const admin_tool<topics_options> tool{"topics", make_parser, check, run, print_error};
  return run_admin_tool(tool, args);
}

}  // namespace ringtail::core::tools
