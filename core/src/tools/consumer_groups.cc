// `ringtail consumer-groups`: kafka-consumer-groups.sh for classic consumer groups —
// list them, describe their offsets and lag (or members, or state), delete them, reset
// their committed offsets while they are inactive, and delete committed offsets.
#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <set>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;
using client::topic_partition;
using codec::error_code;

constexpr const char* missing = "-";  // Kafka's MISSING_COLUMN_VALUE
constexpr size_t min_column = 15;

enum class reset_scenario { none, to_earliest, to_latest, to_offset, to_datetime, shift_by, to_current };

struct groups_options {
  std::string bootstrap;
  std::string action;  // list, describe, delete, reset-offsets, delete-offsets
  std::vector<std::string> groups;
  bool all_groups = false;
  std::vector<std::string> topics;
  bool all_topics = false;
  std::string view = "offsets";             // describe: offsets, members or state
  std::optional<std::string> state_filter;  // list --state [S,...]
  reset_scenario scenario = reset_scenario::none;
  int64_t scenario_value = 0;  // offset, shift or timestamp
  bool execute = false;
  int timeout_ms = default_timeout_ms;
};

option_parser make_parser() {
  option_parser p("consumer-groups",
                  "Lists consumer groups, shows their committed offsets and lag, members or state, deletes them,\n"
                  "and rewinds or forwards their committed offsets.");
  p.value("bootstrap-server", "String: server to connect to", "REQUIRED: HOST:PORT[,HOST:PORT...] of the cluster.");
  p.flag("list", "Print the id of every consumer group.");
  p.flag("describe",
         "Show a group: per partition its committed offset, the log end and the lag (default), or\n"
         "--members, or --state.");
  p.flag("delete", "Delete the groups given (they must have no members), with their committed offsets.");
  p.flag("reset-offsets",
         "Compute new committed offsets for an inactive group; print them (--dry-run, the\n"
         "default) or commit them (--execute).");
  p.flag("delete-offsets", "Remove a group's committed offsets for the topics (or topic:partitions) given.");
  p.multi("group", "String: consumer group", "A group to act on.");
  p.flag("all-groups", "Act on every consumer group.");
  p.multi("topic", "String: topic", "A topic to reset or delete offsets for; 'topic:0,1' names partitions.");
  p.flag("all-topics", "With --reset-offsets: every partition the group has committed.");
  p.flag("to-earliest", "New offset: the log start.");
  p.flag("to-latest", "New offset: the log end.");
  p.value("to-offset", "Long: offset", "New offset: this one (kept within the log).");
  p.value("to-datetime", "String: datetime",
          "New offset: the first record at or after 'YYYY-MM-DDTHH:mm:SS.sss', optionally followed by\n"
          "'Z', '+hh:mm' or '-hh:mm' (local time without a zone).");
  p.value("shift-by", "Long: number-of-offsets", "New offset: the committed one moved by n (negative: back).");
  p.flag("to-current", "New offset: the committed one (the log end where none).");
  p.flag("dry-run", "Print the new offsets only (the default).");
  p.flag("execute", "Commit the new offsets.");
  p.flag("members", "With --describe: the members, their hosts, client ids and partition counts.");
  p.flag("offsets", "With --describe: offsets and lag per partition (the default).");
  p.optional_value("state", "String",
                   "With --describe: coordinator, assignor, state and member count. With --list:\n"
                   "add each group's state, keeping only the states listed (comma separated).",
                   "");
  p.value("timeout", "Long: timeout (ms)", "Same as --timeout-ms.");
  p.value("timeout-ms", "Integer: ms", "How long to wait for the bootstrap server and for each admin call.",
          std::to_string(default_timeout_ms));
  return p;
}

std::string check(const option_parser& p, groups_options& o) {
  const auto action = only_action(p, {"list", "describe", "delete", "reset-offsets", "delete-offsets"});
  if (!action) {
    return "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets";
  }
  o.action = *action;
  if (!p.has("bootstrap-server")) return "Missing required argument \"[bootstrap-server]\"";
  o.bootstrap = p.get("bootstrap-server");
  o.groups = p.all("group");
  o.all_groups = p.has("all-groups");
  o.topics = p.all("topic");
  o.all_topics = p.has("all-topics");
  if (o.all_groups && !o.groups.empty()) return "Option [all-groups] cannot be used with option [group]";
  const bool needs_groups = o.action == "describe" || o.action == "delete" || o.action == "reset-offsets";
  if (needs_groups && o.groups.empty() && !o.all_groups) {
    return "Option [" + o.action + "] takes one of these options: [all-groups], [group]";
  }
  if (o.action == "delete-offsets") {
    if (o.groups.size() != 1 || o.topics.empty())
      return "Option [delete-offsets] takes the following options: [topic], [group]";
  }
  if (o.action == "list" && p.has("state")) o.state_filter = p.get("state");
  if (o.action == "describe") {
    const int views =
        static_cast<int>(p.has("members")) + static_cast<int>(p.has("offsets")) + static_cast<int>(p.has("state"));
    if (views > 1) return "Option [describe] takes at most one of these options: [members], [offsets], [state]";
    if (p.has("members")) o.view = "members";
    if (p.has("state")) o.view = "state";
  }
  if (o.action == "reset-offsets") {
    if (p.has("dry-run") && p.has("execute")) return "Option [reset-offsets] only accepts one of [execute], [dry-run]";
    if (o.all_topics == !o.topics.empty()) return "One of the reset scopes should be defined: --all-topics, --topic.";
    int scenarios = 0;
    auto number = [&](const char* name, int64_t& out) -> bool {
      auto n = parse_int(p.get(name), INT64_MIN, INT64_MAX);
      if (n) out = *n;
      return n.has_value();
    };
    if (p.has("to-earliest")) ++scenarios, o.scenario = reset_scenario::to_earliest;
    if (p.has("to-latest")) ++scenarios, o.scenario = reset_scenario::to_latest;
    if (p.has("to-current")) ++scenarios, o.scenario = reset_scenario::to_current;
    if (p.has("to-offset")) {
      ++scenarios;
      o.scenario = reset_scenario::to_offset;
      if (!number("to-offset", o.scenario_value)) return "--to-offset must be an integer";
    }
    if (p.has("shift-by")) {
      ++scenarios;
      o.scenario = reset_scenario::shift_by;
      if (!number("shift-by", o.scenario_value)) return "--shift-by must be an integer";
    }
    if (p.has("to-datetime")) {
      ++scenarios;
      o.scenario = reset_scenario::to_datetime;
    }
    if (scenarios != 1) {
      return "Option [reset-offsets] takes exactly one of these options: [to-datetime], [to-earliest], [to-latest], "
             "[shift-by], [to-current], [to-offset]";
    }
    o.execute = p.has("execute");
  } else if (p.has("execute") || p.has("dry-run")) {
    return "Options [execute] and [dry-run] are only valid with [reset-offsets]";
  }
  std::string timeout = p.get("timeout-ms");
  if (p.has("timeout")) timeout = p.get("timeout");
  auto t = parse_int(timeout, 1, INT32_MAX);
  if (!t) return "--timeout must be a positive integer";
  o.timeout_ms = static_cast<int>(*t);
  return {};
}

// 'YYYY-MM-DDTHH:mm[:SS[.sss]][Z|±hh:mm|±hhmm]' → ms since the epoch (local time without
// a zone, as Kafka's Utils.getDateTime).
std::optional<int64_t> parse_datetime(const std::string& s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &year, &month, &day, &hour, &minute, &consumed) != 5) {
    return std::nullopt;
  }
  size_t at = static_cast<size_t>(consumed);
  int64_t millis = 0;
  if (at < s.size() && s[at] == ':') {
    int n = 0;
    if (std::sscanf(s.c_str() + at, ":%2d%n", &second, &n) != 1) return std::nullopt;
    at += static_cast<size_t>(n);
    if (at < s.size() && s[at] == '.') {
      ++at;
      int digits = 0;
      while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) {
        if (digits < 3) millis = millis * 10 + (s[at] - '0');
        ++digits;
        ++at;
      }
      if (digits == 0) return std::nullopt;
      for (int d = digits; d < 3; ++d) millis *= 10;
    }
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  int64_t seconds = 0;
  const std::string zone = s.substr(at);
  if (zone.empty()) {
    tm.tm_isdst = -1;
    seconds = static_cast<int64_t>(std::mktime(&tm));
  } else {
    seconds = static_cast<int64_t>(timegm(&tm));
    if (zone != "Z") {
      int zh = 0, zm = 0;
      const char sign = zone[0];
      if ((sign != '+' && sign != '-') || (std::sscanf(zone.c_str() + 1, "%2d:%2d", &zh, &zm) != 2 &&
                                           std::sscanf(zone.c_str() + 1, "%2d%2d", &zh, &zm) != 2)) {
        return std::nullopt;
      }
      const int64_t offset = (zh * 60 + zm) * 60;
      seconds += sign == '+' ? -offset : offset;
    }
  }
  return seconds * 1000 + millis;
}

// Kafka's names for the errors these commands meet.
std::string explain(const client::admin_error& e) {
  if (!e.message.empty()) return e.message;
  if (e.err.code == client::errc::kafka) {
    const std::string name(codec::to_string(static_cast<error_code>(e.err.kafka)));
    if (e.is_kafka(error_code::non_empty_group)) return name + ": The group is not empty.";
    if (e.is_kafka(error_code::group_id_not_found)) return name + ": The group id does not exist.";
    if (e.is_kafka(error_code::unknown_topic_or_partition))
      return name + ": This server does not host this topic-partition.";
  }
  return e.text();
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "\nError: %s\n", message.c_str());
}

// Kafka's wording for a command that failed because of `why` (an admin call's error).
void print_failure(const std::string& why) { print_error("Executing consumer group command failed due to " + why); }

struct offsets_row {
  std::string topic = missing;
  std::string partition = missing;
  std::string current = missing;
  std::string log_end = missing;
  std::string lag = missing;
  std::string consumer_id = missing;
  std::string host = missing;
  std::string client_id = missing;
};

// Prints the state warnings Kafka prints before a table; false when there is nothing to
// show (the group does not exist, or there are no rows).
bool announce_state(const std::string& group, const std::string& state, size_t rows, bool* missing_group) {
  if (state == "Dead") {
    print_error("Consumer group '" + group + "' does not exist.");
    *missing_group = true;
    return false;
  }
  std::fflush(stdout);
  if (state == "Empty") {
    std::fprintf(stderr, "\nConsumer group '%s' has no active members.\n", group.c_str());
  } else if (state == "PreparingRebalance" || state == "CompletingRebalance") {
    std::fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", group.c_str());
  }
  return rows > 0;
}

io::task<int> describe_offsets(client::admin& admin, const client::group_description* g, bool* missing_group) {
  auto committed = co_await admin.list_group_offsets(g->group_id);
  if (!committed) {
    print_failure(explain(committed.error()));
    co_return exit_error;
  }
  // Rows of members (most partitions first), then committed partitions nobody owns.
  std::vector<const client::group_member*> members;
  for (const auto& m : g->members) {
    if (!m.assignment.empty()) members.push_back(&m);
  }
  std::stable_sort(members.begin(), members.end(), [](const client::group_member* a, const client::group_member* b) {
    return a->assignment.size() > b->assignment.size();
  });
  std::vector<std::pair<topic_partition, const client::group_member*>> cells;
  std::set<topic_partition> assigned;
  for (const auto* m : members) {
    for (const auto& tp : m->assignment) {
      cells.emplace_back(tp, m);
      assigned.insert(tp);
    }
  }
  for (const auto& [tp, off] : *committed) {
    if (!assigned.count(tp)) cells.emplace_back(tp, nullptr);
  }
  std::vector<topic_partition> partitions;
  for (const auto& c : cells) partitions.push_back(c.first);
  client::listed_offsets ends;
  if (!partitions.empty()) {
    auto listed = co_await admin.list_offsets(partitions, client::latest_timestamp);
    if (!listed) {
      print_failure(explain(listed.error()));
      co_return exit_error;
    }
    ends = std::move(*listed);
  }
  std::vector<offsets_row> rows;
  for (const auto& [tp, m] : cells) {
    offsets_row r;
    r.topic = tp.topic;
    r.partition = std::to_string(tp.partition);
    auto c = committed->find(tp);
    auto e = ends.offsets.find(tp);
    if (c != committed->end()) r.current = std::to_string(c->second);
    if (e != ends.offsets.end() && e->second >= 0) r.log_end = std::to_string(e->second);
    if (c != committed->end() && e != ends.offsets.end() && e->second >= 0)
      r.lag = std::to_string(e->second - c->second);
    if (m) {
      r.consumer_id = m->member_id;
      r.host = m->client_host;
      r.client_id = m->client_id;
    }
    rows.push_back(std::move(r));
  }
  if (!announce_state(g->group_id, g->state, rows.size(), missing_group)) co_return exit_ok;
  size_t group_w = std::max(min_column, g->group_id.size()), topic_w = min_column, id_w = min_column,
         host_w = min_column;
  for (const auto& r : rows) {
    topic_w = std::max(topic_w, r.topic.size());
    id_w = std::max(id_w, r.consumer_id.size());
    host_w = std::max(host_w, r.host.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e, const std::string& f, const std::string& gg, const std::string& h,
                  const std::string& i) {
    std::string s = "\n" + pad(a, group_w) + " " + pad(b, topic_w) + " " + pad(c, 10) + " " + pad(d, 15) + " " +
                    pad(e, 15) + " " + pad(f, 15) + " " + pad(gg, id_w) + " " + pad(h, host_w) + " " + i;
    std::fputs(s.c_str(), stdout);
  };
  line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
  for (const auto& r : rows) {
    line(g->group_id, r.topic, r.partition, r.current, r.log_end, r.lag, r.consumer_id, r.host, r.client_id);
  }
  std::fputs("\n", stdout);
  co_return exit_ok;
}

void describe_members(const client::group_description& g, bool* missing_group) {
  size_t group_w = min_column, id_w = min_column, instance_w = 17, host_w = min_column, client_w = min_column;
  bool with_instance = false;
  if (announce_state(g.group_id, g.state, g.members.size(), missing_group)) {
    for (const auto& m : g.members) {
      group_w = std::max(group_w, g.group_id.size());
      id_w = std::max(id_w, m.member_id.size());
      instance_w = std::max(instance_w, m.group_instance_id.value_or("").size());
      host_w = std::max(host_w, m.client_host.size());
      client_w = std::max(client_w, m.client_id.size());
      with_instance = with_instance || m.group_instance_id.has_value();
    }
  }
  auto line = [&](const std::string& group, const std::string& id, const std::string& instance, const std::string& host,
                  const std::string& client_id, const std::string& count) {
    std::string s = pad(group, group_w) + " " + pad(id, id_w) + " ";
    if (with_instance) s += pad(instance, instance_w) + " ";
    s += pad(host, host_w) + " " + pad(client_id, client_w) + " " + pad(count, 15) + " ";
    std::fputs(s.c_str(), stdout);
  };
  std::fputs("\n", stdout);
  line("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
  std::fputs("\n", stdout);
  if (g.state == "Dead") return;
  for (const auto& m : g.members) {
    line(g.group_id, m.member_id, m.group_instance_id.value_or(""), m.client_host, m.client_id,
         std::to_string(m.assignment.size()));
    std::fputs("\n", stdout);
  }
}

void describe_state(const client::group_description& g, bool* missing_group) {
  if (!announce_state(g.group_id, g.state, 1, missing_group)) return;
  const std::string coordinator =
      g.coordinator.host + ":" + std::to_string(g.coordinator.port) + "  (" + std::to_string(g.coordinator.id) + ")";
  const size_t coord_w = std::max<size_t>(25, coordinator.size());
  const size_t group_w = std::max(min_column, g.group_id.size());
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                  const std::string& e) {
    std::string s = "\n" + pad(a, group_w) + " " + pad(b, coord_w) + " " + pad(c, 20) + " " + pad(d, 20) + " " + e;
    std::fputs(s.c_str(), stdout);
  };
  line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
  line(g.group_id, coordinator, g.protocol.empty() ? std::string(missing) : g.protocol, g.state,
       std::to_string(g.members.size()));
  std::fputs("\n", stdout);
}

io::task<int> list_groups(client::admin& admin, const groups_options* o) {
  auto groups = co_await admin.list_groups();
  if (!groups) {
    print_failure(explain(groups.error()));
    co_return exit_error;
  }
  if (!o->state_filter) {
    for (const auto& g : *groups) std::printf("%s\n", g.group_id.c_str());
    co_return exit_ok;
  }
  std::set<std::string> wanted;
  for (const auto& s : split(*o->state_filter, ',')) {
    std::string t = trim(s);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!t.empty()) wanted.insert(t);
  }
  std::vector<std::pair<std::string, std::string>> shown;
  for (const auto& g : *groups) {
    std::string state = g.state;
    if (state.empty()) {
      // ListGroups before v4 does not say: ask the coordinator.
      auto d = co_await admin.describe_group(g.group_id);
      state = d ? d->state : std::string("Unknown");
    }
    std::string lower = state;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!wanted.empty() && !wanted.count(lower)) continue;
    shown.emplace_back(g.group_id, state);
  }
  size_t group_w = min_column;
  for (const auto& [id, st] : shown) group_w = std::max(group_w, id.size());
  group_w += 10;
  std::printf("%s %s\n", pad("GROUP", group_w).c_str(), pad("STATE", 20).c_str());
  for (const auto& [id, st] : shown) std::printf("%s %s\n", pad(id, group_w).c_str(), pad(st, 20).c_str());
  co_return exit_ok;
}

io::task<std::vector<std::string>> target_groups(client::admin& admin, const groups_options* o, bool* failed) {
  if (!o->all_groups) co_return o->groups;
  std::vector<std::string> out;
  auto groups = co_await admin.list_groups();
  if (!groups) {
    print_failure(explain(groups.error()));
    *failed = true;
    co_return out;
  }
  for (const auto& g : *groups) out.push_back(g.group_id);
  co_return out;
}

io::task<int> describe_groups(client::admin& admin, const groups_options* o) {
  bool failed = false;
  auto groups = co_await target_groups(admin, o, &failed);
  if (failed) co_return exit_error;
  std::sort(groups.begin(), groups.end());
  bool missing_group = false;
  for (const auto& id : groups) {
    auto g = co_await admin.describe_group(id);
    if (!g) {
      print_failure(explain(g.error()));
      co_return exit_error;
    }
    if (o->view == "members") {
      describe_members(*g, &missing_group);
    } else if (o->view == "state") {
      describe_state(*g, &missing_group);
    } else {
      const client::group_description* gp = &*g;
      const int rc = co_await describe_offsets(admin, gp, &missing_group);
      if (rc != exit_ok) co_return rc;
    }
  }
  co_return missing_group ? exit_error : exit_ok;
}

io::task<int> delete_groups(client::admin& admin, const groups_options* o) {
  bool failed = false;
  auto groups = co_await target_groups(admin, o, &failed);
  if (failed) co_return exit_error;
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, std::string>> errors;
  for (const auto& id : groups) {
    auto r = co_await admin.delete_group(id);
    if (r) {
      deleted.push_back(id);
    } else {
      errors.emplace_back(id, explain(r.error()));
    }
  }
  auto quoted = [](const std::vector<std::string>& ids) {
    std::string s;
    for (const auto& id : ids) s += (s.empty() ? "'" : ", '") + id + "'";
    return s;
  };
  if (errors.empty()) {
    std::printf("Deletion of requested consumer groups (%s) was successful.\n", quoted(deleted).c_str());
    co_return exit_ok;
  }
  print_error("Deletion of some consumer groups failed:");
  for (const auto& [id, why] : errors)
    std::fprintf(stderr, "* Group '%s' could not be deleted due to: %s\n", id.c_str(), why.c_str());
  if (!deleted.empty()) std::printf("\nThese consumer groups were deleted successfully: %s\n", quoted(deleted).c_str());
  co_return exit_error;
}

// --topic "t" (every partition of t) or "t:0,1" → partitions; unknown ones are an error.
io::task<std::optional<std::vector<topic_partition>>> scope_partitions(
    client::admin& admin, const groups_options* o, const std::map<topic_partition, int64_t>* committed) {
  std::vector<topic_partition> out;
  if (o->all_topics) {
    for (const auto& [tp, off] : *committed) out.push_back(tp);
    co_return out;
  }
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    print_failure(explain(md.error()));
    co_return std::nullopt;
  }
  std::vector<std::string> unknown;
  for (const auto& arg : o->topics) {
    const size_t colon = arg.find(':');
    const std::string topic = arg.substr(0, colon);
    const client::topic_description* t = md->find(topic);
    const bool known = t && t->error == 0;
    if (colon == std::string::npos) {
      if (!known) {
        unknown.push_back(topic);
        continue;
      }
      for (const auto& p : t->partitions) out.push_back(topic_partition{topic, p.partition});
      continue;
    }
    for (const auto& s : split(std::string_view(arg).substr(colon + 1), ',')) {
      auto n = parse_int(s, 0, INT32_MAX);
      if (!n) {
        print_error("Invalid partition '" + trim(s) + "' specified in topic arg '" + arg + "'");
        co_return std::nullopt;
      }
      const topic_partition tp{topic, static_cast<int32_t>(*n)};
      const bool exists =
          known && std::any_of(t->partitions.begin(), t->partitions.end(),
                               [&](const client::partition_description& p) { return p.partition == tp.partition; });
      if (!exists) {
        unknown.push_back(tp.to_string());
        continue;
      }
      out.push_back(tp);
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ",") + u;
    print_failure("the topic-partitions \"" + list + "\" do not exist");
    co_return std::nullopt;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  co_return out;
}

// The new offset of each partition under the chosen scenario, clamped to the log as Kafka does.
io::task<std::optional<std::map<topic_partition, int64_t>>> plan_reset(
    client::admin& admin, const groups_options* o, std::vector<topic_partition> partitions,
    const std::map<topic_partition, int64_t>* committed) {
  std::map<topic_partition, int64_t> plan;
  if (partitions.empty()) co_return plan;
  auto earliest = co_await admin.list_offsets(partitions, client::earliest_timestamp);
  auto latest = co_await admin.list_offsets(partitions, client::latest_timestamp);
  if (!earliest || !latest) {
    print_failure(explain(!earliest ? earliest.error() : latest.error()));
    co_return std::nullopt;
  }
  for (const auto* l : {&*earliest, &*latest}) {
    if (!l->errors.empty()) {
      print_error("Error getting offsets of topic partition: " + l->errors.begin()->first.to_string() + ": " +
                  explain(l->errors.begin()->second));
      co_return std::nullopt;
    }
  }
  client::listed_offsets by_time;
  if (o->scenario == reset_scenario::to_datetime) {
    auto t = co_await admin.list_offsets(partitions, o->scenario_value);
    if (!t) {
      print_failure(explain(t.error()));
      co_return std::nullopt;
    }
    by_time = std::move(*t);
  }
  for (const auto& tp : partitions) {
    const int64_t lo = earliest->offsets[tp], hi = latest->offsets[tp];
    auto clamp = [&](int64_t v) { return std::clamp(v, lo, std::max(lo, hi)); };
    auto current = committed->find(tp);
    switch (o->scenario) {
      case reset_scenario::to_earliest: plan[tp] = lo; break;
      case reset_scenario::to_latest: plan[tp] = hi; break;
      case reset_scenario::to_offset: plan[tp] = clamp(o->scenario_value); break;
      case reset_scenario::shift_by:
        if (current == committed->end()) {
          print_error("Cannot shift offset for partition " + tp.to_string() +
                      " since there is no current committed offset");
          co_return std::nullopt;
        }
        plan[tp] = clamp(current->second + o->scenario_value);
        break;
      case reset_scenario::to_current: plan[tp] = current != committed->end() ? current->second : hi; break;
      case reset_scenario::to_datetime: {
        auto at = by_time.offsets.find(tp);
        if (at == by_time.offsets.end() || at->second < 0) {
          std::printf("\nWarn: Partition %d from topic %s is empty. Falling back to latest known offset.\n",
                      tp.partition, tp.topic.c_str());
          plan[tp] = hi;
        } else {
          plan[tp] = at->second;
        }
        break;
      }
      case reset_scenario::none: break;
    }
  }
  co_return plan;
}

io::task<int> reset_offsets(client::admin& admin, const groups_options* o) {
  bool failed = false;
  auto groups = co_await target_groups(admin, o, &failed);
  if (failed) co_return exit_error;
  std::sort(groups.begin(), groups.end());
  std::map<std::string, std::map<topic_partition, int64_t>> plans;
  for (const auto& id : groups) {
    auto g = co_await admin.describe_group(id);
    if (!g) {
      print_failure(explain(g.error()));
      co_return exit_error;
    }
    if (g->state != "Empty" && g->state != "Dead") {
      print_error("Assignments can only be reset if the group '" + id + "' is inactive, but the current state is " +
                  g->state + ".");
      plans[id];
      failed = true;
      continue;
    }
    auto committed = co_await admin.list_group_offsets(id);
    if (!committed) {
      print_failure(explain(committed.error()));
      co_return exit_error;
    }
    const std::map<topic_partition, int64_t>* cp = &*committed;
    auto scope = co_await scope_partitions(admin, o, cp);
    if (!scope) co_return exit_error;
    auto plan = co_await plan_reset(admin, o, std::move(*scope), cp);
    if (!plan) co_return exit_error;
    if (o->execute && !plan->empty()) {
      auto r = co_await admin.alter_group_offsets(id, *plan);
      if (!r) {
        print_failure(explain(r.error()));
        co_return exit_error;
      }
    }
    plans[id] = std::move(*plan);
  }
  size_t group_w = min_column, topic_w = min_column;
  for (const auto& [id, plan] : plans) {
    group_w = std::max(group_w, id.size());
    for (const auto& [tp, off] : plan) topic_w = std::max(topic_w, tp.topic.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::string s = "\n" + pad(a, group_w) + " " + pad(b, topic_w) + " " + pad(c, 10) + " " + d;
    std::fputs(s.c_str(), stdout);
  };
  if (!plans.empty()) line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
  for (const auto& [id, plan] : plans) {
    for (const auto& [tp, off] : plan) line(id, tp.topic, std::to_string(tp.partition), std::to_string(off));
  }
  std::fputs("\n", stdout);
  co_return failed ? exit_error : exit_ok;
}

io::task<int> delete_offsets(client::admin& admin, const groups_options* o) {
  const std::string group = o->groups.front();
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    print_failure(explain(md.error()));
    co_return exit_error;
  }
  std::vector<topic_partition> partitions;
  std::vector<std::pair<std::string, std::string>> topic_errors;  // topics that do not exist
  for (const auto& arg : o->topics) {
    const size_t colon = arg.find(':');
    const std::string topic = arg.substr(0, colon);
    if (colon != std::string::npos) {
      for (const auto& s : split(std::string_view(arg).substr(colon + 1), ',')) {
        auto n = parse_int(s, 0, INT32_MAX);
        if (!n) {
          print_error("Invalid partition '" + trim(s) + "' specified in topic arg '" + arg + "'");
          co_return exit_error;
        }
        partitions.push_back(topic_partition{topic, static_cast<int32_t>(*n)});
      }
      continue;
    }
    const client::topic_description* t = md->find(topic);
    if (!t || t->error != 0) {
      topic_errors.emplace_back(topic, "Error: This server does not host this topic-partition.");
      continue;
    }
    for (const auto& p : t->partitions) partitions.push_back(topic_partition{topic, p.partition});
  }
  client::deleted_offsets result;
  if (!partitions.empty()) {
    auto r = co_await admin.delete_group_offsets(group, partitions);
    if (!r) {
      print_failure(explain(r.error()));
      co_return exit_error;
    }
    result = std::move(*r);
  }
  bool partition_errors = !topic_errors.empty();
  for (const auto& [tp, ec] : result.partitions) partition_errors = partition_errors || ec != 0;
  if (result.error == 0 && !partition_errors) {
    std::printf("Request succeeded for deleting offsets from group %s.\n", group.c_str());
  } else if (result.error != 0 && result.error != static_cast<int16_t>(error_code::group_subscribed_to_topic) &&
             result.error != static_cast<int16_t>(error_code::unknown_topic_or_partition)) {
    print_error(explain(client::admin_error{client::error::from_kafka(result.error), {}}));
  } else {
    print_error("Encountered some partition-level error, see the follow-up details.");
  }
  size_t topic_w = min_column;
  auto status = [](int16_t ec) {
    if (ec == 0) return std::string("Successful");
    return "Error: " + explain(client::admin_error{client::error::from_kafka(ec), {}});
  };
  std::vector<std::array<std::string, 3>> table;
  for (const auto& [topic, why] : topic_errors) table.push_back({topic, missing, why});
  for (const auto& [tp, ec] : result.partitions) table.push_back({tp.topic, std::to_string(tp.partition), status(ec)});
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a[0] + a[1] < b[0] + b[1]; });
  for (const auto& r : table) topic_w = std::max(topic_w, r[0].size());
  std::string out = "\n" + pad("TOPIC", topic_w) + " " + pad("PARTITION", 10) + " " + pad("STATUS", 15);
  for (const auto& r : table) out += "\n" + pad(r[0], topic_w) + " " + pad(r[1], 10) + " " + pad(r[2], 15);
  out += "\n";
  std::fputs(out.c_str(), stdout);
  co_return (result.error == 0 && !partition_errors) ? exit_ok : exit_error;
}

io::task<int> run(client::admin& admin, const groups_options* o) {
  if (o->action == "list") co_return co_await list_groups(admin, o);
  if (o->action == "describe") co_return co_await describe_groups(admin, o);
  if (o->action == "delete") co_return co_await delete_groups(admin, o);
  if (o->action == "reset-offsets") co_return co_await reset_offsets(admin, o);
  co_return co_await delete_offsets(admin, o);
}

// check, then what needs checked options: the --to-datetime timestamp, and a warning that
// --reset-offsets without --execute is a dry run.
std::string check_command(const option_parser& p, groups_options& o) {
  if (std::string err = check(p, o); !err.empty()) return err;
  if (o.scenario == reset_scenario::to_datetime) {
    auto ts = parse_datetime(trim(p.get("to-datetime")));
    if (!ts) return "Error parsing timestamp '" + p.get("to-datetime") + "': expected YYYY-MM-DDTHH:mm:SS.sss";
    o.scenario_value = *ts;
  }
  if (o.action == "reset-offsets" && !o.execute && !p.has("dry-run")) {
    std::fprintf(stderr,
                 "WARN: No action will be performed as the --execute option is missing (a dry run is the "
                 "default; add --dry-run to say so).\n");
  }
  return {};
}

}  // namespace

int run_consumer_groups(const std::vector<std::string>& args) {
  const admin_tool<groups_options> tool{"consumer-groups", make_parser, check_command, run, print_failure};
  return run_admin_tool(tool, args);
}

}  // namespace ringtail::core::tools
