// The admin tools against a real broker: `ringtail topics`, `configs`, `get-offsets`,
// their --help and their errors (bad usage, unknown topics, an unreachable bootstrap
// server), with golden outputs for `topics --describe` and `configs --describe`.
#include "tools_test_util.h"

namespace ringtail::tools_test {
namespace {

// `topics --describe` with the broker ids (Leader/Replicas/Isr) and any TopicId
// normalised, as the volatile parts of the output.
std::string normalise_describe(const std::string& out) {
  std::string s;
  for (const auto& line : lines_of(out)) {
    std::string l = line;
    if (const size_t at = l.find("\tTopicId: "); at != std::string::npos) {
      const size_t end = l.find('\t', at + 1);
      l.erase(at, end == std::string::npos ? std::string::npos : end - at);
    }
    for (const char* key : {"Leader: ", "Replicas: ", "Isr: "}) {
      const size_t at = l.find(key);
      if (at == std::string::npos) continue;
      const size_t from = at + std::string(key).size();
      size_t end = from;
      while (end < l.size() && l[end] != '\t') ++end;
      l.replace(from, end - from, "B");
    }
    s += l + "\n";
  }
  return s;
}

TEST(ToolsUsage, HelpForEveryTool) {
  if (ringtail::testing::broker_binary().empty()) GTEST_SKIP() << "RINGTAIL_BINARY is not set";
  const std::vector<std::pair<std::string, std::vector<std::string>>> tools = {
      {"topics", {"--bootstrap-server", "--create", "--describe", "--partitions", "--if-not-exists"}},
      {"console-producer", {"--topic", "--property", "--producer-property", "--sync", "--compression-codec"}},
      {"console-consumer", {"--from-beginning", "--max-messages", "--group", "--isolation-level", "--offset"}},
      {"consumer-groups", {"--describe", "--reset-offsets", "--to-earliest", "--shift-by", "--execute"}},
      {"configs", {"--entity-type", "--entity-name", "--add-config", "--delete-config", "--all"}},
      {"get-offsets", {"--topic", "--time", "--partitions", "--topic-partitions"}},
  };
  for (const auto& [name, flags] : tools) {
    const auto r = run_ringtail({name, "--help"});
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.describe();
    EXPECT_NE(r.out.find("Option"), std::string::npos) << name;
    for (const auto& f : flags) EXPECT_NE(r.out.find(f), std::string::npos) << name << " --help lacks " << f;
  }
  const auto top = run_ringtail({"help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* t :
       {"topics", "console-producer", "console-consumer", "consumer-groups", "configs", "get-offsets"}) {
    EXPECT_NE(top.err.find(t), std::string::npos) << "ringtail help does not list " << t;
  }
}

TEST(ToolsUsage, BadUsageIsANamedErrorNotACrash) {
  if (ringtail::testing::broker_binary().empty()) GTEST_SKIP() << "RINGTAIL_BINARY is not set";
  struct bad {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<bad> cases = {
      {{"topics", "--list"}, "--bootstrap-server must be specified"},
      {{"topics", "--bootstrap-server", "h:1", "--list", "--describe"}, "exactly one action"},
      {{"topics", "--bootstrap-server", "h:1", "--create"}, "[topic]"},
      {{"topics", "--bootstrap-server", "h:1", "--create", "--topic", "t", "--partitions", "0"}, "greater than 0"},
      {{"topics", "--bootstrap-server", "h:1", "--list", "--nope"}, "'nope' is not a recognized option"},
      {{"console-consumer", "--bootstrap-server", "h:1"}, "--include/--topic"},
      {{"console-consumer", "--bootstrap-server", "h:1", "--topic", "t", "--offset", "3"}, "partition is required"},
      {{"console-consumer", "--bootstrap-server", "h:1", "--topic", "t", "--partition", "0", "--group", "g"},
       "group and partition cannot be specified together"},
      {{"console-producer", "--bootstrap-server", "h:1"}, "[topic]"},
      {{"consumer-groups", "--bootstrap-server", "h:1", "--describe"}, "[group]"},
      {{"consumer-groups", "--bootstrap-server", "h:1", "--reset-offsets", "--group", "g", "--topic", "t"},
       "exactly one of these options"},
      {{"configs", "--bootstrap-server", "h:1", "--describe"}, "entity-type"},
      {{"configs", "--bootstrap-server", "h:1", "--entity-type", "users", "--describe"}, "Invalid entity type"},
      {{"get-offsets", "--bootstrap-server", "h:1", "--time", "yesterday"}, "Malformed time argument"},
  };
  for (const auto& c : cases) {
    const auto r = run_ringtail(c.args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find(c.says), std::string::npos) << "expected '" << c.says << "' in\n" << r.describe();
  }
}

TEST(ToolsUsage, UnreachableBootstrapFailsWithinTheTimeout) {
  if (ringtail::testing::broker_binary().empty()) GTEST_SKIP() << "RINGTAIL_BINARY is not set";
  const std::string dead = "127.0.0.1:" + std::to_string(unused_port());
  const std::vector<std::vector<std::string>> commands = {
      {"topics", "--bootstrap-server", dead, "--list", "--timeout-ms", "800"},
      {"configs", "--bootstrap-server", dead, "--topic", "t", "--describe", "--timeout-ms", "800"},
      {"get-offsets", "--bootstrap-server", dead, "--timeout-ms", "800"},
      {"consumer-groups", "--bootstrap-server", dead, "--list", "--timeout", "800"},
      {"console-consumer", "--bootstrap-server", dead, "--topic", "t", "--timeout-ms", "800"},
      {"console-producer", "--bootstrap-server", dead, "--topic", "t", "--timeout-ms", "800"},
  };
  for (const auto& args : commands) {
    const auto r = run_ringtail(args, "x\n");
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_LT(r.seconds, 10.0) << r.describe();
    EXPECT_NE(r.err.find("cannot reach bootstrap server(s) " + dead + " within 800 ms"), std::string::npos)
        << r.describe();
  }
}

class ToolsTopics : public tools_test {};

TEST_F(ToolsTopics, CreateListAlterDelete) {
  create_topic("orders", 2, {"--replication-factor", "1", "--config", "retention.ms=3600000"});
  auto again = tool("topics", {"--create", "--topic", "orders", "--partitions", "2"});
  EXPECT_EQ(again.exit_code, 1) << again.describe();
  EXPECT_NE(again.err.find("Topic 'orders' already exists."), std::string::npos) << again.describe();
  auto quiet = tool("topics", {"--create", "--topic", "orders", "--partitions", "2", "--if-not-exists"});
  EXPECT_TRUE(quiet.ok()) << quiet.describe();
  EXPECT_EQ(quiet.out, "");

  create_topic("audit", 1);
  auto list = tool("topics", {"--list", "--exclude-internal"});
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(list.out, "audit\norders\n");
  auto filtered = tool("topics", {"--list", "--topic", "ord.*"});
  EXPECT_EQ(filtered.out, "orders\n") << filtered.describe();

  auto grow = tool("topics", {"--alter", "--topic", "orders", "--partitions", "5"});
  EXPECT_TRUE(grow.ok()) << grow.describe();
  auto described = tool("topics", {"--describe", "--topic", "orders"});
  EXPECT_NE(described.out.find("PartitionCount: 5\t"), std::string::npos) << described.describe();
  auto shrink = tool("topics", {"--alter", "--topic", "orders", "--partitions", "3"});
  EXPECT_EQ(shrink.exit_code, 1) << shrink.describe();
  EXPECT_NE(shrink.err.find("can only be increased"), std::string::npos) << shrink.describe();

  auto del = tool("topics", {"--delete", "--topic", "orders"});
  EXPECT_TRUE(del.ok()) << del.describe();
  list = tool("topics", {"--list", "--exclude-internal"});
  EXPECT_EQ(list.out, "audit\n") << list.describe();
  auto gone = tool("topics", {"--delete", "--topic", "orders"});
  EXPECT_EQ(gone.exit_code, 1) << gone.describe();
  EXPECT_NE(gone.err.find("Topic 'orders' does not exist as expected"), std::string::npos) << gone.describe();
  EXPECT_TRUE(tool("topics", {"--delete", "--topic", "orders", "--if-exists"}).ok());
  auto unknown = tool("topics", {"--describe", "--topic", "nope"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.describe();
  EXPECT_NE(unknown.err.find("Topic 'nope' does not exist as expected"), std::string::npos);
}

TEST_F(ToolsTopics, DescribeGolden) {
  create_topic("golden", 3, {"--config", "retention.ms=86400000", "--config", "cleanup.policy=compact"});
  auto r = tool("topics", {"--describe", "--topic", "golden"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const std::string expected =
      "Topic: golden\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=86400000\n"
      "\tTopic: golden\tPartition: 0\tLeader: B\tReplicas: B\tIsr: B\n"
      "\tTopic: golden\tPartition: 1\tLeader: B\tReplicas: B\tIsr: B\n"
      "\tTopic: golden\tPartition: 2\tLeader: B\tReplicas: B\tIsr: B\n";
  EXPECT_EQ(normalise_describe(r.out), expected) << r.describe();
  // Only the overridden topics, without partitions.
  create_topic("plain", 1);
  auto overrides = tool("topics", {"--describe", "--topics-with-overrides", "--exclude-internal"});
  EXPECT_EQ(
      normalise_describe(overrides.out),
      "Topic: golden\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=86400000\n")
      << overrides.describe();
}

class ToolsConfigs : public tools_test {};

TEST_F(ToolsConfigs, DescribeGoldenAndAlter) {
  create_topic("cfg", 1, {"--config", "retention.ms=7200000"});
  auto alter = tool("configs", {"--entity-type", "topics", "--entity-name", "cfg", "--alter", "--add-config",
                                "segment.ms=600000,cleanup.policy=[compact,delete]"});
  ASSERT_TRUE(alter.ok()) << alter.describe();
  EXPECT_EQ(alter.out, "Completed updating config for topic cfg.\n");
  auto r = tool("configs", {"--entity-type", "topics", "--entity-name", "cfg", "--describe"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(
      r.out,
      "Dynamic configs for topic cfg are:\n"
      "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete}\n"
      "  retention.ms=7200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=7200000}\n"
      "  segment.ms=600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=600000}\n");

  auto del = tool("configs", {"--topic", "cfg", "--alter", "--delete-config", "retention.ms,segment.ms"});
  ASSERT_TRUE(del.ok()) << del.describe();
  r = tool("configs", {"--topic", "cfg", "--describe"});
  EXPECT_EQ(
      r.out,
      "Dynamic configs for topic cfg are:\n"
      "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete}\n")
      << r.describe();
  // With --all, defaults show too (with their source).
  auto all = tool("configs", {"--topic", "cfg", "--describe", "--all"});
  EXPECT_NE(all.out.find("All configs for topic cfg are:\n"), std::string::npos) << all.describe();
  EXPECT_NE(all.out.find("  retention.ms="), std::string::npos) << all.describe();
  EXPECT_NE(all.out.find("synonyms={}"), std::string::npos) << all.describe();

  auto invalid = tool("configs", {"--topic", "cfg", "--alter", "--delete-config", "segment.ms"});
  EXPECT_EQ(invalid.exit_code, 1) << invalid.describe();
  EXPECT_NE(invalid.err.find("Invalid config(s): segment.ms"), std::string::npos) << invalid.describe();
  auto unknown = tool("configs", {"--topic", "nope", "--describe"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.describe();
  EXPECT_NE(unknown.out.find("The topic 'nope' doesn't exist and doesn't have dynamic config."), std::string::npos);
  auto rejected = tool("configs", {"--topic", "cfg", "--alter", "--add-config", "no.such.config=1"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.describe();

  // Brokers: static configs only, so nothing dynamic, and altering is refused.
  auto broker = tool("configs", {"--entity-type", "brokers", "--entity-name", "1", "--describe"});
  ASSERT_TRUE(broker.ok()) << broker.describe();
  EXPECT_EQ(broker.out, "Dynamic configs for broker 1 are:\n");
  auto broker_all = tool("configs", {"--broker", "1", "--describe", "--all"});
  EXPECT_NE(broker_all.out.find("  group.initial.rebalance.delay.ms=0 sensitive=false"), std::string::npos)
      << broker_all.describe();
  auto broker_alter = tool("configs", {"--broker", "1", "--alter", "--add-config", "log.retention.ms=1"});
  EXPECT_EQ(broker_alter.exit_code, 1) << broker_alter.describe();
  EXPECT_NE(broker_alter.err.find("Error while executing config command: "), std::string::npos);
}

class ToolsGetOffsets : public tools_test {};

TEST_F(ToolsGetOffsets, EarliestLatestAndByTime) {
  create_topic("offs", 2);
  produce("offs", "a\nb\nc\n", {"--property", "parse.key=false"});
  auto latest = tool("get-offsets", {"--topic", "offs"});
  ASSERT_TRUE(latest.ok()) << latest.describe();
  // Keyless records go to one partition (sticky partitioner): 3 there, 0 in the other.
  const auto lines = lines_of(latest.out);
  ASSERT_EQ(lines.size(), 2u) << latest.describe();
  EXPECT_TRUE((lines[0] == "offs:0:3" && lines[1] == "offs:1:0") || (lines[0] == "offs:0:0" && lines[1] == "offs:1:3"))
      << latest.out;
  auto earliest = tool("get-offsets", {"--topic", "offs", "--time", "earliest"});
  EXPECT_EQ(earliest.out, "offs:0:0\noffs:1:0\n") << earliest.describe();
  auto one = tool("get-offsets", {"--topic-partitions", "offs:1", "--time", "-2"});
  EXPECT_EQ(one.out, "offs:1:0\n") << one.describe();
  // By time: from the epoch, the first record (partitions without records have none).
  auto by_time = tool("get-offsets", {"--topic", "offs", "--time", "0"});
  EXPECT_TRUE(by_time.out == "offs:0:0\n" || by_time.out == "offs:1:0\n") << by_time.describe();
  auto unknown = tool("get-offsets", {"--topic", "nope"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.describe();
  EXPECT_NE(unknown.err.find("no topic matches 'nope'"), std::string::npos) << unknown.describe();
}

}  // namespace
}  // namespace ringtail::tools_test
