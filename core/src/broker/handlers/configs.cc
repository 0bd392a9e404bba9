// DescribeConfigs (32), AlterConfigs (33), IncrementalAlterConfigs (44) for topics
// (resource type 2) and this broker (type 4). Topic values are the topic's overrides
// over the broker's log.* defaults, with Kafka's config sources (1 = dynamic topic
// config, 4 = static broker config, 5 = default). Broker configs are static here
// (server.properties); altering one is refused as Kafka refuses non-dynamic keys.
#include <charconv>

#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/core/log/log_config.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

namespace {

using codec::error_code;

constexpr int8_t resource_topic = 2;
constexpr int8_t resource_broker = 4;
constexpr int8_t source_topic = 1;
constexpr int8_t source_static_broker = 4;
constexpr int8_t source_default = 5;

struct topic_key {
  const char* name;
  const char* broker_key;  // the broker default it falls back to, or nullptr
};

// Every topic config Ringtail knows (validate_topic_config accepts exactly these).
constexpr topic_key topic_keys[] = {
    {"cleanup.policy", "log.cleanup.policy"},
    {"compression.type", "compression.type"},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms"},
    {"file.delete.delay.ms", "log.segment.delete.delay.ms"},
    {"flush.messages", "log.flush.interval.messages"},
    {"flush.ms", "log.flush.interval.ms"},
    {"index.interval.bytes", "log.index.interval.bytes"},
    {"max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms"},
    {"max.message.bytes", "message.max.bytes"},
    {"message.downconversion.enable", "log.message.downconversion.enable"},
    {"message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms"},
    {"message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms"},
    {"message.timestamp.difference.max.ms", "log.message.timestamp.difference.max.ms"},
    {"message.timestamp.type", "log.message.timestamp.type"},
    {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"},
    {"min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"},
    {"min.insync.replicas", "min.insync.replicas"},
    {"retention.bytes", "log.retention.bytes"},
    {"retention.ms", "log.retention.ms"},
    {"segment.bytes", "log.segment.bytes"},
    {"segment.index.bytes", "log.index.size.max.bytes"},
    {"segment.jitter.ms", "log.roll.jitter.ms"},
    {"segment.ms", "log.roll.ms"},
    {"unclean.leader.election.enable", "unclean.leader.election.enable"},
};

std::string default_value(const broker_config& b, std::string_view key) {
  const log::log_config d = log::log_config_from_broker(b);
  auto num = [](int64_t v) { return std::to_string(v); };
  if (key == "cleanup.policy") return "delete";
  if (key == "compression.type") return b.compression_type;
  if (key == "delete.retention.ms") return "86400000";
  if (key == "file.delete.delay.ms") return "60000";
  if (key == "flush.messages") return num(d.flush_messages);
  if (key == "flush.ms") return num(d.flush_ms);
  if (key == "index.interval.bytes") return num(d.index_interval_bytes);
  if (key == "max.compaction.lag.ms") return num(INT64_MAX);
  if (key == "max.message.bytes") return num(b.message_max_bytes);
  if (key == "message.downconversion.enable") return "true";
  if (key == "message.timestamp.after.max.ms" || key == "message.timestamp.before.max.ms" ||
      key == "message.timestamp.difference.max.ms")
    return num(INT64_MAX);
  if (key == "message.timestamp.type") return b.log_message_timestamp_type;
  if (key == "min.cleanable.dirty.ratio") return "0.5";
  if (key == "min.compaction.lag.ms") return "0";
  if (key == "min.insync.replicas") return "1";
  if (key == "retention.bytes") return num(d.retention_bytes);
  if (key == "retention.ms") return num(d.retention_ms);
  if (key == "segment.bytes") return num(d.segment_bytes);
  if (key == "segment.index.bytes") return num(d.index_size_max_bytes);
  if (key == "segment.jitter.ms") return "0";
  if (key == "segment.ms") return num(d.roll_ms);
  if (key == "unclean.leader.election.enable") return "false";
  return "";
}

bool wanted(const std::optional<std::vector<std::string_view>>& keys, std::string_view k) {
  if (!keys) return true;
  for (auto w : *keys)
    if (w == k) return true;
  return false;
}

void describe_topic(request_context& ctx, const topic_info& t, const codec::describe_configs_request& req,
                    const codec::describe_configs_request::describe_configs_resource& res,
                    codec::describe_configs_response::describe_configs_result& out) {
  const broker_config& b = broker().config;
  for (const auto& k : topic_keys) {
    if (!wanted(res.configuration_keys, k.name)) continue;
    auto& c = out.configs.emplace_back();
    c.name = k.name;
    auto it = t.configs.find(k.name);
    const bool overridden = it != t.configs.end();
    const bool broker_set = k.broker_key && b.properties.count(k.broker_key);
    c.value = ctx.keep(overridden ? it->second : default_value(b, k.name));
    c.read_only = false;
    c.is_default = !overridden && !broker_set;
    c.config_source = overridden ? source_topic : (broker_set ? source_static_broker : source_default);
    if (req.include_synonyms) {
      if (overridden) {
        auto& s = c.synonyms.emplace_back();
        s.name = k.name;
        s.value = c.value;
        s.source = source_topic;
      }
      if (broker_set) {
        auto& s = c.synonyms.emplace_back();
        s.name = k.broker_key;
        s.value = ctx.keep(b.properties.at(k.broker_key));
        s.source = source_static_broker;
      }
    }
  }
}

void describe_broker(request_context& ctx, const codec::describe_configs_request::describe_configs_resource& res,
                     codec::describe_configs_response::describe_configs_result& out) {
  for (const auto& [k, v] : broker().config.properties) {
    if (!wanted(res.configuration_keys, k)) continue;
    auto& c = out.configs.emplace_back();
    c.name = ctx.keep(k);
    c.value = ctx.keep(v);
    c.read_only = true;
    c.is_default = false;
    c.config_source = source_static_broker;
  }
}

bool is_this_broker(std::string_view name) {
  // "" means the cluster-wide default resource, which Kafka also describes.
  return name.empty() || name == std::to_string(broker().config.node_id);
}

io::task<admin_result> set_on_controller(const std::string* topic, const std::map<std::string, std::string>* configs,
                                         bool validate_only) {
  co_return co_await the_controller().set_topic_configs(*topic, *configs, validate_only);
}

// Applies a whole new override map for `topic` through the controller.
io::task<admin_result> apply(const std::string& topic, const std::map<std::string, std::string>& configs,
                             bool validate_only) {
  const std::string* tp = &topic;
  const auto* cp = &configs;
  co_return co_await io::submit_to(0, [tp, cp, validate_only] { return set_on_controller(tp, cp, validate_only); });
}

template <typename Response>
void set_error(request_context& ctx, Response& out, error_code e, const std::string& msg) {
  out.error_code = static_cast<int16_t>(e);
  if (!msg.empty()) out.error_message = ctx.keep(msg);
}

// Both Alter APIs change topics only; broker configs are static (server.properties).
template <typename Response>
bool alterable(request_context& ctx, int8_t resource_type, Response& out) {
  if (resource_type == resource_topic) return true;
  set_error(ctx, out, error_code::invalid_request,
            resource_type == resource_broker
                ? "Cannot update these configs dynamically: broker configs come from server.properties"
                : "Unsupported resource type");
  return false;
}

}  // namespace

io::task<codec::describe_configs_response> handle_describe_configs(request_context& ctx,
                                                                   const codec::describe_configs_request& req) {
  codec::describe_configs_response resp;
  for (const auto& res : req.resources) {
    auto& out = resp.results.emplace_back();
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (res.resource_type == resource_topic) {
      const topic_info* t = local_shard().image().find(res.resource_name);
      if (!t) {
        out.error_code = static_cast<int16_t>(error_code::unknown_topic_or_partition);
        out.error_message = ctx.keep("Topic '" + std::string(res.resource_name) + "' does not exist.");
        continue;
      }
      describe_topic(ctx, *t, req, res, out);
    } else if (res.resource_type == resource_broker) {
      if (!is_this_broker(res.resource_name)) {
        out.error_code = static_cast<int16_t>(error_code::invalid_request);
        out.error_message = ctx.keep("Unknown broker id " + std::string(res.resource_name));
        continue;
      }
      describe_broker(ctx, res, out);
    } else {
      out.error_code = static_cast<int16_t>(error_code::invalid_request);
      out.error_message = ctx.keep("Unsupported resource type " + std::to_string(res.resource_type));
    }
  }
  co_return resp;
}

io::task<codec::alter_configs_response> handle_alter_configs(request_context& ctx,
                                                             const codec::alter_configs_request& req) {
  codec::alter_configs_response resp;
  for (const auto& res : req.resources) {
    auto& out = resp.responses.emplace_back();
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (!alterable(ctx, res.resource_type, out)) continue;
    // AlterConfigs replaces the whole set of overrides (Kafka's legacy semantics).
    std::map<std::string, std::string> configs;
    for (const auto& c : res.configs)
      if (c.value) configs[std::string(c.name)] = std::string(*c.value);
    const std::string topic(res.resource_name);
    admin_result r = co_await apply(topic, configs, req.validate_only);
    set_error(ctx, out, r.error, r.message);
  }
  co_return resp;
}

io::task<codec::incremental_alter_configs_response> handle_incremental_alter_configs(
    request_context& ctx, const codec::incremental_alter_configs_request& req) {
  codec::incremental_alter_configs_response resp;
  for (const auto& res : req.resources) {
    auto& out = resp.responses.emplace_back();
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (!alterable(ctx, res.resource_type, out)) continue;
    const topic_info* t = local_shard().image().find(res.resource_name);
    if (!t) {
      set_error(ctx, out, error_code::unknown_topic_or_partition,
                "Topic '" + std::string(res.resource_name) + "' does not exist.");
      continue;
    }
    std::map<std::string, std::string> configs = t->configs;
    bool bad = false;
    for (const auto& c : res.configs) {
      const std::string key(c.name);
      switch (c.config_operation) {
        case 0:  // SET
          configs[key] = c.value ? std::string(*c.value) : "";
          break;
        case 1:  // DELETE (back to the default)
          configs.erase(key);
          break;
        case 2:    // APPEND (list configs)
        case 3: {  // SUBTRACT
          if (key != "cleanup.policy") {
            set_error(ctx, out, error_code::invalid_config, "Config value append is not allowed for config key: " + key);
            bad = true;
            break;
          }
          std::string cur = configs.count(key) ? configs[key] : default_value(broker().config, key);
          const std::string v = c.value ? std::string(*c.value) : "";
          if (c.config_operation == 2) {
            if (cur.find(v) == std::string::npos) cur = cur.empty() ? v : cur + "," + v;
          } else {
            std::string out_list, item;
            for (size_t i = 0; i <= cur.size(); ++i) {
              if (i == cur.size() || cur[i] == ',') {
                if (!item.empty() && item != v) out_list += (out_list.empty() ? "" : ",") + item;
                item.clear();
              } else {
                item += cur[i];
              }
            }
            cur = out_list;
          }
          configs[key] = cur;
          break;
        }
        default:
          set_error(ctx, out, error_code::invalid_request, "Unknown config operation");
          bad = true;
      }
      if (bad) break;
    }
    if (bad) continue;
    const std::string topic(res.resource_name);
    admin_result r = co_await apply(topic, configs, req.validate_only);
    set_error(ctx, out, r.error, r.message);
  }
  co_return resp;
}

}  // namespace ringtail::core
