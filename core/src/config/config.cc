#include "ringtail/core/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace ringtail::core {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\f");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\f");
  return s.substr(b, e - b + 1);
}

template <typename T>
result<T, std::string> parse_int(const std::string& key, const std::string& v, T min, T max) {
  T out{};
  const std::string t = trim(v);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc{} || p != t.data() + t.size() || t.empty()) {
    return unexpected{key + ": '" + v + "' is not an integer"};
  }
  if (out < min || out > max) {
    return unexpected{key + ": " + t + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]"};
  }
  return out;
}

result<bool, std::string> parse_bool(const std::string& key, const std::string& v) {
  const std::string t = trim(v);
  if (t == "true") return true;
  if (t == "false") return false;
  return unexpected{key + ": '" + v + "' is not a boolean (true or false)"};
}

constexpr int64_t i64max = std::numeric_limits<int64_t>::max();
constexpr int32_t i32max = std::numeric_limits<int32_t>::max();

// One entry per known key: how to apply it to the config.
using setter = std::function<result<void, std::string>(broker_config&, const std::string& key, const std::string& v)>;

template <typename T, typename M>
setter int_field(M member, T min, T max) {
  return [member, min, max](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
    auto r = parse_int<T>(k, v, min, max);
    if (!r) return unexpected{r.error()};
    c.*member = *r;
    return {};
  };
}

setter bool_field(bool broker_config::*member) {
  return [member](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
    auto r = parse_bool(k, v);
    if (!r) return unexpected{r.error()};
    c.*member = *r;
    return {};
  };
}

setter enum_field(std::string broker_config::*member, std::vector<std::string> allowed) {
  return [member, allowed](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
    const std::string t = trim(v);
    for (const auto& a : allowed) {
      if (a == t) {
        c.*member = t;
        return {};
      }
    }
    std::string msg = k + ": '" + v + "' is not one of";
    for (const auto& a : allowed) msg += " " + a;
    return unexpected{msg};
  };
}

const std::map<std::string, setter>& known_keys() {
  static const std::map<std::string, setter> keys = {
      {"node.id", int_field<int32_t>(&broker_config::node_id, 0, i32max)},
      {"broker.id", int_field<int32_t>(&broker_config::node_id, 0, i32max)},
      {"listeners",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto l = parse_listeners(v);
         if (!l) return unexpected{k + ": " + l.error()};
         if (l->empty()) return unexpected{k + ": at least one listener is required"};
         c.listeners = *l;
         return {};
       }},
      {"advertised.listeners",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto l = parse_listeners(v);
         if (!l) return unexpected{k + ": " + l.error()};
         c.advertised_listeners = *l;
         return {};
       }},
      {"num.shards", int_field<unsigned>(&broker_config::num_shards, 0u, 64u)},
      {"socket.request.max.bytes", int_field<int32_t>(&broker_config::socket_request_max_bytes, 1024, i32max)},
      {"connections.max.idle.ms", int_field<int64_t>(&broker_config::connections_max_idle_ms, -1, i64max)},
      {"queued.max.request.bytes",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto r = int_field<int64_t>(&broker_config::queued_max_request_bytes, -1, i64max)(c, k, v);
         if (r && c.queued_max_request_bytes == 0) return unexpected{k + ": must be -1 (no bound) or positive"};
         return r;
       }},
      {"cluster.id",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         if (trim(v).empty()) return unexpected{k + ": must not be empty"};
         c.cluster_id = trim(v);
         return {};
       }},
      {"num.partitions", int_field<int32_t>(&broker_config::num_partitions, 1, 1'000'000)},
      {"default.replication.factor", int_field<int16_t>(&broker_config::default_replication_factor, 1, 1)},
      {"auto.create.topics.enable", bool_field(&broker_config::auto_create_topics_enable)},
      {"delete.topic.enable", bool_field(&broker_config::delete_topic_enable)},
      {"message.max.bytes", int_field<int32_t>(&broker_config::message_max_bytes, 0, i32max)},
      {"log.dirs",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         std::vector<std::string> dirs;
         std::stringstream ss(v);
         std::string d;
         while (std::getline(ss, d, ',')) {
           d = trim(d);
           if (!d.empty()) dirs.push_back(d);
         }
         if (dirs.empty()) return unexpected{k + ": at least one directory is required"};
         if (dirs.size() > 1) return unexpected{k + ": only one log directory is supported for now"};
         c.log_dirs = dirs;
         return {};
       }},
      {"log.dir",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         if (trim(v).empty()) return unexpected{k + ": must not be empty"};
         c.log_dirs = {trim(v)};
         return {};
       }},
      {"log.segment.bytes", int_field<int32_t>(&broker_config::log_segment_bytes, 14, i32max)},
      {"log.roll.ms", int_field<int64_t>(&broker_config::log_roll_ms, 1, i64max)},
      {"log.roll.hours",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto r = parse_int<int32_t>(k, v, 1, i32max);
         if (!r) return unexpected{r.error()};
         if (!c.properties.count("log.roll.ms")) c.log_roll_ms = int64_t{*r} * 3600 * 1000;
         return {};
       }},
      {"log.retention.ms", int_field<int64_t>(&broker_config::log_retention_ms, -1, i64max)},
      {"log.retention.minutes",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto r = parse_int<int32_t>(k, v, -1, i32max);
         if (!r) return unexpected{r.error()};
         if (!c.properties.count("log.retention.ms")) c.log_retention_ms = *r < 0 ? -1 : int64_t{*r} * 60 * 1000;
         return {};
       }},
      {"log.retention.hours",
       [](broker_config& c, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto r = parse_int<int32_t>(k, v, -1, i32max);
         if (!r) return unexpected{r.error()};
         if (!c.properties.count("log.retention.ms") && !c.properties.count("log.retention.minutes"))
           c.log_retention_ms = *r < 0 ? -1 : int64_t{*r} * 3600 * 1000;
         return {};
       }},
      {"log.retention.bytes", int_field<int64_t>(&broker_config::log_retention_bytes, -1, i64max)},
      {"log.retention.check.interval.ms", int_field<int64_t>(&broker_config::log_retention_check_interval_ms, 1, i64max)},
      {"log.index.interval.bytes", int_field<int32_t>(&broker_config::log_index_interval_bytes, 0, i32max)},
      {"log.index.size.max.bytes", int_field<int32_t>(&broker_config::log_index_size_max_bytes, 4096, i32max)},
      {"log.flush.interval.messages", int_field<int64_t>(&broker_config::log_flush_interval_messages, 1, i64max)},
      {"log.flush.interval.ms", int_field<int64_t>(&broker_config::log_flush_interval_ms, 0, i64max)},
      {"log.flush.scheduler.interval.ms", int_field<int64_t>(&broker_config::log_flush_scheduler_interval_ms, 0, i64max)},
      {"log.message.timestamp.type",
       enum_field(&broker_config::log_message_timestamp_type, {"CreateTime", "LogAppendTime"})},
      {"compression.type",
       enum_field(&broker_config::compression_type, {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"})},
      {"log.recent.cache.bytes", int_field<int64_t>(&broker_config::log_recent_cache_bytes, 0, i64max)},
      {"offsets.topic.num.partitions", int_field<int32_t>(&broker_config::offsets_topic_num_partitions, 1, 10'000)},
      {"offsets.topic.replication.factor",
       [](broker_config&, const std::string& k, const std::string& v) -> result<void, std::string> {
         auto r = parse_int<int16_t>(k, v, 1, 1);
         if (!r) return unexpected{r.error() + " (a single-node broker)"};
         return {};
       }},
      {"offsets.retention.minutes", int_field<int64_t>(&broker_config::offsets_retention_minutes, 1, i64max)},
      {"group.min.session.timeout.ms", int_field<int32_t>(&broker_config::group_min_session_timeout_ms, 0, i32max)},
      {"group.max.session.timeout.ms", int_field<int32_t>(&broker_config::group_max_session_timeout_ms, 0, i32max)},
      {"group.initial.rebalance.delay.ms", int_field<int32_t>(&broker_config::group_initial_rebalance_delay_ms, 0, i32max)},
  };
  return keys;
}

}  // namespace

result<std::vector<listener>, std::string> parse_listeners(const std::string& value) {
  std::vector<listener> out;
  std::stringstream ss(value);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto sep = item.find("://");
    if (sep == std::string::npos) return unexpected{"'" + item + "' is not NAME://host:port"};
    listener l;
    l.name = item.substr(0, sep);
    if (l.name != "PLAINTEXT") {
      return unexpected{"listener '" + l.name + "' is not supported (only PLAINTEXT for now)"};
    }
    std::string hostport = item.substr(sep + 3);
    const auto colon = hostport.rfind(':');
    if (colon == std::string::npos) return unexpected{"'" + item + "' has no port"};
    l.host = hostport.substr(0, colon);
    if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']') l.host = l.host.substr(1, l.host.size() - 2);
    auto port = parse_int<uint16_t>("port", hostport.substr(colon + 1), 0, 65535);
    if (!port) return unexpected{"'" + item + "': port must be 0-65535"};
    l.port = *port;
    out.push_back(l);
  }
  return out;
}

result<std::map<std::string, std::string>, std::string> parse_properties(const std::string& text) {
  std::map<std::string, std::string> props;
  std::stringstream ss(text);
  std::string line;
  std::string pending;
  int lineno = 0;
  while (std::getline(ss, line)) {
    ++lineno;
    std::string t = trim(line);
    if (pending.empty() && (t.empty() || t[0] == '#' || t[0] == '!')) continue;
    if (!t.empty() && t.back() == '\\') {
      pending += t.substr(0, t.size() - 1);
      continue;
    }
    t = pending + t;
    pending.clear();
    const auto eq = t.find_first_of("=:");
    if (eq == std::string::npos) return unexpected{"line " + std::to_string(lineno) + ": expected key=value"};
    std::string key = trim(t.substr(0, eq));
    if (key.empty()) return unexpected{"line " + std::to_string(lineno) + ": empty key"};
    props[key] = trim(t.substr(eq + 1));
  }
  return props;
}

result<broker_config, std::string> make_broker_config(const std::map<std::string, std::string>& props) {
  broker_config c;
  const auto& keys = known_keys();
  for (const auto& [k, v] : props) {
    if (!keys.count(k)) return unexpected{"unknown configuration key '" + k + "'"};
  }
  c.properties = props;
  // Order does not matter: the coarser retention/roll keys look at `properties` to see
  // whether a more precise one was given (ms > minutes > hours, as Kafka does).
  for (const auto& [k, v] : props) {
    auto r = keys.at(k)(c, k, v);
    if (!r) return unexpected{r.error()};
  }
  if (c.group_min_session_timeout_ms > c.group_max_session_timeout_ms) {
    return unexpected{std::string("group.min.session.timeout.ms must not exceed group.max.session.timeout.ms")};
  }
  return c;
}

result<broker_config, std::string> load_broker_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> props;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return unexpected{"cannot read config file '" + path + "'"};
    std::stringstream buf;
    buf << in.rdbuf();
    auto p = parse_properties(buf.str());
    if (!p) return unexpected{path + ": " + p.error()};
    props = *p;
  }
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) return unexpected{"--override '" + o + "': expected key=value"};
    props[trim(o.substr(0, eq))] = trim(o.substr(eq + 1));
  }
  return make_broker_config(props);
}

}  // namespace ringtail::core
