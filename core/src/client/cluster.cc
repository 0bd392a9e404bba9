#include "ringtail/core/client/cluster.h"

#include <charconv>

#include "requests.h"

#include "ringtail/base/logging.h"
#include "ringtail/io/timer.h"

namespace ringtail::core::client {

result<std::vector<io::endpoint>> parse_bootstrap(std::string_view servers) {
  std::vector<io::endpoint> out;
  while (!servers.empty()) {
    const size_t comma = servers.find(',');
    std::string_view one = servers.substr(0, comma);
    servers = comma == std::string_view::npos ? std::string_view{} : servers.substr(comma + 1);
    if (one.starts_with("PLAINTEXT://")) one.remove_prefix(12);
    const size_t colon = one.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return fail(errc::invalid_argument);
    unsigned port = 0;
    const auto ps = one.substr(colon + 1);
    auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
    if (ec != std::errc{} || p != ps.data() + ps.size() || port == 0 || port > 65535) return fail(errc::invalid_argument);
    std::string host(one.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    out.push_back(io::endpoint{host, static_cast<uint16_t>(port)});
  }
  if (out.empty()) return fail(errc::invalid_argument);
  return out;
}

cluster::cluster(client_config cfg) : cfg_(std::move(cfg)) {
  for (size_t i = 0; i < cfg_.bootstrap_servers.size(); ++i) {
    brokers_[-1 - static_cast<int32_t>(i)] = cfg_.bootstrap_servers[i];
  }
}

cluster::~cluster() { RT_ASSERT(connections_.empty() && retired_.empty(), "cluster destroyed before close()"); }

io::task<result<void>> cluster::bootstrap() {
  std::vector<std::string> all;
  co_return co_await refresh_metadata(std::move(all), false);
}

io::task<void> cluster::close() {
  closed_ = true;
  for (auto& [id, c] : connections_) co_await c->close();
  for (auto& c : retired_) co_await c->close();
  connections_.clear();
  retired_.clear();
}

const topic_metadata* cluster::topic(std::string_view name) const {
  auto it = topics_.find(std::string(name));
  return it == topics_.end() ? nullptr : &it->second;
}

void cluster::add_broker(int32_t node_id, std::string host, int32_t port) {
  brokers_[node_id] = io::endpoint{std::move(host), static_cast<uint16_t>(port)};
}

io::task<result<broker_connection*>> cluster::connection(int32_t node_id) {
  if (closed_) co_return fail(errc::closed);
  for (;;) {
    auto it = connections_.find(node_id);
    if (it != connections_.end()) {
      broker_connection* c = it->second.get();
      if (c->ready()) co_return c;
      if (!c->broken()) {
        // Another task is connecting: wait for it.
        (void)co_await io::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      retired_.push_back(std::move(it->second));
      connections_.erase(it);
      if (retired_.size() > 16) {
        // Bound the graveyard: close the oldest (its requests have failed by now).
        co_await retired_.front()->close();
        retired_.erase(retired_.begin());
      }
    }
    auto b = brokers_.find(node_id);
    if (b == brokers_.end()) co_return fail(errc::no_leader);
    auto owned = std::make_unique<broker_connection>(node_id, b->second, cfg_.connection);
    broker_connection* c = owned.get();
    connections_[node_id] = std::move(owned);
    auto r = co_await c->connect();
    if (!r) co_return unexpected{r.error()};
    co_return c;
  }
}

io::task<result<broker_connection*>> cluster::any_connection() {
  // Prefer an open connection; then known brokers; then the bootstrap list.
  for (auto& [id, c] : connections_) {
    if (c->ready()) co_return c.get();
  }
  error last = error::of(errc::network);
  std::vector<int32_t> ids;
  for (auto& [id, ep] : brokers_) if (id >= 0) ids.push_back(id);
  for (auto& [id, ep] : brokers_) if (id < 0) ids.push_back(id);
  for (int32_t id : ids) {
    auto c = co_await connection(id);
    if (c) co_return *c;
    last = c.error();
  }
  co_return unexpected{last};
}

io::task<result<void>> cluster::refresh_metadata(std::vector<std::string> topics, bool auto_create) {
  error last = error::of(errc::network);
  for (int attempt = 0; attempt <= cfg_.retries; ++attempt) {
    if (attempt > 0) (void)co_await io::sleep_for(std::chrono::milliseconds(cfg_.retry_backoff_ms));
    auto r = co_await refresh_once(topics, auto_create);
    if (r) co_return r;
    last = r.error();
    if (!last.retriable()) break;
  }
  co_return unexpected{last};
}

io::task<result<void>> cluster::refresh_once(const std::vector<std::string>& topics, bool auto_create) {
  auto conn = co_await any_connection();
  if (!conn) co_return unexpected{conn.error()};
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::metadata, 1, 9);
  if (v < 0) co_return fail(errc::unsupported_version);
  const codec::metadata_request req = metadata_request_for(topics, topics.empty(), auto_create);
  auto resp = co_await c->call(req, v);
  if (!resp) co_return unexpected{resp.error()};
  codec::reader rd = resp->body();
  codec::metadata_response m;
  if (!m.decode(rd, v)) co_return fail(errc::protocol);
  for (const auto& b : m.brokers) brokers_[b.node_id] = io::endpoint{std::string(b.host), static_cast<uint16_t>(b.port)};
  for (const auto& t : m.topics) {
    topic_metadata tm;
    tm.name = std::string(t.name);
    tm.error = t.error_code;
    int32_t count = 0;
    for (const auto& p : t.partitions) count = std::max(count, p.partition_index + 1);
    tm.partitions.resize(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) tm.partitions[static_cast<size_t>(i)].partition = i;
    for (const auto& p : t.partitions) {
      auto& pm = tm.partitions[static_cast<size_t>(p.partition_index)];
      pm.leader = p.error_code == 0 || p.leader_id >= 0 ? p.leader_id : -1;
      pm.leader_epoch = p.leader_epoch;
      pm.error = p.error_code;
    }
    topics_[tm.name] = std::move(tm);
  }
  ++metadata_version_;
  co_return result<void>{};
}

io::task<result<const topic_metadata*>> cluster::wait_for_topic(std::string name, bool auto_create) {
  error last = error::of(errc::unknown_topic);
  for (int attempt = 0; attempt <= cfg_.retries * 3; ++attempt) {
    if (attempt > 0) (void)co_await io::sleep_for(std::chrono::milliseconds(cfg_.retry_backoff_ms));
    std::vector<std::string> ts{name};
    auto r = co_await refresh_metadata(ts, auto_create);
    if (!r) {
      last = r.error();
      if (!last.retriable()) break;
      continue;
    }
    const topic_metadata* t = topic(name);
    if (!t) continue;
    if (t->error != 0) {
      last = error::from_kafka(t->error);
      if (!is_retriable(static_cast<codec::error_code>(t->error))) break;
      continue;
    }
    bool all_led = !t->partitions.empty();
    for (const auto& p : t->partitions) all_led = all_led && p.leader >= 0;
    if (all_led) co_return t;
    last = error::of(errc::no_leader);
  }
  co_return unexpected{last};
}

io::task<result<void>> cluster::create_topic(std::string name, int32_t partitions, int16_t replication_factor,
                                             std::vector<std::pair<std::string, std::string>> configs,
                                             bool if_not_exists) {
  // CreateTopics must go to the controller; Metadata names it.
  std::vector<std::string> all;
  auto md = co_await refresh_metadata(std::move(all), false);
  if (!md) co_return md;
  auto conn = co_await any_connection();
  if (!conn) co_return unexpected{conn.error()};
  broker_connection* c = *conn;
  const int16_t v = c->pick_version(codec::api_key::create_topics, 0, 7);
  if (v < 0) co_return fail(errc::unsupported_version);
  codec::create_topics_request req;
  req.topics.push_back(creatable_topic_for(name, partitions, replication_factor, configs));
  req.timeout_ms = cfg_.connection.request_timeout_ms;
  auto resp = co_await c->call(req, v);
  if (!resp) co_return unexpected{resp.error()};
  codec::reader rd = resp->body();
  codec::create_topics_response body;
  if (!body.decode(rd, v) || body.topics.size() != 1) co_return fail(errc::protocol);
  const int16_t ec = body.topics[0].error_code;
  if (ec != 0 && !(if_not_exists && ec == static_cast<int16_t>(codec::error_code::topic_already_exists))) {
    co_return fail_kafka(ec);
  }
  co_return result<void>{};
}

io::task<result<int64_t>> cluster::list_offset(std::string topic_name, int32_t partition, int64_t timestamp) {
  error last = error::of(errc::unknown_topic);
  for (int attempt = 0; attempt <= cfg_.retries; ++attempt) {
    if (attempt > 0) {
      (void)co_await io::sleep_for(std::chrono::milliseconds(cfg_.retry_backoff_ms));
      std::vector<std::string> ts{topic_name};
      (void)co_await refresh_metadata(ts, false);
    }
    const topic_metadata* t = topic(topic_name);
    if (!t || partition >= static_cast<int32_t>(t->partitions.size())) {
      std::vector<std::string> ts{topic_name};
      (void)co_await refresh_metadata(ts, false);
      t = topic(topic_name);
      if (!t || partition >= static_cast<int32_t>(t->partitions.size())) continue;
    }
    const int32_t leader = t->partitions[static_cast<size_t>(partition)].leader;
    if (leader < 0) {
      last = error::of(errc::no_leader);
      continue;
    }
    auto conn = co_await connection(leader);
    if (!conn) {
      last = conn.error();
      continue;
    }
    broker_connection* c = *conn;
    const int16_t v = c->pick_version(codec::api_key::list_offsets, 1, 5);
    if (v < 0) co_return fail(errc::unsupported_version);
    codec::list_offsets_request req;
    req.replica_id = -1;
    codec::list_offsets_request::list_offsets_topic lt;
    lt.name = topic_name;
    codec::list_offsets_request::list_offsets_partition lp;
    lp.partition_index = partition;
    lp.timestamp = timestamp;
    lt.partitions.push_back(lp);
    req.topics.push_back(lt);
    auto resp = co_await c->call(req, v);
    if (!resp) {
      last = resp.error();
      continue;
    }
    codec::reader rd = resp->body();
    codec::list_offsets_response body;
    if (!body.decode(rd, v) || body.topics.size() != 1 || body.topics[0].partitions.size() != 1) {
      co_return fail(errc::protocol);
    }
    const auto& pr = body.topics[0].partitions[0];
    if (pr.error_code != 0) {
      last = error::from_kafka(pr.error_code);
      if (!last.retriable()) break;
      continue;
    }
    co_return pr.offset;
  }
  co_return unexpected{last};
}

}  // namespace ringtail::core::client
