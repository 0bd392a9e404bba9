#include "ringtail/core/client/admin.h"

#include <algorithm>
#include <set>

#include "admin_calls.h"

#include "ringtail/io/timer.h"

namespace ringtail::core::client {

namespace {

using E = codec::error_code;

}  // namespace

std::string admin_error::text() const {
  if (!message.empty()) return message;
  return err.message();
}

std::string_view to_string(config_source s) noexcept {
  switch (s) {
    case config_source::unknown: return "UNKNOWN";
    case config_source::dynamic_topic_config: return "DYNAMIC_TOPIC_CONFIG";
    case config_source::dynamic_broker_config: return "DYNAMIC_BROKER_CONFIG";
    case config_source::dynamic_default_broker_config: return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case config_source::static_broker_config: return "STATIC_BROKER_CONFIG";
    case config_source::default_config: return "DEFAULT_CONFIG";
    case config_source::dynamic_broker_logger_config: return "DYNAMIC_BROKER_LOGGER_CONFIG";
    case config_source::client_metrics_config: return "CLIENT_METRICS_CONFIG";
    case config_source::group_config: return "GROUP_CONFIG";
  }
  return "UNKNOWN";
}

const topic_description* cluster_description::find(std::string_view name) const {
  for (const auto& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

admin::admin(cluster& c, int timeout_ms) : cluster_(c), timeout_ms_(timeout_ms) {}

io::task<void> admin::backoff() {
  (void)co_await io::sleep_for(std::chrono::milliseconds(cluster_.config().retry_backoff_ms));
}

// ---------------------------------------------------------------------------------------
// Metadata and topics

io::task<admin_result<cluster_description>> admin::describe_cluster(std::vector<std::string> topics) {
  const bool all = topics.empty();
  co_return co_await metadata(std::move(topics), all);
}

io::task<admin_result<cluster_description>> admin::describe_brokers() {
  std::vector<std::string> none;
  co_return co_await metadata(std::move(none), false);
}

io::task<result<broker_connection*>> admin::connection_for(int32_t node_id) {
  if (node_id >= 0) co_return co_await cluster_.connection(node_id);
  co_return co_await cluster_.any_connection();
}

io::task<admin_result<cluster_description>> admin::metadata(std::vector<std::string> topics, bool all) {
  auto once = [this, &topics, all] { return metadata_once(topics, all); };
  co_return co_await with_retries<cluster_description>(once);
}

io::task<admin_attempt<cluster_description>> admin::metadata_once(std::vector<std::string> topics, bool all) {
  auto conn = co_await cluster_.any_connection();
  if (!conn) co_return retry_if_retriable(conn.error());
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::metadata, 1, 9);
  if (v < 0) co_return unsupported("Metadata v1+");
  const codec::metadata_request req = metadata_request_for(topics, all, false);
  auto resp = co_await c->call(req, v);
  if (!resp) co_return retry_if_retriable(resp.error());
  codec::reader rd = resp->body();
  codec::metadata_response m;
  if (!m.decode(rd, v)) co_return admin_fail(error::of(errc::protocol), "undecodable Metadata response");
  cluster_description out;
  out.controller_id = m.controller_id;
  for (const auto& b : m.brokers) {
    out.brokers.push_back(broker_node{b.node_id, std::string(b.host), b.port});
    cluster_.add_broker(b.node_id, std::string(b.host), b.port);
  }
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const broker_node& a, const broker_node& b) { return a.id < b.id; });
  for (const auto& t : m.topics) {
    topic_description td;
    td.name = std::string(t.name);
    td.error = t.error_code;
    td.internal = t.is_internal;
    for (const auto& p : t.partitions) {
      partition_description pd;
      pd.partition = p.partition_index;
      pd.leader = p.leader_id;
      pd.error = p.error_code;
      pd.replicas = p.replica_nodes;
      pd.isr = p.isr_nodes;
      td.partitions.push_back(std::move(pd));
    }
    std::sort(td.partitions.begin(), td.partitions.end(),
              [](const partition_description& a, const partition_description& b) { return a.partition < b.partition; });
    out.topics.push_back(std::move(td));
  }
  std::sort(out.topics.begin(), out.topics.end(),
            [](const topic_description& a, const topic_description& b) { return a.name < b.name; });
  co_return out;
}

io::task<admin_result<broker_connection*>> admin::controller_connection() {
  // CreateTopics, DeleteTopics and CreatePartitions go to the controller (a ZooKeeper-mode
  // Kafka answers NOT_CONTROLLER elsewhere; KRaft brokers forward).
  auto md = co_await describe_brokers();
  if (md && md->controller_id >= 0) {
    auto c = co_await cluster_.connection(md->controller_id);
    if (c) co_return *c;
  }
  auto any = co_await cluster_.any_connection();
  if (!any) co_return admin_fail(any.error());
  co_return *any;
}

namespace {

// The controller's answer about one topic: NOT_CONTROLLER (it moved) is worth another try.
admin_attempt<void> controller_answer(int16_t error_code, const std::optional<std::string_view>& message) {
  if (error_code == static_cast<int16_t>(E::not_controller)) {
    return admin_failure{admin_error{error::from_kafka(error_code), opt_string(message)}, true};
  }
  return answer(error_code, message);
}

}  // namespace

io::task<admin_result<void>> admin::create_topic(std::string name, int32_t partitions, int16_t replication_factor,
                                                 std::map<std::string, std::string> configs) {
  auto once = [this, &name, partitions, replication_factor, &configs] {
    return create_topic_once(name, partitions, replication_factor, configs);
  };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::create_topic_once(std::string name, int32_t partitions, int16_t replication_factor,
                                                       std::map<std::string, std::string> configs) {
  auto conn = co_await controller_connection();
  if (!conn) co_return unexpected{conn.error()};
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::create_topics, 0, 7);
  if (v < 0) co_return unsupported("CreateTopics");
  if (v < 4 && (partitions < 0 || replication_factor < 0)) {
    co_return admin_fail(error::of(errc::unsupported_version),
                         "the broker needs --partitions and --replication-factor (CreateTopics < v4)");
  }
  codec::create_topics_request req;
  req.topics.push_back(creatable_topic_for(name, partitions, replication_factor, configs));
  req.timeout_ms = timeout_ms_;
  auto answered = co_await exchange<codec::create_topics_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.topics.size() != 1) co_return admin_fail(error::of(errc::protocol));
  co_return controller_answer(body.topics[0].error_code, body.topics[0].error_message);
}

io::task<admin_result<void>> admin::delete_topic(std::string name) {
  auto once = [this, &name] { return delete_topic_once(name); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::delete_topic_once(std::string name) {
  auto conn = co_await controller_connection();
  if (!conn) co_return unexpected{conn.error()};
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::delete_topics, 0, 6);
  if (v < 0) co_return unsupported("DeleteTopics");
  codec::delete_topics_request req;
  if (v >= 6) {
    codec::delete_topics_request::delete_topic_state s;
    s.name = std::string_view(name);
    req.topics.push_back(s);
  } else {
    req.topic_names.push_back(name);
  }
  req.timeout_ms = timeout_ms_;
  auto answered = co_await exchange<codec::delete_topics_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.responses.size() != 1) co_return admin_fail(error::of(errc::protocol));
  co_return controller_answer(body.responses[0].error_code, body.responses[0].error_message);
}

io::task<admin_result<void>> admin::create_partitions(std::string name, int32_t total) {
  auto once = [this, &name, total] { return create_partitions_once(name, total); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::create_partitions_once(std::string name, int32_t total) {
  auto conn = co_await controller_connection();
  if (!conn) co_return unexpected{conn.error()};
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::create_partitions, 0, 1);
  if (v < 0) co_return unsupported("CreatePartitions");
  codec::create_partitions_request req;
  codec::create_partitions_request::create_partitions_topic t;
  t.name = name;
  t.count = total;
  req.topics.push_back(t);
  req.timeout_ms = timeout_ms_;
  req.validate_only = false;
  auto answered = co_await exchange<codec::create_partitions_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.results.size() != 1) co_return admin_fail(error::of(errc::protocol));
  co_return controller_answer(body.results[0].error_code, body.results[0].error_message);
}

// ---------------------------------------------------------------------------------------
// Configs

namespace {

// Broker resources are answered by the broker they name; the rest by any broker.
int32_t config_target(config_resource type, const std::string& name) {
  if (type != config_resource::broker || name.empty()) return -1;
  int32_t id = 0;
  for (char ch : name) {
    if (ch < '0' || ch > '9') return -1;
    id = id * 10 + (ch - '0');
  }
  return id;
}

// A DescribeConfigs entry. v0 has only is_default; Kafka's admin client derives the
// source from it the same way.
config_entry config_entry_of(const codec::describe_configs_response::describe_configs_resource_result& e,
                             config_resource type, int16_t v) {
  config_entry ce;
  ce.name = std::string(e.name);
  ce.value = copy_opt(e.value);
  ce.read_only = e.read_only;
  ce.sensitive = e.is_sensitive;
  if (v >= 1) {
    ce.source = static_cast<config_source>(e.config_source);
    ce.is_default = ce.source == config_source::default_config;
  } else {
    ce.is_default = e.is_default;
    ce.source = e.is_default ? config_source::default_config
                             : (type == config_resource::topic ? config_source::dynamic_topic_config
                                                               : config_source::static_broker_config);
  }
  for (const auto& s : e.synonyms) {
    ce.synonyms.push_back(config_synonym{std::string(s.name), copy_opt(s.value), static_cast<config_source>(s.source)});
  }
  return ce;
}

}  // namespace

io::task<admin_result<std::vector<config_entry>>> admin::describe_configs(config_resource type, std::string name,
                                                                          bool include_synonyms) {
  auto once = [this, type, &name, include_synonyms] { return describe_configs_once(type, name, include_synonyms); };
  co_return co_await with_retries<std::vector<config_entry>>(once);
}

io::task<admin_attempt<std::vector<config_entry>>> admin::describe_configs_once(config_resource type, std::string name,
                                                                                bool include_synonyms) {
  auto conn = co_await connection_for(config_target(type, name));
  if (!conn) co_return retry_if_retriable(conn.error());
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::describe_configs, 0, 2);
  if (v < 0) co_return unsupported("DescribeConfigs");
  codec::describe_configs_request req;
  codec::describe_configs_request::describe_configs_resource res;
  res.resource_type = static_cast<int8_t>(type);
  res.resource_name = name;
  req.resources.push_back(res);
  req.include_synonyms = include_synonyms;
  auto answered = co_await exchange<codec::describe_configs_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.results.size() != 1) co_return admin_fail(error::of(errc::protocol));
  const auto& r = body.results[0];
  if (r.error_code != 0) co_return admin_fail(error::from_kafka(r.error_code), opt_string(r.error_message));
  std::vector<config_entry> out;
  for (const auto& e : r.configs) out.push_back(config_entry_of(e, type, v));
  co_return out;
}

io::task<admin_result<void>> admin::incremental_alter_configs(config_resource type, std::string name,
                                                              std::vector<config_alteration> ops) {
  auto once = [this, type, &name, &ops] { return incremental_alter_configs_once(type, name, ops); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::incremental_alter_configs_once(config_resource type, std::string name,
                                                                    std::vector<config_alteration> ops) {
  auto conn = co_await connection_for(config_target(type, name));
  if (!conn) co_return retry_if_retriable(conn.error());
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::incremental_alter_configs, 0, 1);
  // No message: the configs tool falls back to AlterConfigs on this error.
  if (v < 0) co_return admin_fail(error::of(errc::unsupported_version));
  codec::incremental_alter_configs_request req;
  codec::incremental_alter_configs_request::alter_configs_resource res;
  res.resource_type = static_cast<int8_t>(type);
  res.resource_name = name;
  for (const auto& op : ops) {
    codec::incremental_alter_configs_request::alterable_config ac;
    ac.name = op.name;
    ac.config_operation = static_cast<int8_t>(op.op);
    if (op.op != alter_config_op::remove) ac.value = std::string_view(op.value);
    res.configs.push_back(ac);
  }
  req.resources.push_back(res);
  req.validate_only = false;
  auto answered = co_await exchange<codec::incremental_alter_configs_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.responses.size() != 1) co_return admin_fail(error::of(errc::protocol));
  co_return answer(body.responses[0].error_code, body.responses[0].error_message);
}

io::task<admin_result<void>> admin::alter_configs(config_resource type, std::string name,
                                                  std::map<std::string, std::string> configs) {
  auto once = [this, type, &name, &configs] { return alter_configs_once(type, name, configs); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::alter_configs_once(config_resource type, std::string name,
                                                        std::map<std::string, std::string> configs) {
  auto conn = co_await connection_for(config_target(type, name));
  if (!conn) co_return retry_if_retriable(conn.error());
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::alter_configs, 0, 2);
  if (v < 0) co_return unsupported("AlterConfigs");
  codec::alter_configs_request req;
  codec::alter_configs_request::alter_configs_resource res;
  res.resource_type = static_cast<int8_t>(type);
  res.resource_name = name;
  res.configs = config_entries<codec::alter_configs_request::alterable_config>(configs);
  req.resources.push_back(res);
  req.validate_only = false;
  auto answered = co_await exchange<codec::alter_configs_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.responses.size() != 1) co_return admin_fail(error::of(errc::protocol));
  co_return answer(body.responses[0].error_code, body.responses[0].error_message);
}

// ---------------------------------------------------------------------------------------
// ListOffsets

io::task<admin_result<listed_offsets>> admin::list_offsets(std::vector<topic_partition> partitions, int64_t timestamp) {
  const auto until = deadline();
  listed_offsets out;
  std::set<topic_partition> pending(partitions.begin(), partitions.end());
  std::map<topic_partition, admin_error> last_errors;
  while (!pending.empty()) {
    std::vector<std::string> topics;
    for (const auto& tp : pending) {
      if (topics.empty() || topics.back() != tp.topic) topics.push_back(tp.topic);
    }
    auto md = co_await describe_cluster(std::move(topics));
    if (!md) co_return unexpected{md.error()};
    // Leader → the partitions it answers for.
    std::map<int32_t, std::vector<topic_partition>> by_leader;
    for (auto it = pending.begin(); it != pending.end();) {
      const topic_description* t = md->find(it->topic);
      const partition_description* p = nullptr;
      if (t) {
        for (const auto& x : t->partitions) {
          if (x.partition == it->partition) p = &x;
        }
      }
      if (!t || (t->error == static_cast<int16_t>(E::unknown_topic_or_partition)) || (t->error == 0 && !p)) {
        out.errors[*it] = admin_error{error::from_kafka(static_cast<int16_t>(E::unknown_topic_or_partition)), {}};
        it = pending.erase(it);
        continue;
      }
      if (!p || p->leader < 0) {
        last_errors[*it] = admin_error{error::from_kafka(static_cast<int16_t>(E::leader_not_available)), {}};
        ++it;
        continue;
      }
      by_leader[p->leader].push_back(*it);
      ++it;
    }
    for (auto& [leader, tps] : by_leader) {
      auto conn = co_await cluster_.connection(leader);
      if (!conn) {
        for (const auto& tp : tps) last_errors[tp] = admin_error{conn.error(), {}};
        continue;
      }
      broker_connection* c = *conn;
      const int16_t v = c->pick_version(codec::api_key::list_offsets, 1, 5);
      if (v < 0) co_return unsupported("ListOffsets v1+");
      codec::list_offsets_request req;
      req.replica_id = -1;
      req.isolation_level = 0;
      for (const auto& tp : tps) {
        codec::list_offsets_request::list_offsets_partition lp;
        lp.partition_index = tp.partition;
        lp.timestamp = timestamp;
        topic_entry(req.topics, tp.topic).partitions.push_back(lp);
      }
      auto resp = co_await c->call(req, v);
      if (!resp) {
        for (const auto& tp : tps) last_errors[tp] = admin_error{resp.error(), {}};
        if (!resp.error().retriable()) {
          for (const auto& tp : tps) {
            out.errors[tp] = last_errors[tp];
            pending.erase(tp);
          }
        }
        continue;
      }
      codec::reader rd = resp->body();
      codec::list_offsets_response body;
      if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol), "undecodable ListOffsets response");
      for (const auto& t : body.topics) {
        for (const auto& p : t.partitions) {
          topic_partition tp{std::string(t.name), p.partition_index};
          if (!pending.count(tp)) continue;
          if (p.error_code == 0) {
            out.offsets[tp] = p.offset;
            pending.erase(tp);
            continue;
          }
          const error e = error::from_kafka(p.error_code);
          last_errors[tp] = admin_error{e, {}};
          if (!e.retriable()) {
            out.errors[tp] = last_errors[tp];
            pending.erase(tp);
          }
        }
      }
    }
    if (pending.empty()) break;
    if (past(until)) {
      for (const auto& tp : pending) {
        auto it = last_errors.find(tp);
        out.errors[tp] = it != last_errors.end() ? it->second : admin_error{error::of(errc::timed_out), {}};
      }
      break;
    }
    co_await backoff();
  }
  co_return out;
}

}  // namespace ringtail::core::client
