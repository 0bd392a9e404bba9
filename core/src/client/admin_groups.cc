// The consumer-group calls of the admin client (see admin.h): FindCoordinator, then
// ListGroups / DescribeGroups / DeleteGroups / OffsetFetch / OffsetCommit / OffsetDelete
// at the coordinator, retried while the coordinator moves or loads.
#include <algorithm>
#include <map>

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

std::string opt_string(const std::optional<std::string_view>& s) { return s ? std::string(*s) : std::string(); }

std::optional<std::string> copy_opt(const std::optional<std::string_view>& s) {
  if (!s) return std::nullopt;
  return std::string(*s);
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
  const auto until = deadline();
  admin_error last{error::of(errc::network), {}};
  for (;;) {
    auto any = co_await cluster_.any_connection();
    if (any) {
      broker_connection* c = *any;
      const int16_t v = c->pick_version(codec::api_key::find_coordinator, 0, 4);
      if (v < 0)
        co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support FindCoordinator");
      codec::find_coordinator_request req;
      if (v >= 4) {
        req.coordinator_keys.push_back(group);
      } else {
        req.key = group;
      }
      req.key_type = 0;  // a group
      auto resp = co_await c->call(req, v);
      if (resp) {
        codec::reader rd = resp->body();
        codec::find_coordinator_response body;
        if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol));
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
        if (ec == 0) {
          cluster_.add_broker(found.id, found.host, found.port);
          auto conn = co_await cluster_.connection(found.id);
          if (conn) {
            if (node) *node = found;
            co_return *conn;
          }
          last = admin_error{conn.error(), {}};
        } else {
          last = admin_error{error::from_kafka(ec), opt_string(msg)};
          if (!coordinator_retriable(ec)) co_return unexpected{last};
        }
      } else {
        last = admin_error{resp.error(), {}};
      }
    } else {
      last = admin_error{any.error(), {}};
    }
    if (!last.err.retriable() || past(until)) co_return unexpected{last};
    co_await backoff();
  }
}

io::task<admin_result<std::vector<group_listing>>> admin::list_groups() {
  auto md = co_await describe_brokers();
  if (!md) co_return unexpected{md.error()};
  std::map<std::string, group_listing> found;
  for (const auto& b : md->brokers) {
    const auto until = deadline();
    for (;;) {
      auto conn = co_await cluster_.connection(b.id);
      error failure = error::of(errc::network);
      if (conn) {
        broker_connection* c = *conn;
        const int16_t v = c->pick_version(codec::api_key::list_groups, 0, 4);
        if (v < 0) co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support ListGroups");
        codec::list_groups_request req;
        auto resp = co_await c->call(req, v);
        if (resp) {
          codec::reader rd = resp->body();
          codec::list_groups_response body;
          if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol));
          if (body.error_code == 0) {
            for (const auto& g : body.groups) {
              // Consumer groups: protocol type "consumer", or none yet (Kafka's filter).
              if (!g.protocol_type.empty() && g.protocol_type != "consumer") continue;
              found[std::string(g.group_id)] =
                  group_listing{std::string(g.group_id), std::string(g.protocol_type), std::string(g.group_state)};
            }
            break;
          }
          failure = error::from_kafka(body.error_code);
        } else {
          failure = resp.error();
        }
      } else {
        failure = conn.error();
      }
      if (!failure.retriable() || past(until)) co_return admin_fail(failure);
      co_await backoff();
    }
  }
  std::vector<group_listing> out;
  for (auto& [id, g] : found) out.push_back(std::move(g));
  co_return out;
}

io::task<admin_result<group_description>> admin::describe_group(std::string group) {
  const auto until = deadline();
  for (;;) {
    broker_node node;
    auto cr = co_await coordinator(group, &node);
    if (!cr) co_return unexpected{cr.error()};
    broker_connection* c = *cr;
    const int16_t v = c->pick_version(codec::api_key::describe_groups, 0, 5);
    if (v < 0) co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support DescribeGroups");
    codec::describe_groups_request req;
    req.groups.push_back(group);
    auto resp = co_await c->call(req, v);
    error failure = error::of(errc::network);
    if (resp) {
      codec::reader rd = resp->body();
      codec::describe_groups_response body;
      if (!body.decode(rd, v) || body.groups.size() != 1) co_return admin_fail(error::of(errc::protocol));
      const auto& g = body.groups[0];
      if (g.error_code == 0 || g.error_code == group_id_not_found) {
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
      failure = error::from_kafka(g.error_code);
      if (!coordinator_retriable(g.error_code)) co_return admin_fail(failure);
    } else {
      failure = resp.error();
    }
    if (!failure.retriable() || past(until)) co_return admin_fail(failure);
    co_await backoff();
  }
}

io::task<admin_result<void>> admin::delete_group(std::string group) {
  const auto until = deadline();
  for (;;) {
    auto cr = co_await coordinator(group, nullptr);
    if (!cr) co_return unexpected{cr.error()};
    broker_connection* c = *cr;
    const int16_t v = c->pick_version(codec::api_key::delete_groups, 0, 2);
    if (v < 0) co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support DeleteGroups");
    codec::delete_groups_request req;
    req.groups_names.push_back(group);
    auto resp = co_await c->call(req, v);
    error failure = error::of(errc::network);
    if (resp) {
      codec::reader rd = resp->body();
      codec::delete_groups_response body;
      if (!body.decode(rd, v) || body.results.size() != 1) co_return admin_fail(error::of(errc::protocol));
      const int16_t ec = body.results[0].error_code;
      if (ec == 0) co_return admin_result<void>{};
      failure = error::from_kafka(ec);
      if (!coordinator_retriable(ec)) co_return admin_fail(failure);
    } else {
      failure = resp.error();
    }
    if (!failure.retriable() || past(until)) co_return admin_fail(failure);
    co_await backoff();
  }
}

io::task<admin_result<std::map<topic_partition, int64_t>>> admin::list_group_offsets(std::string group) {
  const auto until = deadline();
  for (;;) {
    auto cr = co_await coordinator(group, nullptr);
    if (!cr) co_return unexpected{cr.error()};
    broker_connection* c = *cr;
    // v2+: a null topic list asks for every partition the group has committed.
    const int16_t v = c->pick_version(codec::api_key::offset_fetch, 2, 8);
    if (v < 0)
      co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support OffsetFetch v2+");
    codec::offset_fetch_request req;
    if (v >= 8) {
      codec::offset_fetch_request::offset_fetch_request_group g;
      g.group_id = group;
      req.groups.push_back(g);
    } else {
      req.group_id = group;
    }
    auto resp = co_await c->call(req, v);
    error failure = error::of(errc::network);
    if (resp) {
      codec::reader rd = resp->body();
      codec::offset_fetch_response body;
      if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol));
      std::map<topic_partition, int64_t> out;
      int16_t ec = body.error_code;
      int16_t partition_error = 0;
      if (v >= 8) {
        if (body.groups.size() != 1) co_return admin_fail(error::of(errc::protocol));
        ec = body.groups[0].error_code;
        for (const auto& t : body.groups[0].topics) {
          for (const auto& p : t.partitions) {
            if (p.error_code != 0) partition_error = p.error_code;
            if (p.error_code == 0 && p.committed_offset >= 0)
              out[topic_partition{std::string(t.name), p.partition_index}] = p.committed_offset;
          }
        }
      } else {
        for (const auto& t : body.topics) {
          for (const auto& p : t.partitions) {
            if (p.error_code != 0) partition_error = p.error_code;
            if (p.error_code == 0 && p.committed_offset >= 0)
              out[topic_partition{std::string(t.name), p.partition_index}] = p.committed_offset;
          }
        }
      }
      if (ec == group_id_not_found) co_return std::map<topic_partition, int64_t>{};
      if (ec == 0 && coordinator_retriable(partition_error)) ec = partition_error;
      if (ec == 0) co_return out;
      failure = error::from_kafka(ec);
      if (!coordinator_retriable(ec)) co_return admin_fail(failure);
    } else {
      failure = resp.error();
    }
    if (!failure.retriable() || past(until)) co_return admin_fail(failure);
    co_await backoff();
  }
}

io::task<admin_result<void>> admin::alter_group_offsets(std::string group, std::map<topic_partition, int64_t> offsets) {
  const auto until = deadline();
  for (;;) {
    auto cr = co_await coordinator(group, nullptr);
    if (!cr) co_return unexpected{cr.error()};
    broker_connection* c = *cr;
    const int16_t v = c->pick_version(codec::api_key::offset_commit, 2, 8);
    if (v < 0)
      co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support OffsetCommit v2+");
    codec::offset_commit_request req;
    req.group_id = group;
    req.generation_id_or_member_epoch = -1;
    req.member_id = std::string_view();
    req.retention_time_ms = -1;
    for (const auto& [tp, off] : offsets) {
      if (req.topics.empty() || req.topics.back().name != tp.topic) {
        req.topics.emplace_back();
        req.topics.back().name = tp.topic;
      }
      codec::offset_commit_request::offset_commit_request_partition p;
      p.partition_index = tp.partition;
      p.committed_offset = off;
      p.committed_metadata = std::string_view();
      req.topics.back().partitions.push_back(p);
    }
    auto resp = co_await c->call(req, v);
    error failure = error::of(errc::network);
    if (resp) {
      codec::reader rd = resp->body();
      codec::offset_commit_response body;
      if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol));
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
      failure = error::from_kafka(ec);
      if (!coordinator_retriable(ec))
        co_return admin_fail(failure, "committing offsets for " + where + ": " + failure.message());
    } else {
      failure = resp.error();
    }
    if (!failure.retriable() || past(until)) co_return admin_fail(failure);
    co_await backoff();
  }
}

io::task<admin_result<deleted_offsets>> admin::delete_group_offsets(std::string group,
                                                                    std::vector<topic_partition> partitions) {
  const auto until = deadline();
  std::sort(partitions.begin(), partitions.end());
  for (;;) {
    auto cr = co_await coordinator(group, nullptr);
    if (!cr) co_return unexpected{cr.error()};
    broker_connection* c = *cr;
    const int16_t v = c->pick_version(codec::api_key::offset_delete, 0, 0);
    if (v < 0) co_return admin_fail(error::of(errc::unsupported_version), "the broker does not support OffsetDelete");
    codec::offset_delete_request req;
    req.group_id = group;
    for (const auto& tp : partitions) {
      if (req.topics.empty() || req.topics.back().name != tp.topic) {
        req.topics.emplace_back();
        req.topics.back().name = tp.topic;
      }
      codec::offset_delete_request::offset_delete_request_partition p;
      p.partition_index = tp.partition;
      req.topics.back().partitions.push_back(p);
    }
    auto resp = co_await c->call(req, v);
    error failure = error::of(errc::network);
    if (resp) {
      codec::reader rd = resp->body();
      codec::offset_delete_response body;
      if (!body.decode(rd, v)) co_return admin_fail(error::of(errc::protocol));
      if (!coordinator_retriable(body.error_code)) {
        deleted_offsets out;
        out.error = body.error_code;
        for (const auto& t : body.topics) {
          for (const auto& p : t.partitions)
            out.partitions[topic_partition{std::string(t.name), p.partition_index}] = p.error_code;
        }
        co_return out;
      }
      failure = error::from_kafka(body.error_code);
    } else {
      failure = resp.error();
    }
    if (!failure.retriable() || past(until)) co_return admin_fail(failure);
    co_await backoff();
  }
}

}  // namespace ringtail::core::client
