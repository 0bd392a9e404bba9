// `ringtail get-offsets`: kafka-get-offsets.sh — the offset of each matching partition
// at a time (earliest, latest, or the first record at/after a timestamp), printed as
// "topic:partition:offset".
#include <algorithm>
#include <cstdio>
#include <set>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;

constexpr const char* error_prefix = "Error occurred: ";

void print_error(const std::string& message) { std::fprintf(stderr, "%s%s\n", error_prefix, message.c_str()); }

// Command-line errors are worded like the others, without usage_error's pointer to --help
// (as kafka-get-offsets.sh).
int report_usage_error(const option_parser&, const std::string& message) {
  print_error(message);
  return exit_error;
}

// One rule of --topic-partitions: a topic regex (empty: any) and a partition range
// [lo, hi) (Kafka's "N", "N-M", "N-", "-M", or nothing for all).
struct partition_rule {
  std::optional<topic_pattern> topic;
  int32_t lo = 0;
  int32_t hi = INT32_MAX;
};

struct offsets_options {
  std::string bootstrap;
  std::vector<partition_rule> rules;   // a partition matches if any rule does
  std::optional<topic_pattern> topic;  // --topic (with --partitions)
  std::optional<std::string> topic_text;
  std::set<int32_t> partitions;  // --partitions; empty: all
  bool use_rules = false;
  bool exclude_internal = false;
  int64_t time = client::latest_timestamp;
  int timeout_ms = default_timeout_ms;
};

option_parser make_parser() {
  option_parser p("get-offsets", "Prints the offset of each partition at a time, as topic:partition:offset.");
  p.value("bootstrap-server", "String: HOST1:PORT1,...,HOST3:PORT3", "REQUIRED: the cluster's bootstrap servers.");
  p.value("topic", "String: topic", "The topics (a regular expression matching whole names); every topic without it.");
  p.value("partitions", "String: partition ids", "Partition ids, comma separated; every partition without it.");
  p.value("topic-partitions", "String: topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3",
          "Instead of --topic/--partitions, comma separated rules: a topic regular expression (empty: any),\n"
          "then optionally ':' and a partition N, a range N-M (M excluded), N- or -M.");
  p.value("time", "String: <timestamp> / -1 or latest / -2 or earliest",
          "latest, earliest, or a timestamp in ms: the first offset whose record is at or after it\n"
          "(partitions without such a record are left out).",
          "latest");
  p.flag("exclude-internal-topics", "Leave internal topics out.");
  p.value("timeout-ms", "Integer: ms", "How long to wait for the bootstrap server and for each admin call.",
          std::to_string(default_timeout_ms));
  return p;
}

std::string parse_rule(const std::string& spec, partition_rule& rule) {
  const size_t colon = spec.find(':');
  const std::string topic = spec.substr(0, colon);
  if (!topic.empty()) {
    rule.topic = topic_pattern::compile(topic);
    if (!rule.topic) return "Invalid topic regular expression '" + topic + "'";
  }
  if (colon == std::string::npos) return {};
  const std::string range = spec.substr(colon + 1);
  if (range.empty()) return {};
  const size_t dash = range.find('-');
  auto num = [](const std::string& s) { return parse_int(s, 0, INT32_MAX); };
  if (dash == std::string::npos) {
    auto n = num(range);
    if (!n) return "Invalid partition '" + range + "' in '" + spec + "'";
    rule.lo = static_cast<int32_t>(*n);
    rule.hi = static_cast<int32_t>(*n + 1);
    return {};
  }
  const std::string a = range.substr(0, dash), b = range.substr(dash + 1);
  if (a.empty() && b.empty()) return "Invalid partition range in '" + spec + "'";
  if (!a.empty()) {
    auto n = num(a);
    if (!n) return "Invalid partition range in '" + spec + "'";
    rule.lo = static_cast<int32_t>(*n);
  }
  if (!b.empty()) {
    auto n = num(b);
    if (!n) return "Invalid partition range in '" + spec + "'";
    rule.hi = static_cast<int32_t>(*n);
  }
  return {};
}

std::string check(const option_parser& p, offsets_options& o) {
  if (!p.has("bootstrap-server")) return "Missing required argument \"[bootstrap-server]\"";
  o.bootstrap = p.get("bootstrap-server");
  if (!client::parse_bootstrap(o.bootstrap)) return "Please provide valid host:port like host1:9091,host2:9092";
  if (p.has("topic-partitions") && (p.has("topic") || p.has("partitions"))) {
    return "--topic-partitions cannot be used with --topic or --partitions";
  }
  if (p.has("topic-partitions")) {
    o.use_rules = true;
    for (const auto& spec : split(p.get("topic-partitions"), ',')) {
      partition_rule r;
      if (auto e = parse_rule(trim(spec), r); !e.empty()) return e;
      o.rules.push_back(std::move(r));
    }
  }
  if (p.has("topic")) {
    o.topic = topic_pattern::compile(p.get("topic"));
    o.topic_text = p.get("topic");
    if (!o.topic) return "Invalid topic regular expression '" + p.get("topic") + "'";
  }
  if (p.has("partitions")) {
    for (const auto& s : split(p.get("partitions"), ',')) {
      auto n = parse_int(s, 0, INT32_MAX);
      if (!n) return "Invalid partition id '" + trim(s) + "'";
      o.partitions.insert(static_cast<int32_t>(*n));
    }
  }
  const std::string t = trim(p.get("time"));
  if (t == "latest" || t == "-1") {
    o.time = client::latest_timestamp;
  } else if (t == "earliest" || t == "-2") {
    o.time = client::earliest_timestamp;
  } else if (t == "max-timestamp" || t == "-3") {
    return "--time max-timestamp needs ListOffsets v7, which this client does not speak";
  } else if (auto n = parse_int(t, 0, INT64_MAX)) {
    o.time = *n;
  } else {
    return "Malformed time argument " + t + ". Please use -1 or latest / -2 or earliest, or a timestamp in ms";
  }
  auto to = parse_int(p.get("timeout-ms"), 1, INT32_MAX);
  if (!to) return "--timeout-ms must be a positive integer";
  o.timeout_ms = static_cast<int>(*to);
  o.exclude_internal = p.has("exclude-internal-topics");
  return {};
}

bool wanted(const offsets_options& o, const std::string& topic, int32_t partition) {
  if (o.use_rules) {
    for (const auto& r : o.rules) {
      if ((!r.topic || r.topic->matches(topic)) && partition >= r.lo && partition < r.hi) return true;
    }
    return false;
  }
  if (o.topic && !o.topic->matches(topic)) return false;
  return o.partitions.empty() || o.partitions.count(partition) > 0;
}

io::task<int> run(client::admin& admin, const offsets_options* o) {
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    print_error(md.error().text());
    co_return exit_error;
  }
  std::vector<client::topic_partition> partitions;
  for (const auto& t : md->topics) {
    if (t.error != 0 || (o->exclude_internal && t.internal)) continue;
    for (const auto& p : t.partitions) {
      if (wanted(*o, t.name, p.partition)) partitions.push_back(client::topic_partition{t.name, p.partition});
    }
  }
  if (partitions.empty()) {
    // Kafka's message, plus what was asked for so an unknown topic is named.
    std::string asked;
    if (o->topic_text) asked = ": no topic matches '" + *o->topic_text + "'";
    std::fprintf(stderr, "%sCould not match any topic-partitions with the specified filters%s\n", error_prefix,
                 asked.c_str());
    co_return exit_error;
  }
  auto listed = co_await admin.list_offsets(partitions, o->time);
  if (!listed) {
    print_error(listed.error().text());
    co_return exit_error;
  }
  for (const auto& [tp, e] : listed->errors) {
    std::fprintf(stderr, "Skip getting offsets for topic-partition %s due to error: %s\n", tp.to_string().c_str(),
                 e.text().c_str());
  }
  // Kafka orders the lines by TopicPartition.toString() ("t-10" before "t-2").
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [tp, offset] : listed->offsets) {
    if (offset < 0) continue;  // no record at or after the time
    lines.emplace_back(tp.to_string(), tp.topic + ":" + std::to_string(tp.partition) + ":" + std::to_string(offset));
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& [key, line] : lines) std::printf("%s\n", line.c_str());
  co_return exit_ok;
}

}  // namespace

int run_get_offsets(const std::vector<std::string>& args) {
  const admin_tool<offsets_options> tool{"get-offsets", make_parser, check, run, print_error, report_usage_error};
  return run_admin_tool(tool, args);
}

}  // namespace ringtail::core::tools
