// `ringtail configs`: kafka-configs.sh for topics and brokers — describe the dynamic (or,
// with --all, every) config of an entity with its synonyms, and alter it with
// IncrementalAlterConfigs (AlterConfigs for brokers that predate it).
#include <algorithm>
#include <cstdio>

#include "ringtail/core/client/admin.h"
#include "ringtail/core/tools/options.h"
#include "ringtail/core/tools/runner.h"
#include "ringtail/core/tools/tools.h"

namespace ringtail::core::tools {

namespace {

namespace client = core::client;

constexpr const char* error_prefix = "Error while executing config command: ";

void print_error(const std::string& message) { std::fprintf(stderr, "%s%s\n", error_prefix, message.c_str()); }

struct configs_options {
  std::string bootstrap;
  bool describe = false;
  bool all = false;
  std::string entity_type;          // "topics" or "brokers"
  std::optional<std::string> name;  // "" = the cluster-wide broker default
  std::vector<std::pair<std::string, std::string>> add;
  std::vector<std::string> remove;
  int timeout_ms = default_timeout_ms;

  client::config_resource resource() const {
    return entity_type == "topics" ? client::config_resource::topic : client::config_resource::broker;
  }
  std::string singular() const { return entity_type.substr(0, entity_type.size() - 1); }
};

option_parser make_parser() {
  option_parser p("configs", "Shows and changes the configs of a topic or a broker.");
  p.value("bootstrap-server", "String: server to connect to", "REQUIRED: HOST:PORT[,HOST:PORT...] of the cluster.");
  p.flag("describe", "Print the entity's dynamic configs (every config with --all) and their synonyms.");
  p.flag("alter", "Change the entity's configs (--add-config, --delete-config).");
  p.flag("all", "With --describe: every config, defaults included.");
  p.value("entity-type", "String: topics|brokers", "The kind of entity.");
  p.value("entity-name", "String: name", "The topic name or the broker id (every entity of the type without it).");
  p.flag("entity-default", "Brokers: the cluster-wide default entity.");
  p.value("topic", "String: topic", "Short for --entity-type topics --entity-name TOPIC.");
  p.value("broker", "String: broker id", "Short for --entity-type brokers --entity-name ID.");
  p.flag("broker-defaults", "Short for --entity-type brokers --entity-default.");
  p.multi("add-config", "String: k1=v1,k2=[v1,v2,v2],...", "Configs to set; brackets keep a value's commas together.");
  p.value("add-config-file", "String: path", "A .properties file of configs to set.");
  p.multi("delete-config", "String: k1,k2", "Configs to remove (back to their defaults), comma separated.");
  p.value("timeout-ms", "Integer: ms", "How long to wait for the bootstrap server and for each admin call.",
          std::to_string(default_timeout_ms));
  return p;
}

// "k1=v1,k2=[a,b]" → pairs; commas inside [] belong to the value and the brackets go.
std::string parse_add_config(const std::string& s, std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<std::string> items;
  std::string cur;
  int depth = 0;
  for (char ch : s) {
    if (ch == '[') ++depth;
    if (ch == ']' && depth > 0) --depth;
    if (ch == ',' && depth == 0) {
      items.push_back(cur);
      cur.clear();
      continue;
    }
    cur.push_back(ch);
  }
  items.push_back(cur);
  for (const auto& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return "Invalid entity config: all configs to be added must be in the format \"key=val\" or "
             "\"key=[val1,val2]\" to group values which contain commas.";
    }
    std::string key = trim(std::string_view(item).substr(0, eq));
    std::string value;
    for (char ch : std::string_view(item).substr(eq + 1)) {
      if (ch != '[' && ch != ']') value.push_back(ch);
    }
    value = trim(value);
    for (char ch : key) {
      const bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' || ch == '$';
      if (!ok) return "Invalid character found for config key: " + key;
    }
    if (key.empty()) return "Invalid entity config: empty key in '" + item + "'";
    out.emplace_back(std::move(key), std::move(value));
  }
  return {};
}

std::string check(const option_parser& p, configs_options& o) {
  if (p.has("describe") == p.has("alter")) return "Command must include exactly one action: --describe, --alter";
  if (!p.has("bootstrap-server")) return "--bootstrap-server must be specified";
  o.bootstrap = p.get("bootstrap-server");
  o.describe = p.has("describe");
  o.all = p.has("all");
  if (p.has("topic")) {
    o.entity_type = "topics";
    o.name = p.get("topic");
  }
  if (p.has("broker")) {
    if (!o.entity_type.empty()) return "Only one entity type may be specified";
    o.entity_type = "brokers";
    o.name = p.get("broker");
  }
  if (p.has("broker-defaults")) {
    if (!o.entity_type.empty()) return "Only one entity type may be specified";
    o.entity_type = "brokers";
    o.name = "";
  }
  if (p.has("entity-type")) {
    if (!o.entity_type.empty()) return "Only one entity type may be specified";
    o.entity_type = p.get("entity-type");
    if (p.has("entity-name")) o.name = p.get("entity-name");
    if (p.has("entity-default")) {
      if (o.name) return "--entity-name and --entity-default cannot both be given";
      o.name = "";
    }
  } else if (p.has("entity-name") || p.has("entity-default")) {
    return "--entity-type must be specified with --entity-name or --entity-default";
  }
  if (o.entity_type.empty()) return "Missing required argument \"[entity-type]\"";
  if (o.entity_type != "topics" && o.entity_type != "brokers") {
    return "Invalid entity type " + o.entity_type + ", the entity type must be one of topics, brokers";
  }
  if (o.entity_type == "topics" && o.name && o.name->empty()) return "--entity-default is only for brokers";
  if (o.entity_type == "brokers" && o.name && !o.name->empty() && !parse_int(*o.name, 0, INT32_MAX)) {
    return "The entity name for brokers must be a valid integer broker id, found: " + *o.name;
  }
  if (o.describe) {
    if (p.has("add-config") || p.has("add-config-file") || p.has("delete-config")) {
      return "--add-config and --delete-config are only valid with --alter";
    }
  } else {
    if (o.all) return "--all is only valid with --describe";
    if (!o.name) return "an entity name (or --entity-default) must be specified with --alter";
    for (const auto& s : p.all("add-config")) {
      if (auto e = parse_add_config(s, o.add); !e.empty()) return e;
    }
    if (p.has("add-config-file")) {
      auto props = load_properties(p.get("add-config-file"));
      if (!props) return "cannot read --add-config-file " + p.get("add-config-file");
      for (auto& [k, v] : *props) o.add.emplace_back(k, v);
    }
    for (const auto& s : p.all("delete-config")) {
      for (const auto& k : split(s, ',')) {
        if (!trim(k).empty()) o.remove.push_back(trim(k));
      }
    }
    if (o.add.empty() && o.remove.empty())
      return "At least one of --add-config, --add-config-file or --delete-config must be specified with --alter";
  }
  auto t = parse_int(p.get("timeout-ms"), 1, INT32_MAX);
  if (!t) return "--timeout-ms must be a positive integer";
  o.timeout_ms = static_cast<int>(*t);
  return {};
}

// The source that makes a config "dynamic" for the entity (what --describe shows
// without --all).
client::config_source dynamic_source(const configs_options& o, const std::string& name) {
  if (o.entity_type == "topics") return client::config_source::dynamic_topic_config;
  return name.empty() ? client::config_source::dynamic_default_broker_config
                      : client::config_source::dynamic_broker_config;
}

io::task<int> describe(client::admin& admin, const configs_options* o) {
  std::vector<std::string> entities;
  std::vector<std::string> every_topic;
  auto md = co_await admin.describe_cluster(std::move(every_topic));
  if (!md) {
    print_error(md.error().text());
    co_return exit_error;
  }
  if (o->name) {
    bool exists = true;
    if (o->entity_type == "topics") {
      exists = md->find(*o->name) && md->find(*o->name)->error == 0;
    } else if (!o->name->empty()) {
      exists = std::any_of(md->brokers.begin(), md->brokers.end(),
                           [&](const client::broker_node& b) { return std::to_string(b.id) == *o->name; });
    }
    if (!exists && !o->all) {
      std::printf("The %s '%s' doesn't exist and doesn't have dynamic config.\n", o->singular().c_str(),
                  o->name->c_str());
      co_return exit_error;
    }
    entities.push_back(*o->name);
  } else if (o->entity_type == "topics") {
    for (const auto& t : md->topics) {
      if (t.error == 0) entities.push_back(t.name);
    }
  } else {
    for (const auto& b : md->brokers) entities.push_back(std::to_string(b.id));
    entities.push_back("");
  }
  for (const auto& entity : entities) {
    if (entity.empty()) {
      std::printf("Default configs for %s in the cluster are:\n", o->entity_type.c_str());
    } else {
      std::printf("%s configs for %s %s are:\n", o->all ? "All" : "Dynamic", o->singular().c_str(), entity.c_str());
    }
    auto entries = co_await admin.describe_configs(o->resource(), entity, true);
    if (!entries) {
      print_error(entries.error().text());
      co_return exit_error;
    }
    std::vector<client::config_entry> shown;
    const client::config_source wanted = dynamic_source(*o, entity);
    for (auto& e : *entries) {
      if (o->all || e.source == wanted) shown.push_back(std::move(e));
    }
    std::sort(shown.begin(), shown.end(),
              [](const client::config_entry& a, const client::config_entry& b) { return a.name < b.name; });
    for (const auto& e : shown) {
      std::string synonyms;
      for (const auto& s : e.synonyms) {
        if (!synonyms.empty()) synonyms += ", ";
        synonyms += std::string(client::to_string(s.source)) + ":" + s.name + "=" + s.value.value_or("null");
      }
      std::printf("  %s=%s sensitive=%s synonyms={%s}\n", e.name.c_str(), e.value.value_or("null").c_str(),
                  e.sensitive ? "true" : "false", synonyms.c_str());
    }
  }
  co_return exit_ok;
}

io::task<int> alter(client::admin& admin, const configs_options* o) {
  const std::string name = *o->name;
  auto current = co_await admin.describe_configs(o->resource(), name, false);
  if (!current) {
    print_error(current.error().text());
    co_return exit_error;
  }
  std::map<std::string, std::string> dynamic;
  const client::config_source wanted = dynamic_source(*o, name);
  for (const auto& e : *current) {
    if (e.source == wanted) dynamic[e.name] = e.value.value_or("");
  }
  std::string invalid;
  for (const auto& k : o->remove) {
    if (!dynamic.count(k)) invalid += (invalid.empty() ? "" : ",") + k;
  }
  if (!invalid.empty()) {
    std::fprintf(stderr, "Invalid config(s): %s\n", invalid.c_str());
    co_return exit_error;
  }
  std::vector<client::config_alteration> ops;
  for (const auto& k : o->remove) ops.push_back(client::config_alteration{k, client::alter_config_op::remove, {}});
  for (const auto& [k, v] : o->add) ops.push_back(client::config_alteration{k, client::alter_config_op::set, v});
  auto r = co_await admin.incremental_alter_configs(o->resource(), name, std::move(ops));
  if (!r && r.error().err.code == client::errc::unsupported_version) {
    // A broker before 2.3: AlterConfigs replaces the whole set of dynamic values.
    for (const auto& k : o->remove) dynamic.erase(k);
    for (const auto& [k, v] : o->add) dynamic[k] = v;
    r = co_await admin.alter_configs(o->resource(), name, std::move(dynamic));
  }
  if (!r) {
    print_error(r.error().text());
    co_return exit_error;
  }
  if (name.empty()) {
    std::printf("Completed updating default config for %s in the cluster.\n", o->entity_type.c_str());
  } else {
    std::printf("Completed updating config for %s %s.\n", o->singular().c_str(), name.c_str());
  }
  co_return exit_ok;
}

io::task<int> run(client::admin& admin, const configs_options* o) {
  if (o->describe) co_return co_await describe(admin, o);
  co_return co_await alter(admin, o);
}

}  // namespace

int run_configs(const std::vector<std::string>& args) {
  const admin_tool<configs_options> tool{"configs", make_parser, check, run, print_error};
  return run_admin_tool(tool, args);
}

}  // namespace ringtail::core::tools
