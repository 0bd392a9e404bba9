#include "ringtail/core/log/log_config.h"

#include "ringtail/core/log/errc.h"

#include <charconv>
#include <functional>
#include <sstream>
#include <vector>

namespace ringtail::core::log {

namespace {

std::optional<int64_t> parse_long(const std::string& v) {
  int64_t out = 0;
  const char* end = v.data() + v.size();
  auto [p, ec] = std::from_chars(v.data(), end, out);
  if (ec != std::errc{} || p != end || v.empty()) return std::nullopt;
  return out;
}

std::optional<double> parse_double(const std::string& v) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used != v.size()) return std::nullopt;
    return d;
  } catch (...) {
    return std::nullopt;
  }
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(v);
  while (std::getline(in, cur, ',')) {
    const auto b = cur.find_first_not_of(' ');
    const auto e = cur.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? std::string() : cur.substr(b, e - b + 1));
  }
  return out;
}

using setter = std::function<std::optional<std::string>(log_config*, const std::string&)>;

// An integer in [lo, hi]; applies it with `apply` (nullptr: validated only).
template <typename T>
setter integer(int64_t lo, int64_t hi, T log_config::*field) {
  return [lo, hi, field](log_config* c, const std::string& v) -> std::optional<std::string> {
    auto n = parse_long(v);
    if (!n || *n < lo || *n > hi) {
      if (hi == std::numeric_limits<int64_t>::max() || hi == std::numeric_limits<int32_t>::max())
        return "must be an integer >= " + std::to_string(lo) + ", got '" + v + "'";
      return "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + v + "'";
    }
    if (c && field) c->*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

setter validated_integer(int64_t lo, int64_t hi) { return integer<int64_t>(lo, hi, nullptr); }

setter one_of(std::vector<std::string> allowed, std::function<void(log_config*, const std::string&)> apply) {
  return [allowed, apply](log_config* c, const std::string& v) -> std::optional<std::string> {
    for (const auto& a : allowed) {
      if (a == v) {
        if (c && apply) apply(c, v);
        return std::nullopt;
      }
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return "must be one of [" + list + "], got '" + v + "'";
  };
}

setter boolean() { return one_of({"true", "false"}, nullptr); }

const std::map<std::string, setter>& topic_configs() {
  constexpr int64_t i32max = std::numeric_limits<int32_t>::max();
  constexpr int64_t i64max = std::numeric_limits<int64_t>::max();
  static const std::map<std::string, setter> table = {
      {"segment.bytes", integer<int32_t>(segment_bytes_min, i32max, &log_config::segment_bytes)},
      {"segment.ms", integer<int64_t>(1, i64max, &log_config::roll_ms)},
      {"segment.jitter.ms", validated_integer(0, i64max)},
      {"segment.index.bytes", integer<int32_t>(4, i32max, &log_config::index_size_max_bytes)},
      {"index.interval.bytes", integer<int32_t>(0, i32max, &log_config::index_interval_bytes)},
      {"retention.ms", integer<int64_t>(-1, i64max, &log_config::retention_ms)},
      {"retention.bytes", integer<int64_t>(std::numeric_limits<int64_t>::min(), i64max, &log_config::retention_bytes)},
      {"flush.messages", integer<int64_t>(1, i64max, &log_config::flush_messages)},
      {"flush.ms", integer<int64_t>(0, i64max, &log_config::flush_ms)},
      {"max.message.bytes", integer<int32_t>(0, i32max, &log_config::max_message_bytes)},
      {"min.insync.replicas", integer<int32_t>(1, i32max, &log_config::min_insync_replicas)},
      {"message.timestamp.type", one_of({"CreateTime", "LogAppendTime"},
                                        [](log_config* c, const std::string& v) {
                                          c->message_timestamp_type = v == "LogAppendTime"
                                                                          ? codec::timestamp_type::log_append_time
                                                                          : codec::timestamp_type::create_time;
                                        })},
      {"compression.type", one_of({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
                                  [](log_config* c, const std::string& v) { c->compression_type = v; })},
      {"cleanup.policy",
       [](log_config* c, const std::string& v) -> std::optional<std::string> {
         bool del = false, compact = false;
         for (const auto& p : split_list(v)) {
           if (p == "delete") del = true;
           else if (p == "compact") compact = true;
           else return "must be a list of [compact, delete], got '" + v + "'";
         }
         if (c) {
           c->cleanup_policy_delete = del;
           c->cleanup_policy_compact = compact;
         }
         return std::nullopt;
       }},
      {"delete.retention.ms", validated_integer(0, i64max)},
      {"file.delete.delay.ms", validated_integer(0, i64max)},
      {"min.compaction.lag.ms", validated_integer(0, i64max)},
      {"max.compaction.lag.ms", validated_integer(1, i64max)},
      {"message.timestamp.difference.max.ms", validated_integer(0, i64max)},
      {"message.timestamp.before.max.ms", validated_integer(0, i64max)},
      {"message.timestamp.after.max.ms", validated_integer(0, i64max)},
      {"min.cleanable.dirty.ratio",
       [](log_config*, const std::string& v) -> std::optional<std::string> {
         auto d = parse_double(v);
         if (!d || *d < 0 || *d > 1) return "must be a number in [0, 1], got '" + v + "'";
         return std::nullopt;
       }},
      {"preallocate", boolean()},
      {"unclean.leader.election.enable", boolean()},
      {"message.downconversion.enable", boolean()},
  };
  (void)i32max;
  return table;
}

}  // namespace

ringtail::result<void, std::string> validate_topic_config(const std::string& key, const std::string& value) {
  const auto& t = topic_configs();
  auto it = t.find(key);
  if (it == t.end()) return unexpected{std::string(key + ": unknown topic config")};
  if (auto err = it->second(nullptr, value)) return unexpected{std::string(key + ": " + *err)};
  return {};
}

log_config log_config_from_broker(const broker_config& b) {
  log_config c;
  c.segment_bytes = b.log_segment_bytes;
  c.roll_ms = b.log_roll_ms;
  c.index_interval_bytes = b.log_index_interval_bytes;
  c.index_size_max_bytes = b.log_index_size_max_bytes;
  c.retention_ms = b.log_retention_ms;  // config.cc already applied ms > minutes > hours
  c.retention_bytes = b.log_retention_bytes;
  c.flush_messages = b.log_flush_interval_messages;
  // Kafka: log.flush.interval.ms unset falls back to log.flush.scheduler.interval.ms.
  c.flush_ms = b.log_flush_interval_ms >= 0 ? b.log_flush_interval_ms : b.log_flush_scheduler_interval_ms;
  c.message_timestamp_type = b.log_message_timestamp_type == "LogAppendTime" ? codec::timestamp_type::log_append_time
                                                                            : codec::timestamp_type::create_time;
  c.max_message_bytes = b.message_max_bytes;
  c.compression_type = b.compression_type;
  return c;
}

ringtail::result<log_config, std::string> make_log_config(const broker_config& broker,
                                                const std::map<std::string, std::string>& topic_overrides) {
  log_config c = log_config_from_broker(broker);
  const auto& t = topic_configs();
  for (const auto& [key, value] : topic_overrides) {
    auto it = t.find(key);
    if (it == t.end()) return unexpected{std::string(key + ": unknown topic config")};
    if (auto err = it->second(&c, value)) return unexpected{std::string(key + ": " + *err)};
  }
  return c;
}

std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::offset_out_of_range: return "offset out of range";
    case errc::invalid_batch: return "invalid record batch";
    case errc::batch_too_large: return "record batch too large for the segment";
    case errc::storage_error: return "storage error";
    case errc::no_space: return "no space left on device";
    case errc::log_failed: return "log failed (reopen to recover)";
    case errc::corrupt: return "corrupt log";
    case errc::closed: return "log closed";
    case errc::invalid_config: return "invalid log config";
    case errc::not_admitted: return "append not admitted";
  }
  return "unknown";
}

}  // namespace ringtail::core::log
