// The consumer-group calls of the admin client (see admin.h): FindCoordinator, then
// ListGroups / DescribeGroups / DeleteGroups / OffsetFetch / OffsetCommit / OffsetDelete
// at the coordinator, retried while the coordinator moves or loads.
#include <algorithm>
#include <map>

#include "admin_calls.h"

#include "ringtail/codec/gen/consumer_protocol.h"
#include "ringtail/core/client/admin.h"

namespace ringtail::core::client {

namespace {

using E = codec::error_code;

constexpr int16_t group_id_not_found = 69;  // Kafka 4's answer for a group it does not know

bool coordinator_retriable(int16_t ec) noexcept {
  return ec == static_cast<int16_t>(E::not_coordinator) || ec == static_cast<int16_t>(E::coordinator_not_available) ||
         ec == static_cast<int16_t>(E::coordinator_load_in_progress);
}

// A group call's error: worth another try when the coordinator moved or is loading.
admin_failure group_failure(int16_t ec) {
  return admin_failure{admin_error{error::from_kafka(ec), {}}, coordinator_retriable(ec)};
}

// ConsumerProtocolAssignment (int16 version, then the body) → partitions.
std::vector<topic_partition> decode_assignment(codec::bytes_view bytes) {
  std::vector<topic_partition> out;
  if (bytes.empty()) return out;
  codec::reader r(bytes);
  int16_t version = 0;
  codec::consumer_protocol_assignment a;
  if (!r.read_int16(version) || !a.decode(r, std::min<int16_t>(version, 3))) return out;
  for (const auto& tp : a.assigned_partitions) {
    for (int32_t p : tp.partitions) out.push_back(topic_partition{std::string(tp.topic), p});
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

io::task<admin_result<broker_connection*>> admin::coordinator(const std::string& group, broker_node* node) {
  auto once = [this, &group, node] { return coordinator_once(group, node); };
  co_return co_await with_retries<broker_connection*>(once);
}

io::task<admin_attempt<broker_connection*>> admin::coordinator_once(std::string group, broker_node* node) {
  auto any = co_await cluster_.any_connection();
  if (!any) co_return retry_if_retriable(any.error());
  broker_connection* c = *any;
  const int16_t v = c->pick_version(codec::api_key::find_coordinator, 0, 4);
  if (v < 0) co_return unsupported("FindCoordinator");
  codec::find_coordinator_request req;
  if (v >= 4) {
    req.coordinator_keys.push_back(group);
  } else {
    req.key = group;
  }
  req.key_type = 0;  // a group
  auto answered = co_await exchange<codec::find_coordinator_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  int16_t ec = body.error_code;
  std::optional<std::string_view> msg = body.error_message;
  broker_node found{body.node_id, std::string(body.host), body.port};
  if (v >= 4) {
    if (body.coordinators.size() != 1) co_return admin_fail(error::of(errc::protocol));
    const auto& k = body.coordinators[0];
    ec = k.error_code;
    msg = k.error_message;
    found = broker_node{k.node_id, std::string(k.host), k.port};
  }
  if (ec != 0) co_return admin_failure{admin_error{error::from_kafka(ec), opt_string(msg)}, coordinator_retriable(ec)};
  cluster_.add_broker(found.id, found.host, found.port);
  auto conn = co_await cluster_.connection(found.id);
  if (!conn) co_return retry_if_retriable(conn.error());
  if (node) *node = found;
  co_return *conn;
}

io::task<admin_result<std::vector<group_listing>>> admin::list_groups() {
  auto md = co_await describe_brokers();
  if (!md) co_return unexpected{md.error()};
  std::map<std::string, group_listing> found;
  for (const auto& b : md->brokers) {
    const int32_t broker_id = b.id;
    auto once = [this, broker_id] { return list_groups_once(broker_id); };
    auto listed = co_await with_retries<std::vector<group_listing>>(once);
    if (!listed) co_return unexpected{listed.error()};
    for (const auto& g : *listed) found[g.group_id] = g;
  }
  std::vector<group_listing> out;
  for (auto& [id, g] : found) out.push_back(std::move(g));
  co_return out;
}

io::task<admin_attempt<std::vector<group_listing>>> admin::list_groups_once(int32_t broker_id) {
  auto conn = co_await cluster_.connection(broker_id);
  if (!conn) co_return retry_if_retriable(conn.error());
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::list_groups, 0, 4);
  if (v < 0) co_return unsupported("ListGroups");
  codec::list_groups_request req;
  auto answered = co_await exchange<codec::list_groups_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.error_code != 0) co_return retry_if_retriable(error::from_kafka(body.error_code));
  std::vector<group_listing> out;
  for (const auto& g : body.groups) {
    // Consumer groups: protocol type "consumer", or none yet (Kafka's filter).
    if (!g.protocol_type.empty() && g.protocol_type != "consumer") continue;
    out.push_back(group_listing{std::string(g.group_id), std::string(g.protocol_type), std::string(g.group_state)});
  }
  co_return out;
}

io::task<admin_result<group_description>> admin::describe_group(std::string group) {
  auto once = [this, &group] { return describe_group_once(group); };
  co_return co_await with_retries<group_description>(once);
}

io::task<admin_attempt<group_description>> admin::describe_group_once(std::string group) {
  broker_node node;
  auto cr = co_await coordinator(group, &node);
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::describe_groups, 0, 5);
  if (v < 0) co_return unsupported("DescribeGroups");
  codec::describe_groups_request req;
  req.groups.push_back(group);
  auto answered = co_await exchange<codec::describe_groups_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.groups.size() != 1) co_return admin_fail(error::of(errc::protocol));
  const auto& g = body.groups[0];
  if (g.error_code != 0 && g.error_code != group_id_not_found) co_return group_failure(g.error_code);
  group_description out;
  out.group_id = group;
  out.state = g.error_code == 0 ? std::string(g.group_state) : std::string("Dead");
  out.protocol_type = std::string(g.protocol_type);
  out.protocol = std::string(g.protocol_data);
  out.coordinator = node;
  for (const auto& m : g.members) {
    group_member gm;
    gm.member_id = std::string(m.member_id);
    gm.group_instance_id = copy_opt(m.group_instance_id);
    gm.client_id = std::string(m.client_id);
    gm.client_host = std::string(m.client_host);
    if (out.protocol_type == "consumer") gm.assignment = decode_assignment(m.member_assignment);
    out.members.push_back(std::move(gm));
  }
  co_return out;
}

io::task<admin_result<void>> admin::delete_group(std::string group) {
  auto once = [this, &group] { return delete_group_once(group); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::delete_group_once(std::string group) {
  auto cr = co_await coordinator(group, nullptr);
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::delete_groups, 0, 2);
  if (v < 0) co_return unsupported("DeleteGroups");
  codec::delete_groups_request req;
  req.groups_names.push_back(group);
  auto answered = co_await exchange<codec::delete_groups_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (body.results.size() != 1) co_return admin_fail(error::of(errc::protocol));
  const int16_t ec = body.results[0].error_code;
  if (ec != 0) co_return group_failure(ec);
  co_return admin_result<void>{};
}

io::task<admin_result<std::map<topic_partition, int64_t>>> admin::list_group_offsets(std::string group) {
  auto once = [this, &group] { return list_group_offsets_once(group); };
  co_return co_await with_retries<std::map<topic_partition, int64_t>>(once);
}

io::task<admin_attempt<std::map<topic_partition, int64_t>>> admin::list_group_offsets_once(std::string group) {
  auto cr = co_await coordinator(group, nullptr);
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  // v2+: a null topic list asks for every partition the group has committed.
  const int16_t v = c->pick_version(codec::api_key::offset_fetch, 2, 8);
  if (v < 0) co_return unsupported("OffsetFetch v2+");
  codec::offset_fetch_request req;
  if (v >= 8) {
    codec::offset_fetch_request::offset_fetch_request_group g;
    g.group_id = group;
    req.groups.push_back(g);
  } else {
    req.group_id = group;
  }
  auto answered = co_await exchange<codec::offset_fetch_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  std::map<topic_partition, int64_t> out;
  int16_t partition_error = 0;
  // v8+ answers per group, earlier versions for the one group: the topics look alike.
  auto collect = [&out, &partition_error](const auto& topics) {
    for (const auto& t : topics) {
      for (const auto& p : t.partitions) {
        if (p.error_code != 0) partition_error = p.error_code;
        if (p.error_code == 0 && p.committed_offset >= 0)
          out[topic_partition{std::string(t.name), p.partition_index}] = p.committed_offset;
      }
    }
  };
  int16_t ec = body.error_code;
  if (v >= 8) {
    if (body.groups.size() != 1) co_return admin_fail(error::of(errc::protocol));
    ec = body.groups[0].error_code;
    collect(body.groups[0].topics);
  } else {
    collect(body.topics);
  }
  if (ec == group_id_not_found) co_return std::map<topic_partition, int64_t>{};
  if (ec == 0 && coordinator_retriable(partition_error)) ec = partition_error;
  if (ec != 0) co_return group_failure(ec);
  co_return out;
}

io::task<admin_result<void>> admin::alter_group_offsets(std::string group, std::map<topic_partition, int64_t> offsets) {
  auto once = [this, &group, &offsets] { return alter_group_offsets_once(group, offsets); };
  co_return co_await with_retries<void>(once);
}

io::task<admin_attempt<void>> admin::alter_group_offsets_once(std::string group,
                                                              std::map<topic_partition, int64_t> offsets) {
  auto cr = co_await coordinator(group, nullptr);
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::offset_commit, 2, 8);
  if (v < 0) co_return unsupported("OffsetCommit v2+");
  codec::offset_commit_request req;
  req.group_id = group;
  req.generation_id_or_member_epoch = -1;
  req.member_id = std::string_view();
  req.retention_time_ms = -1;
  for (const auto& [tp, off] : offsets) {
    codec::offset_commit_request::offset_commit_request_partition p;
    p.partition_index = tp.partition;
    p.committed_offset = off;
    p.committed_metadata = std::string_view();
    topic_entry(req.topics, tp.topic).partitions.push_back(p);
  }
  auto answered = co_await exchange<codec::offset_commit_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  int16_t ec = 0;
  std::string where;
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions) {
      if (p.error_code != 0 && ec == 0) {
        ec = p.error_code;
        where = std::string(t.name) + "-" + std::to_string(p.partition_index);
      }
    }
  }
  if (ec == 0) co_return admin_result<void>{};
  if (coordinator_retriable(ec)) co_return group_failure(ec);
  const error failure = error::from_kafka(ec);
  co_return admin_fail(failure, "committing offsets for " + where + ": " + failure.message());
}

io::task<admin_result<deleted_offsets>> admin::delete_group_offsets(std::string group,
                                                                    std::vector<topic_partition> partitions) {
  std::sort(partitions.begin(), partitions.end());
  auto once = [this, &group, &partitions] { return delete_group_offsets_once(group, partitions); };
  co_return co_await with_retries<deleted_offsets>(once);
}

io::task<admin_attempt<deleted_offsets>> admin::delete_group_offsets_once(std::string group,
                                                                          std::vector<topic_partition> partitions) {
  auto cr = co_await coordinator(group, nullptr);
  if (!cr) co_return unexpected{cr.error()};
  broker_connection* c = *cr;
  const int16_t v = c->pick_version(codec::api_key::offset_delete, 0, 0);
  if (v < 0) co_return unsupported("OffsetDelete");
  codec::offset_delete_request req;
  req.group_id = group;
  for (const auto& tp : partitions) {
    codec::offset_delete_request::offset_delete_request_partition p;
    p.partition_index = tp.partition;
    topic_entry(req.topics, tp.topic).partitions.push_back(p);
  }
  auto answered = co_await exchange<codec::offset_delete_response>(c, req, v);
  if (!answered) co_return answered.error();
  const auto& body = answered->body;
  if (coordinator_retriable(body.error_code)) co_return group_failure(body.error_code);
  deleted_offsets out;
  out.error = body.error_code;
  for (const auto& t : body.topics) {
    for (const auto& p : t.partitions)
      out.partitions[topic_partition{std::string(t.name), p.partition_index}] = p.error_code;
  }
  co_return out;
}

}  // namespace ringtail::core::client
