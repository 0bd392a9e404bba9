// Consumer groups with kafka-python 2.0.2 and kafkajs 2.2.4 against the real broker:
// subscribe, consume, commit (sync, async, auto), close, restart and resume exactly at
// the committed offset; two groups on one topic each get everything; the admin client
// lists, describes and deletes groups (NON_EMPTY_GROUP while a member is active).
#include <set>

#include "interop.h"

namespace ringtail::interop {
namespace {

using ringtail::testing::child_process;
using ringtail::testing::temp_dir;

class group_clients_test : public broker_test {
 protected:
  std::vector<std::string> extra_overrides() const override { return {"group.initial.rebalance.delay.ms=0"}; }

  command_result kp_group(const std::vector<std::string>& args) {
    std::vector<std::string> a = {script("py/group_kp.py")};
    a.insert(a.end(), args.begin(), args.end());
    return run_python(a);
  }

  void produce(const std::string& topic, int from, int count, int partitions) {
    std::string in;
    for (int i = from; i < from + count; ++i)
      in += std::to_string(i % partitions) + "\tk" + std::to_string(i) + "\tv" + std::to_string(i) + "\t\n";
    const auto r = ck({"produce", bootstrap(), topic}, in);
    ASSERT_TRUE(r.ok()) << r.describe();
    ASSERT_EQ(parse_acks(r.out).size(), static_cast<size_t>(count)) << r.out;
  }

  bool kafkajs_available() const {
    const auto js = ringtail::testing::source_dir() / "tests" / "interop" / "js";
    return std::filesystem::exists(js / "node_modules" / "kafkajs" / "package.json");
  }

  command_result kafkajs(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"node", script("js/group_consume.js")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, client_timeout);
  }
};

std::vector<int64_t> offsets_of(const std::vector<record>& recs) {
  std::vector<int64_t> o;
  for (const auto& r : recs) o.push_back(r.offset);
  return o;
}

// One partition, three runs of the same group: each resumes where the previous committed.
class kafka_python_commit_test : public group_clients_test, public ::testing::WithParamInterface<std::string> {};

TEST_P(kafka_python_commit_test, ResumeExactlyAtCommittedOffset) {
  const std::string mode = GetParam();
  const std::string topic = "kpg-" + mode;
  create_topic(topic, 1);
  produce(topic, 0, 15, 1);
  int64_t expect_next = 0;
  for (int run = 0; run < 3; ++run) {
    const auto r = kp_group({"consume", bootstrap(), topic, "kp-" + mode, "5", "--commit", mode});
    ASSERT_TRUE(r.ok()) << r.describe();
    const auto recs = parse_records(r.out);
    ASSERT_EQ(recs.size(), 5u) << "run " << run << ": " << r.describe();
    EXPECT_EQ(recs.front().offset, expect_next) << "run " << run;
    expect_next += 5;
  }
  const auto offsets = kp_group({"offsets", bootstrap(), "kp-" + mode});
  ASSERT_TRUE(offsets.ok()) << offsets.describe();
  EXPECT_EQ(tagged(offsets.out, "offset"), (std::vector<std::vector<std::string>>{{topic, "0", "15"}}));
}

INSTANTIATE_TEST_SUITE_P(modes, kafka_python_commit_test, ::testing::Values("sync", "async", "auto"));

TEST_F(group_clients_test, TwoGroupsEachGetEverything) {
  const std::string topic = "kpg-two";
  create_topic(topic, 3);
  produce(topic, 0, 30, 3);
  for (const std::string g : {"group-a", "group-b"}) {
    const auto r = kp_group({"consume", bootstrap(), topic, g, "30"});
    ASSERT_TRUE(r.ok()) << r.describe();
    std::set<std::string> values;
    for (const auto& rec : parse_records(r.out)) values.insert(rec.value);
    EXPECT_EQ(values.size(), 30u) << g << ": " << r.out;
  }
}

TEST_F(group_clients_test, AutoOffsetResetNoneIsAnError) {
  const std::string topic = "kpg-none";
  create_topic(topic, 1);
  produce(topic, 0, 3, 1);
  const auto r = kp_group({"consume", bootstrap(), topic, "kp-none", "3", "--reset", "none"});
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(tagged(r.out, "error"), (std::vector<std::vector<std::string>>{{"NoOffsetForPartitionError"}}));
}

TEST_F(group_clients_test, AdminListDescribeDelete) {
  const std::string topic = "kpg-admin";
  create_topic(topic, 2);
  produce(topic, 0, 4, 2);
  const auto c = kp_group({"consume", bootstrap(), topic, "admin-g", "4"});
  ASSERT_TRUE(c.ok()) << c.describe();

  auto list = kp_group({"list", bootstrap()});
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_EQ(tagged(list.out, "group"), (std::vector<std::vector<std::string>>{{"admin-g", "consumer"}}));
  auto desc = kp_group({"describe", bootstrap(), "admin-g"});
  ASSERT_TRUE(desc.ok()) << desc.describe();
  ASSERT_EQ(tagged(desc.out, "described").size(), 1u) << desc.out;
  EXPECT_EQ(tagged(desc.out, "described")[0][1], "Empty");

  // An active member makes the group non-empty.
  temp_dir scratch("ringtail-grp");
  const std::string stop_file = (scratch.path() / "stop").string();
  command_options o;
  o.env["PYTHONUNBUFFERED"] = "1";
  child_process member({python3, script("py/group_ck.py"), "consume", bootstrap(), topic, "admin-g", "--until-file",
                        stop_file, "--limit-s", "50"},
                       o);
  ASSERT_TRUE(member.wait_for_output(
      [](const std::string& out, const std::string&) { return out.find("ready") != std::string::npos; }, 40s))
      << member.current_out() << member.current_err();
  desc = kp_group({"describe", bootstrap(), "admin-g"});
  ASSERT_TRUE(desc.ok()) << desc.describe();
  ASSERT_EQ(tagged(desc.out, "described").size(), 1u) << desc.out;
  EXPECT_EQ(tagged(desc.out, "described")[0][1], "Stable");
  EXPECT_EQ(tagged(desc.out, "described")[0][4], "1");
  auto del = kp_group({"delete", bootstrap(), "admin-g"});
  ASSERT_TRUE(del.ok()) << del.describe();
  ASSERT_EQ(tagged(del.out, "deleted").size(), 1u) << del.out;
  EXPECT_EQ(tagged(del.out, "deleted")[0][2], "68") << "NON_EMPTY_GROUP: " << del.out;
  ringtail::testing::write_file(stop_file, "");
  const auto mr = member.wait(30s);
  EXPECT_TRUE(mr.ok()) << mr.describe();

  del = kp_group({"delete", bootstrap(), "admin-g"});
  ASSERT_TRUE(del.ok()) << del.describe();
  EXPECT_EQ(tagged(del.out, "deleted"), (std::vector<std::vector<std::string>>{{"admin-g", "none", "0"}}));
  list = kp_group({"list", bootstrap()});
  ASSERT_TRUE(list.ok()) << list.describe();
  EXPECT_TRUE(tagged(list.out, "group").empty()) << list.out;
  const auto offsets = kp_group({"offsets", bootstrap(), "admin-g"});
  ASSERT_TRUE(offsets.ok()) << offsets.describe();
  EXPECT_TRUE(tagged(offsets.out, "offset").empty()) << "offsets deleted with the group: " << offsets.out;
  del = kp_group({"delete", bootstrap(), "admin-g"});
  ASSERT_TRUE(del.ok()) << del.describe();
  EXPECT_EQ(tagged(del.out, "deleted")[0][2], "69") << "GROUP_ID_NOT_FOUND: " << del.out;
}

class kafkajs_commit_test : public group_clients_test, public ::testing::WithParamInterface<bool> {};

TEST_P(kafkajs_commit_test, ResumeExactlyAtCommittedOffset) {
  if (!kafkajs_available()) GTEST_SKIP() << "kafkajs is not installed in tests/interop/js/node_modules";
  const bool autocommit = GetParam();
  const std::string topic = autocommit ? "jsg-auto" : "jsg-manual";
  create_topic(topic, 1);
  produce(topic, 0, 12, 1);
  int64_t expect_next = 0;
  for (int run = 0; run < 3; ++run) {
    std::vector<std::string> args = {bootstrap(), topic, "js-" + topic, "4"};
    if (autocommit) args.push_back("--auto");
    const auto r = kafkajs(args);
    ASSERT_TRUE(r.ok()) << r.describe();
    const auto recs = parse_records(r.out);
    ASSERT_EQ(recs.size(), 4u) << "run " << run << ": " << r.describe();
    if (!autocommit || run == 0) {
      EXPECT_EQ(offsets_of(recs), (std::vector<int64_t>{expect_next, expect_next + 1, expect_next + 2, expect_next + 3}))
          << "run " << run;
    } else {
      // Auto-commit commits what kafkajs resolved, which may run ahead of what this
      // script printed when it stopped; it never goes back.
      EXPECT_GE(recs.front().offset, expect_next) << "run " << run;
    }
    expect_next = recs.back().offset + 1;
  }
  // A second group gets everything from the beginning.
  const auto other = kafkajs({bootstrap(), topic, "js-other-" + topic, "12"});
  ASSERT_TRUE(other.ok()) << other.describe();
  EXPECT_EQ(parse_records(other.out).size(), 12u) << other.out;
}

INSTANTIATE_TEST_SUITE_P(commit, kafkajs_commit_test, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? std::string("auto") : std::string("manual"); });

}  // namespace
}  // namespace ringtail::interop
