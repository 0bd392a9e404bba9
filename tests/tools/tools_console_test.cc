// The console tools and consumer groups against a real broker: console-producer (keys,
// headers, null marker, compression, --sync) → console-consumer (formatter properties,
// --partition/--offset, groups, --max-messages, Ctrl-C), and `consumer-groups` (list,
// describe with lag — golden —, members, state, reset-offsets, delete-offsets, delete).
#include <signal.h>

#include <thread>

#include "tools_test_util.h"

namespace ringtail::tools_test {
namespace {

class ToolsConsole : public tools_test {};

TEST_F(ToolsConsole, ProduceAndConsumeWithKeysHeadersAndFormatter) {
  create_topic("lines", 1);
  produce("lines", "k1:v1\nk2:v2\n", {"--property", "parse.key=true", "--property", "key.separator=:"});
  produce("lines", "h1:a,h2:b\tk3\tv3\nh3:NULL\tNULL\tv4\n",
          {"--property", "parse.headers=true", "--property", "parse.key=true", "--property", "null.marker=NULL",
           "--producer-property", "acks=all", "--compression-codec", "lz4", "--sync"});
  produce("lines", std::string(5000, 'z') + "\nlast-line-without-newline", {"--compression-codec", "zstd"});

  auto r = tool("console-consumer", {"--topic", "lines", "--from-beginning", "--max-messages", "4", "--property",
                                     "print.key=true", "--property", "print.partition=true", "--property",
                                     "print.offset=true", "--property", "print.headers=true"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out,
            "Partition:0\tOffset:0\tNO_HEADERS\tk1\tv1\n"
            "Partition:0\tOffset:1\tNO_HEADERS\tk2\tv2\n"
            "Partition:0\tOffset:2\th1:a,h2:b\tk3\tv3\n"
            "Partition:0\tOffset:3\th3:null\tnull\tv4\n");
  EXPECT_NE(r.err.find("Processed a total of 4 messages"), std::string::npos) << r.describe();

  // --partition/--offset, a custom separator and timestamps.
  r = tool("console-consumer", {"--topic", "lines", "--partition", "0", "--offset", "4", "--max-messages", "2",
                                "--property", "print.timestamp=true", "--property", "print.value=false", "--property",
                                "print.key=true", "--property", "key.separator=|"});
  ASSERT_TRUE(r.ok()) << r.describe();
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.describe();
  for (const auto& l : lines) {
    EXPECT_EQ(l.rfind("CreateTime:", 0), 0u) << l;
    EXPECT_NE(l.find("|null"), std::string::npos) << l;  // keyless records: the null literal
  }
  r = tool("console-consumer", {"--topic", "lines", "--partition", "0", "--offset", "5", "--timeout-ms", "1000"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "last-line-without-newline\n");
  EXPECT_NE(r.err.find("Processed a total of 1 messages"), std::string::npos) << r.describe();

  // read_committed on a log without transactions reads the same records.
  r = tool("console-consumer",
           {"--topic", "lines", "--from-beginning", "--max-messages", "6", "--isolation-level", "read_committed"});
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(lines_of(r.out).size(), 6u) << r.describe();
}

TEST_F(ToolsConsole, UnknownTopicIsAnError) {
  auto r = tool("console-consumer", {"--topic", "nope", "--timeout-ms", "2000"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("topic 'nope' does not exist"), std::string::npos) << r.describe();
  create_topic("one", 1);
  r = tool("console-consumer", {"--topic", "one", "--partition", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("partition 3 of topic 'one' does not exist"), std::string::npos) << r.describe();
  r = tool("console-producer", {"--topic", "lines", "--property", "parse.key=true"}, "no-separator-here\n");
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("No key separator found on line number 1: 'no-separator-here'"), std::string::npos)
      << r.describe();
}

TEST_F(ToolsConsole, GroupLagDescribeGoldenAndReset) {
  create_topic("lag", 1);
  std::string input;
  for (int i = 0; i < 10; ++i) input += "m" + std::to_string(i) + "\n";
  produce("lag", input);

  // Four records consumed in the group: 4 committed, 6 behind.
  auto r =
      tool("console-consumer", {"--topic", "lag", "--group", "lag-group", "--from-beginning", "--max-messages", "4"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.out, "m0\nm1\nm2\nm3\n");
  auto list = tool("consumer-groups", {"--list"});
  EXPECT_EQ(list.out, "lag-group\n") << list.describe();

  auto d = tool("consumer-groups", {"--describe", "--group", "lag-group"});
  ASSERT_TRUE(d.ok()) << d.describe();
  EXPECT_EQ(d.out,
            "\n"
            "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID    "
            " HOST            CLIENT-ID\n"
            "lag-group       lag             0          4               10              6               -              "
            " -               -\n");
  EXPECT_EQ(d.err, "\nConsumer group 'lag-group' has no active members.\n");

  // The next member resumes at the committed offset.
  r = tool("console-consumer", {"--topic", "lag", "--group", "lag-group", "--max-messages", "2"});
  EXPECT_EQ(r.out, "m4\nm5\n") << r.describe();

  auto dry = tool("consumer-groups",
                  {"--reset-offsets", "--group", "lag-group", "--topic", "lag", "--to-earliest", "--dry-run"});
  ASSERT_TRUE(dry.ok()) << dry.describe();
  EXPECT_EQ(dry.out,
            "\n"
            "GROUP           TOPIC           PARTITION  NEW-OFFSET\n"
            "lag-group       lag             0          0\n");
  d = tool("consumer-groups", {"--describe", "--group", "lag-group"});
  EXPECT_EQ(fields_of(lines_of(d.out).at(2)).at(3), "6") << d.describe();  // a dry run changes nothing

  auto exec = tool("consumer-groups",
                   {"--reset-offsets", "--group", "lag-group", "--topic", "lag:0", "--shift-by", "-5", "--execute"});
  ASSERT_TRUE(exec.ok()) << exec.describe();
  EXPECT_NE(exec.out.find("lag-group       lag             0          1\n"), std::string::npos) << exec.describe();
  exec = tool("consumer-groups",
              {"--reset-offsets", "--group", "lag-group", "--all-topics", "--to-offset", "99", "--execute"});
  EXPECT_NE(exec.out.find("0          10\n"), std::string::npos) << exec.describe();  // clamped to the end
  exec = tool("consumer-groups", {"--reset-offsets", "--group", "lag-group", "--topic", "lag", "--to-datetime",
                                  "2000-01-01T00:00:00.000Z", "--execute"});
  EXPECT_NE(exec.out.find("0          0\n"), std::string::npos) << exec.describe();
  r = tool("console-consumer", {"--topic", "lag", "--group", "lag-group", "--max-messages", "1"});
  EXPECT_EQ(r.out, "m0\n") << r.describe();

  auto del_offsets = tool("consumer-groups", {"--delete-offsets", "--group", "lag-group", "--topic", "lag"});
  ASSERT_TRUE(del_offsets.ok()) << del_offsets.describe();
  EXPECT_EQ(del_offsets.out,
            "Request succeeded for deleting offsets from group lag-group.\n"
            "\n"
            "TOPIC           PARTITION  STATUS         \n"
            "lag             0          Successful     \n");

  auto del = tool("consumer-groups", {"--delete", "--group", "lag-group"});
  ASSERT_TRUE(del.ok()) << del.describe();
  EXPECT_EQ(del.out, "Deletion of requested consumer groups ('lag-group') was successful.\n");
  auto missing = tool("consumer-groups", {"--describe", "--group", "lag-group"});
  EXPECT_EQ(missing.exit_code, 1) << missing.describe();
  EXPECT_NE(missing.err.find("Consumer group 'lag-group' does not exist."), std::string::npos) << missing.describe();
  auto del_again = tool("consumer-groups", {"--delete", "--group", "lag-group"});
  EXPECT_EQ(del_again.exit_code, 1) << del_again.describe();
  EXPECT_NE(del_again.err.find("could not be deleted due to: GROUP_ID_NOT_FOUND"), std::string::npos)
      << del_again.describe();
}

TEST_F(ToolsConsole, ActiveGroupAndCtrlC) {
  create_topic("live", 2);
  produce("live", "x:1\ny:2\nz:3\n", {"--property", "parse.key=true", "--property", "key.separator=:"});
  std::vector<std::string> argv = {ringtail::testing::broker_binary(),
                                   "console-consumer",
                                   "--bootstrap-server",
                                   bootstrap(),
                                   "--topic",
                                   "live",
                                   "--group",
                                   "live-group",
                                   "--from-beginning",
                                   "--consumer-property",
                                   "client.id=live-client"};
  child_process consumer(argv);
  ASSERT_TRUE(consumer.wait_for_output(
      [](const std::string& out, const std::string&) { return lines_of(out).size() >= 3; }, 20s))
      << consumer.current_out() << consumer.current_err();

  // Stable, one member owning both partitions: normalise the member id (volatile).
  command_result d;
  for (int attempt = 0; attempt < 50; ++attempt) {
    d = tool("consumer-groups", {"--describe", "--group", "live-group", "--members"});
    if (d.out.find("live-client") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  const auto member_lines = lines_of(d.out);
  ASSERT_EQ(member_lines.size(), 3u) << d.describe();
  const auto member = fields_of(member_lines[2]);
  ASSERT_EQ(member.size(), 5u) << d.describe();
  const std::string member_id = member[1];
  EXPECT_EQ(member_id.rfind("live-client-", 0), 0u) << member_id;
  EXPECT_EQ(fields_of(member_lines[1]),
            (std::vector<std::string>{"GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"}));
  EXPECT_EQ(member[0], "live-group");
  EXPECT_EQ(member[3], "live-client");
  EXPECT_EQ(member[4], "2");

  auto offsets = tool("consumer-groups", {"--describe", "--group", "live-group"});
  ASSERT_TRUE(offsets.ok()) << offsets.describe();
  const std::string normalised = replace_all(offsets.out, member_id, "<consumer-id>");
  const auto rows = lines_of(normalised);
  ASSERT_EQ(rows.size(), 4u) << offsets.describe();
  EXPECT_EQ(fields_of(rows[1]),
            (std::vector<std::string>{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                      "CONSUMER-ID", "HOST", "CLIENT-ID"}));
  for (int p = 0; p < 2; ++p) {
    const auto f = fields_of(rows[static_cast<size_t>(2 + p)]);
    ASSERT_EQ(f.size(), 9u) << normalised;
    EXPECT_EQ(f[0], "live-group");
    EXPECT_EQ(f[2], std::to_string(p));
    EXPECT_EQ(f[6], "<consumer-id>");
    EXPECT_EQ(f[7], "/127.0.0.1");
    EXPECT_EQ(f[8], "live-client");
  }
  auto state = tool("consumer-groups", {"--describe", "--group", "live-group", "--state"});
  const auto state_row = fields_of(lines_of(state.out).at(2));
  EXPECT_EQ(state_row.at(state_row.size() - 2), "Stable") << state.describe();
  EXPECT_EQ(state_row.back(), "1") << state.describe();
  auto busy = tool("consumer-groups",
                   {"--reset-offsets", "--group", "live-group", "--all-topics", "--to-earliest", "--execute"});
  EXPECT_EQ(busy.exit_code, 1) << busy.describe();
  EXPECT_NE(
      busy.err.find(
          "Assignments can only be reset if the group 'live-group' is inactive, but the current state is Stable."),
      std::string::npos)
      << busy.describe();

  // Ctrl-C: a clean exit with the count, and the printed records committed.
  ASSERT_EQ(::kill(consumer.pid(), SIGINT), 0);
  const auto done = consumer.wait(20s);
  EXPECT_EQ(done.exit_code, 0) << done.describe();
  EXPECT_NE(done.err.find("Processed a total of 3 messages"), std::string::npos) << done.describe();
  auto after = tool("consumer-groups", {"--describe", "--group", "live-group"});
  ASSERT_TRUE(after.ok()) << after.describe();
  int64_t committed = 0;
  for (const auto& row : lines_of(after.out)) {
    const auto f = fields_of(row);
    if (f.size() == 9 && f[0] == "live-group") committed += std::stoll(f[3]);
  }
  EXPECT_EQ(committed, 3) << after.describe();
}

TEST_F(ToolsConsole, ProducerCtrlCFlushesWhatWasRead) {
  create_topic("typed", 1);
  // stdin stays open (a shell reading from a FIFO that nobody closes).
  const auto fifo = std::filesystem::temp_directory_path() / ("ringtail-tools-fifo-" + std::to_string(::getpid()));
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string script = "exec 3<>'" + fifo.string() + "'; printf 'one\\ntwo\\n' >&3; exec '" +
                             ringtail::testing::broker_binary() + "' console-producer --bootstrap-server " +
                             bootstrap() + " --topic typed --timeout 20000 <&3";
  // linger.ms (--timeout) is far away: the records can only go out with the flush that
  // Ctrl-C triggers.
  child_process producer({"/bin/sh", "-c", script});
  std::this_thread::sleep_for(2s);
  ASSERT_EQ(::kill(producer.pid(), SIGINT), 0);
  const auto done = producer.wait(20s);
  ::unlink(fifo.c_str());
  EXPECT_EQ(done.exit_code, 0) << done.describe();
  auto r =
      tool("console-consumer", {"--topic", "typed", "--from-beginning", "--max-messages", "2", "--timeout-ms", "5000"});
  EXPECT_EQ(r.out, "one\ntwo\n") << r.describe();
}

}  // namespace
}  // namespace ringtail::tools_test
