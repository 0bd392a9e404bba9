// `ringtail console-consumer`: kafka-console-consumer.sh — prints the records of a topic
// (or of the topics an --include regex matches) to stdout with Kafka's default message
// formatter, alone (assigning partitions) or as a member of a group, until
// --max-messages, --timeout-ms of silence, or Ctrl-C; then "Processed a total of N
// messages" on stderr. With a group, the offsets of the records printed are committed
// on the way out (records fetched but not printed are not).
#include <algorithm>
#include <cstdio>
#include <map>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/client/consumer.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;

constexpr auto poll_interval = std::chrono::milliseconds(200);

struct formatter_options {
  bool print_timestamp = false;
  bool print_key = false;
  bool print_value = true;
  bool print_partition = false;
  bool print_offset = false;
  bool print_headers = false;
  std::string key_separator = "\t";
  std::string line_separator = "\n";
  std::string headers_separator = ",";
  std::string null_literal = "null";
};

struct consumer_options {
  std::string bootstrap;
  std::optional<std::string> topic;
  std::optional<std::string> include;
  std::optional<int32_t> partition;
  int64_t offset = client::offset_end;  // with --partition
  bool from_beginning = false;
  std::optional<std::string> group;
  int64_t max_messages = -1;
  int64_t idle_timeout_ms = -1;
  formatter_options format;
  client::consumer_config consumer;
  std::string client_id = "console-consumer";
  int timeout_ms = default_timeout_ms;
};

option_parser make_parser() {
  option_parser p("console-consumer", "Prints the records of a topic on stdout.");
  p.value("bootstrap-server", "String: server to connect to", "REQUIRED: HOST:PORT[,HOST:PORT...] of the cluster.");
  p.value("topic", "String: topic", "The topic to read.");
  p.value("include", "String: regex", "Instead of --topic: every topic this regular expression matches.");
  p.value("partition", "Integer: partition",
          "Read only this partition, from its end unless --offset or --from-beginning.");
  p.value("offset", "String: consume offset", "With --partition: earliest, latest or an offset.", "latest");
  p.flag("from-beginning", "Start at the log start where no committed offset says otherwise (else: the end).");
  p.value("group", "String: consumer group id", "Read as a member of this group, committing what was printed.");
  p.value("max-messages", "Integer: num_messages", "Stop after printing this many records (default: never).");
  p.value("timeout-ms", "Long: timeout_ms",
          "Stop when no record arrives for this long; also how long an unreachable bootstrap server is\n"
          "waited for (15000 ms without it).");
  p.multi("property", "String: prop",
          "Output format: print.timestamp, print.key, print.offset, print.partition, print.headers,\n"
          "print.value (true|false), key.separator, line.separator, headers.separator, null.literal.");
  p.multi("formatter-property", "String: prop", "Same as --property.");
  p.multi("consumer-property", "String: consumer_prop",
          "A consumer config, key=value (group.id, auto.offset.reset, …).");
  p.multi("command-property", "String: consumer_prop", "Same as --consumer-property.");
  p.value("consumer.config", "String: config file",
          "A .properties file of consumer configs (--consumer-property wins).");
  p.value("command-config", "String: config file", "Same as --consumer.config.");
  p.value("isolation-level", "String",
          "read_committed hides the records of aborted transactions; read_uncommitted\n"
          "shows every record.",
          "read_uncommitted");
  p.flag("skip-message-on-error", "Accepted for compatibility (printing a record cannot fail here).");
  return p;
}

std::string apply_consumer_property(consumer_options& o, const std::string& key, const std::string& value) {
  auto number = [&](int64_t lo, int64_t hi) -> std::optional<int64_t> { return parse_int(value, lo, hi); };
  auto& c = o.consumer;
  if (key == "group.id") {
    if (o.group && *o.group != value) {
      return "The group ids provided in different places (directly using '--group', via '--consumer-property', or via "
             "'--consumer.config') do not match. Detected group ids: '" +
             *o.group + "', '" + value + "'";
    }
    o.group = value;
  } else if (key == "auto.offset.reset") {
    if (value == "earliest") c.auto_offset_reset = client::offset_reset::earliest;
    else if (value == "latest") c.auto_offset_reset = client::offset_reset::latest;
    else if (value == "none") c.auto_offset_reset = client::offset_reset::none;
    else return "Invalid value " + value + " for configuration auto.offset.reset";
  } else if (key == "isolation.level") {
    if (value == "read_committed") c.isolation_level = client::isolation_read_committed;
    else if (value == "read_uncommitted") c.isolation_level = client::isolation_read_uncommitted;
    else return "Invalid value " + value + " for configuration isolation.level";
  } else if (key == "client.id") {
    o.client_id = value;
  } else if (key == "enable.auto.commit") {
    c.enable_auto_commit = parse_bool(value);
  } else {
    struct numeric {
      const char* name;
      int64_t lo, hi;
    };
    static constexpr numeric numerics[] = {
        {"fetch.min.bytes", 0, INT32_MAX},           {"fetch.max.wait.ms", 0, INT32_MAX},
        {"max.partition.fetch.bytes", 1, INT32_MAX}, {"fetch.max.bytes", 1, INT32_MAX},
        {"session.timeout.ms", 1, INT32_MAX},        {"heartbeat.interval.ms", 1, INT32_MAX},
        {"max.poll.interval.ms", 1, INT32_MAX},      {"auto.commit.interval.ms", 1, INT32_MAX},
    };
    for (const auto& n : numerics) {
      if (key != n.name) continue;
      auto v = number(n.lo, n.hi);
      if (!v) return "Invalid value " + value + " for configuration " + key;
      const auto i = static_cast<int32_t>(*v);
      if (key == "fetch.min.bytes") c.fetch_min_bytes = i;
      if (key == "fetch.max.wait.ms") c.fetch_max_wait_ms = i;
      if (key == "max.partition.fetch.bytes") c.max_partition_fetch_bytes = i;
      if (key == "fetch.max.bytes") c.fetch_max_bytes = i;
      if (key == "session.timeout.ms") c.session_timeout_ms = i;
      if (key == "heartbeat.interval.ms") c.heartbeat_interval_ms = i;
      if (key == "max.poll.interval.ms") c.rebalance_timeout_ms = i;
      if (key == "auto.commit.interval.ms") c.auto_commit_interval_ms = i;
      return {};
    }
    std::fprintf(stderr, "WARN The configuration '%s' was supplied but isn't a known config.\n", key.c_str());
  }
  return {};
}

std::string apply_format_property(formatter_options& f, const std::string& key, const std::string& value) {
  if (key == "print.timestamp") f.print_timestamp = parse_bool(value);
  else if (key == "print.key") f.print_key = parse_bool(value);
  else if (key == "print.value") f.print_value = parse_bool(value);
  else if (key == "print.partition") f.print_partition = parse_bool(value);
  else if (key == "print.offset") f.print_offset = parse_bool(value);
  else if (key == "print.headers") f.print_headers = parse_bool(value);
  else if (key == "key.separator") f.key_separator = value;
  else if (key == "line.separator") f.line_separator = value;
  else if (key == "headers.separator") f.headers_separator = value;
  else if (key == "null.literal") f.null_literal = value;
  return {};
}

std::string check(const option_parser& p, consumer_options& o) {
  if (p.has("topic")) o.topic = p.get("topic");
  if (p.has("include")) o.include = p.get("include");
  if (o.topic.has_value() == o.include.has_value()) return "Exactly one of --include/--topic is required.";
  if (p.has("partition")) {
    auto n = parse_int(p.get("partition"), 0, INT32_MAX);
    if (!n) return "--partition must be a non-negative integer";
    o.partition = static_cast<int32_t>(*n);
    if (!o.topic) return "The topic is required when partition is specified.";
    if (p.has("from-beginning") && p.has("offset"))
      return "Options from-beginning and offset cannot be specified together.";
  } else if (p.has("offset")) {
    return "The partition is required when offset is specified.";
  }
  if (!p.has("bootstrap-server")) return "Missing required argument \"[bootstrap-server]\"";
  o.bootstrap = p.get("bootstrap-server");
  o.from_beginning = p.has("from-beginning");
  if (p.has("offset")) {
    const std::string v = trim(p.get("offset"));
    if (v == "earliest") {
      o.offset = client::offset_beginning;
    } else if (v == "latest") {
      o.offset = client::offset_end;
    } else if (auto n = parse_int(v, 0, INT64_MAX)) {
      o.offset = *n;
    } else {
      return "The provided offset value is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.";
    }
  } else {
    o.offset = o.from_beginning ? client::offset_beginning : client::offset_end;
  }
  if (p.has("group")) o.group = p.get("group");
  std::map<std::string, std::string> props;
  const std::string props_error = collect_properties(p, {"consumer.config", "command-config"},
                                                     {"consumer-property", "command-property"}, "consumer", props);
  if (!props_error.empty()) return props_error;
  // auto.offset.reset follows --from-beginning unless a property says otherwise.
  o.consumer.auto_offset_reset = o.from_beginning ? client::offset_reset::earliest : client::offset_reset::latest;
  for (const auto& [k, v] : props) {
    if (auto e = apply_consumer_property(o, k, v); !e.empty()) return e;
  }
  if (o.group && o.partition) return "Options group and partition cannot be specified together.";
  const std::string isolation = trim(p.get("isolation-level"));
  if (p.has("isolation-level")) {
    if (isolation == "read_committed") {
      o.consumer.isolation_level = client::isolation_read_committed;
    } else if (isolation == "read_uncommitted") {
      o.consumer.isolation_level = client::isolation_read_uncommitted;
    } else {
      return "Invalid value " + isolation + " for --isolation-level: read_committed or read_uncommitted";
    }
  }
  std::vector<std::pair<std::string, std::string>> format_props;
  const std::string format_error =
      collect_raw_properties(p, {"property", "formatter-property"}, "formatter", format_props);
  if (!format_error.empty()) return format_error;
  for (const auto& [k, v] : format_props) {
    if (auto e = apply_format_property(o.format, k, v); !e.empty()) return e;
  }
  if (p.has("max-messages")) {
    auto n = parse_int(p.get("max-messages"), INT32_MIN, INT32_MAX);
    if (!n) return "--max-messages must be an integer";
    o.max_messages = *n < 0 ? -1 : *n;
  }
  if (p.has("timeout-ms")) {
    auto n = parse_int(p.get("timeout-ms"), INT64_MIN, INT64_MAX);
    if (!n) return "--timeout-ms must be an integer";
    if (*n >= 0) {
      o.idle_timeout_ms = *n;
      o.timeout_ms = static_cast<int>(std::clamp<int64_t>(*n, 1, INT32_MAX));
    }
  }
  return {};
}

// Kafka's DefaultMessageFormatter: [timestamp] [partition] [offset] [headers] [key] value,
// separated by key.separator, ended by line.separator.
class printer final : public client::record_handler {
 public:
  printer(const formatter_options& f, int64_t max_messages) : f_(f), max_(max_messages) {}

  void on_record(const client::consumed_record& r) override {
    if (max_ >= 0 && count_ >= max_) {
      // Fetched but not printed: remember where to resume (and what to commit).
      unprinted_.try_emplace(std::make_pair(std::string(r.topic), r.partition), r.offset);
      return;
    }
    ++count_;
    bool first = true;
    auto column = [&](std::string_view text) {
      if (!first) out_ += f_.key_separator;
      first = false;
      out_.append(text);
    };
    auto bytes = [&](const std::optional<std::span<const std::byte>>& b) {
      return b ? std::string_view(reinterpret_cast<const char*>(b->data()), b->size())
               : std::string_view(f_.null_literal);
    };
    if (f_.print_timestamp) {
      const char* type = r.timestamp_type == codec::timestamp_type::log_append_time ? "LogAppendTime" : "CreateTime";
      column(std::string(type) + ":" + std::to_string(r.timestamp_ms));
    }
    if (f_.print_partition) column("Partition:" + std::to_string(r.partition));
    if (f_.print_offset) column("Offset:" + std::to_string(r.offset));
    if (f_.print_headers) {
      std::string h;
      codec::record_header_view hv;
      auto reader = r.headers;
      bool any = false;
      while (reader.next(hv)) {
        if (any) h += f_.headers_separator;
        any = true;
        h.append(hv.key);
        h += ":";
        h.append(bytes(hv.value));
      }
      column(any ? h : std::string("NO_HEADERS"));
    }
    if (f_.print_key) column(bytes(r.key));
    if (f_.print_value) column(bytes(r.value));
    if (!first) out_ += f_.line_separator;
  }

  // Writes what was formatted; false once stdout is gone (a closed pipe).
  bool flush() {
    if (!out_.empty()) {
      std::fwrite(out_.data(), 1, out_.size(), stdout);
      out_.clear();
    }
    std::fflush(stdout);
    return !std::ferror(stdout);
  }

  int64_t count() const noexcept { return count_; }
  bool done() const noexcept { return max_ >= 0 && count_ >= max_; }
  const std::map<std::pair<std::string, int32_t>, int64_t>& unprinted() const noexcept { return unprinted_; }

 private:
  const formatter_options& f_;
  int64_t max_;
  int64_t count_ = 0;
  std::string out_;
  std::map<std::pair<std::string, int32_t>, int64_t> unprinted_;
};

// The topics to read: --topic (which must exist) or every non-internal topic --include matches.
io::task<std::optional<std::vector<client::topic_description>>> resolve_topics(client::admin& admin,
                                                                               const consumer_options* o) {
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    std::fprintf(stderr, "ERROR cannot read the cluster's metadata: %s\n", md.error().text().c_str());
    co_return std::nullopt;
  }
  std::vector<client::topic_description> out;
  if (o->topic) {
    const client::topic_description* t = md->find(*o->topic);
    if (!t || t->error != 0) {
      std::fprintf(stderr, "ERROR topic '%s' does not exist\n", o->topic->c_str());
      co_return std::nullopt;
    }
    if (o->partition && *o->partition >= static_cast<int32_t>(t->partitions.size())) {
      std::fprintf(stderr, "ERROR partition %d of topic '%s' does not exist (it has %zu)\n", *o->partition,
                   o->topic->c_str(), t->partitions.size());
      co_return std::nullopt;
    }
    out.push_back(*t);
    co_return out;
  }
  auto filter = topic_pattern::compile(*o->include);
  if (!filter) {
    std::fprintf(stderr, "ERROR invalid --include regular expression '%s'\n", o->include->c_str());
    co_return std::nullopt;
  }
  for (const auto& t : md->topics) {
    if (t.error == 0 && !t.internal && filter->matches(t.name)) out.push_back(t);
  }
  if (out.empty()) {
    std::fprintf(stderr, "ERROR no topic matches --include '%s'\n", o->include->c_str());
    co_return std::nullopt;
  }
  co_return out;
}

io::task<int> consume(client::cluster& c, client::consumer& con, tool_context* ctx, const consumer_options* o,
                      printer* out) {
  client::admin admin(c, o->timeout_ms);
  auto topics = co_await resolve_topics(admin, o);
  if (!topics) co_return exit_error;
  if (o->group) {
    std::vector<std::string> names;
    for (const auto& t : *topics) names.push_back(t.name);
    auto r = co_await con.subscribe(std::move(names));
    if (!r) {
      std::fprintf(stderr, "ERROR cannot join group '%s': %s\n", o->group->c_str(), r.error().message().c_str());
      co_return exit_error;
    }
  } else {
    std::vector<client::topic_partition_offset> assignment;
    for (const auto& t : *topics) {
      for (const auto& p : t.partitions) {
        if (o->partition && p.partition != *o->partition) continue;
        assignment.push_back(client::topic_partition_offset{t.name, p.partition, o->offset});
      }
    }
    auto r = co_await con.assign(std::move(assignment));
    if (!r) {
      std::fprintf(stderr, "ERROR cannot assign partitions: %s\n", r.error().message().c_str());
      co_return exit_error;
    }
  }
  auto last_record = io::clock::now();
  while (!ctx->interrupted && !out->done()) {
    const int64_t before = out->count();
    auto r = co_await con.poll(*out, poll_interval);
    if (!out->flush()) {
      std::fprintf(stderr, "Unable to write to standard out, closing consumer.\n");
      break;
    }
    if (!r) {
      std::fprintf(stderr, "ERROR Error processing message, terminating consumer process: %s\n",
                   r.error().message().c_str());
      break;  // as Kafka: the consumer closes and the count is still reported
    }
    if (out->count() > before) {
      last_record = io::clock::now();
    } else if (o->idle_timeout_ms >= 0 &&
               io::clock::now() - last_record > std::chrono::milliseconds(o->idle_timeout_ms)) {
      std::fprintf(stderr, "ERROR Error processing message, terminating consumer process: no message for %lld ms\n",
                   static_cast<long long>(o->idle_timeout_ms));
      break;
    }
  }
  // Records fetched but not printed go back, so a group commits only what was printed.
  for (const auto& [tp, offset] : out->unprinted()) (void)co_await con.seek(tp.first, tp.second, offset);
  co_return exit_ok;
}

client::client_config consumer_client_config(const consumer_options& o) {
  client::client_config cc = tool_client_config(o.bootstrap, o.client_id, o.timeout_ms);
  // A JoinGroup may wait up to the rebalance timeout for the other members: Kafka's
  // consumer gives it that much plus a margin, whatever request.timeout.ms says.
  cc.connection.request_timeout_ms =
      std::max(cc.connection.request_timeout_ms, o.consumer.rebalance_timeout_ms + 5'000);
  return cc;
}

io::task<int> consume_connected(client::cluster& c, tool_context* ctx, const consumer_options* o, printer* out) {
  client::consumer_config cfg = o->consumer;
  cfg.group_id = o->group.value_or("");
  client::consumer con(c, cfg);
  const int rc = co_await consume(c, con, ctx, o, out);
  co_await con.close();
  co_return rc;
}

void print_error(const std::string& message) { std::fprintf(stderr, "ERROR %s\n", message.c_str()); }

io::task<int> consumer_main(tool_context* ctx, const consumer_options* o) {
  client::cluster c(consumer_client_config(*o));
  printer out(o->format, o->max_messages);
  printer* outp = &out;
  auto body = [ctx, o, outp](client::cluster& connected) { return consume_connected(connected, ctx, o, outp); };
  const int rc = co_await run_connected(c, o->bootstrap, o->timeout_ms, print_error, body);
  (void)out.flush();
  if (rc == exit_ok) std::fprintf(stderr, "Processed a total of %lld messages\n", static_cast<long long>(out.count()));
  co_return rc;
}

}  // namespace

int run_console_consumer(const std::vector<std::string>& args) {
  option_parser p = make_parser();
  consumer_options o;
  auto check_into = [&o](const option_parser& parsed) { return check(parsed, o); };
  if (auto stop = read_command_line(p, args, no_arguments::check, check_into)) return *stop;
  const consumer_options* op = &o;
  return run_tool("console-consumer", [op](tool_context& ctx) {
    // Ctrl-C ends the poll loop (the runner sets ctx.interrupted); the consumer then
    // closes, commits and the count is printed.
    ctx.on_interrupt = [] {};
    return consumer_main(&ctx, op);
  });
}

}  // namespace ringtail::core::tools
