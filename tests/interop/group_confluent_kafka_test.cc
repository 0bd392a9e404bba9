// Consumer groups with confluent-kafka-python (librdkafka 2.0.2) against the real broker:
// three consumers share a 6-partition topic (each partition owned by exactly one), one is
// killed without closing and the others take its partitions after the session timeout,
// and every record produced throughout is consumed (commit after processing), with the
// eager `range` and the incremental `cooperative-sticky` assignors; auto.offset.reset
// latest / none; committed offsets across broker restarts (SIGTERM and kill -9).
#include <set>

#include "interop.h"

namespace ringtail::interop {
namespace {

using ringtail::testing::child_process;
using ringtail::testing::temp_dir;

class group_broker_test : public broker_test {
 protected:
  // Fast first rebalance; librdkafka's smallest useful session timeout.
  std::vector<std::string> extra_overrides() const override { return {"group.initial.rebalance.delay.ms=0"}; }
};

std::unique_ptr<child_process> start_consumer(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {python3, script("py/group_ck.py"), "consume"};
  argv.insert(argv.end(), args.begin(), args.end());
  command_options o;
  o.env["PYTHONDONTWRITEBYTECODE"] = "1";
  o.env["PYTHONUNBUFFERED"] = "1";
  return std::make_unique<child_process>(argv, o);
}

// The partitions a consumer reported owning last ("owned P,P,..."); nullopt if none yet.
std::optional<std::set<int>> last_owned(const std::string& out) {
  auto lines = tagged(out, "owned");
  if (lines.empty()) return std::nullopt;
  std::set<int> s;
  const std::string& list = lines.back().size() > 0 ? lines.back()[0] : std::string();
  for (const auto& p : split(list, ','))
    if (!p.empty()) s.insert(std::stoi(p));
  return s;
}

// True when the consumers' latest assignments are disjoint and cover 0..n-1.
bool partitions_exactly_once(const std::vector<child_process*>& consumers, int n, std::string* why) {
  std::multiset<int> all;
  std::ostringstream s;
  for (auto* c : consumers) {
    auto owned = last_owned(c->current_out());
    if (!owned) {
      s << "[none]";
      *why = s.str();
      return false;
    }
    s << "[";
    for (int p : *owned) {
      all.insert(p);
      s << p << " ";
    }
    s << "]";
  }
  *why = s.str();
  if (static_cast<int>(all.size()) != n) return false;
  for (int p = 0; p < n; ++p)
    if (all.count(p) != 1) return false;
  return true;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

std::string produce_input(int from, int count, int partitions) {
  std::string in;
  for (int i = from; i < from + count; ++i)
    in += std::to_string(i % partitions) + "\tk" + std::to_string(i) + "\tv" + std::to_string(i) + "\t\n";
  return in;
}

std::set<std::string> values_of(const std::string& out) {
  std::set<std::string> v;
  for (const auto& r : parse_records(out)) v.insert(r.value);
  return v;
}

class group_assignor_test : public group_broker_test, public ::testing::WithParamInterface<std::string> {};

TEST_P(group_assignor_test, ThreeConsumersSharePartitionsAndTakeOverAfterKill) {
  const std::string assignor = GetParam();
  const std::string topic = "grp-share";
  constexpr int partitions = 6;
  create_topic(topic, partitions);
  temp_dir scratch("ringtail-grp");
  const std::string stop_file = (scratch.path() / "stop").string();
  const std::vector<std::string> args = {bootstrap(), topic, "share-" + assignor, "--assignor", assignor,
                                         "--session-ms", "6000", "--until-file", stop_file, "--limit-s", "110"};
  auto c1 = start_consumer(args);
  auto c2 = start_consumer(args);
  auto c3 = start_consumer(args);
  std::vector<child_process*> all = {c1.get(), c2.get(), c3.get()};
  std::string why;
  ASSERT_TRUE(eventually([&] { return partitions_exactly_once(all, partitions, &why); }, 60s))
      << "three consumers never split the partitions: " << why << "\n" << c1->current_err() << c3->current_err();
  for (auto* c : all) EXPECT_FALSE(last_owned(c->current_out())->empty()) << "each of 3 members gets 2 of 6";

  auto p1 = ck({"produce", bootstrap(), topic}, produce_input(0, 60, partitions));
  ASSERT_TRUE(p1.ok()) << p1.describe();
  // Give the members a moment to consume, then kill one without close().
  std::this_thread::sleep_for(1s);
  ::kill(-c3->pid(), SIGKILL);
  ::kill(c3->pid(), SIGKILL);
  const auto killed = c3->wait(5s);
  auto p2 = ck({"produce", bootstrap(), topic}, produce_input(60, 60, partitions));
  ASSERT_TRUE(p2.ok()) << p2.describe();

  std::vector<child_process*> survivors = {c1.get(), c2.get()};
  ASSERT_TRUE(eventually([&] { return partitions_exactly_once(survivors, partitions, &why); }, 40s))
      << "the survivors never took over the killed member's partitions: " << why;
  auto p3 = ck({"produce", bootstrap(), topic}, produce_input(120, 60, partitions));
  ASSERT_TRUE(p3.ok()) << p3.describe();
  ASSERT_EQ(parse_acks(p1.out).size() + parse_acks(p2.out).size() + parse_acks(p3.out).size(), 180u);

  // Commit after processing: nothing is lost (records the killed member processed but
  // had not committed may come again: at-least-once).
  std::set<std::string> expected;
  for (int i = 0; i < 180; ++i) expected.insert("v" + std::to_string(i));
  auto consumed = [&] {
    std::set<std::string> got = values_of(killed.out);
    for (auto* c : survivors) {
      auto v = values_of(c->current_out());
      got.insert(v.begin(), v.end());
    }
    return got;
  };
  EXPECT_TRUE(eventually([&] { return consumed() == expected; }, 30s))
      << "consumed " << consumed().size() << " of 180 distinct records";
  ringtail::testing::write_file(stop_file, "");
  for (auto* c : survivors) {
    const auto r = c->wait(30s);
    EXPECT_TRUE(r.ok()) << r.describe();
    EXPECT_TRUE(tagged(r.out, "commit-error").empty()) << r.out;
  }
  // After the clean close, every partition's committed offset is its end.
  const auto offsets = run_python({script("py/group_kp.py"), "offsets", bootstrap(), "share-" + assignor});
  ASSERT_TRUE(offsets.ok()) << offsets.describe();
  const auto lines = tagged(offsets.out, "offset");
  ASSERT_EQ(lines.size(), 6u) << offsets.out;
  for (const auto& l : lines) EXPECT_EQ(l[2], "30") << "partition " << l[1];
}

INSTANTIATE_TEST_SUITE_P(assignors, group_assignor_test, ::testing::Values("range", "cooperative-sticky"),
                         [](const auto& info) { return info.param == "range" ? std::string("range") : std::string("cooperative_sticky"); });

TEST_F(group_broker_test, AutoOffsetResetNoneAndLatest) {
  const std::string topic = "grp-reset";
  create_topic(topic, 1);
  ASSERT_TRUE(ck({"produce", bootstrap(), topic}, produce_input(0, 5, 1)).ok());

  // none: no committed offset is an error for the application.
  const auto none = run_python({script("py/group_ck.py"), "consume", bootstrap(), topic, "reset-none", "--reset",
                                "none", "--idle-s", "5"});
  ASSERT_TRUE(none.ok()) << none.describe();
  EXPECT_EQ(tagged(none.out, "error").size(), 1u) << none.out;
  EXPECT_TRUE(parse_records(none.out).empty()) << none.out;

  // latest: only what is produced after the consumer joined.
  temp_dir scratch("ringtail-grp");
  auto c = start_consumer({bootstrap(), topic, "reset-latest", "--reset", "latest", "--max", "3", "--limit-s", "40"});
  ASSERT_TRUE(c->wait_for_output([](const std::string& out, const std::string&) { return out.find("ready") != std::string::npos; }, 30s))
      << c->current_out() << c->current_err();
  std::this_thread::sleep_for(1s);  // the fetcher has resolved "latest"
  ASSERT_TRUE(ck({"produce", bootstrap(), topic}, produce_input(5, 3, 1)).ok());
  const auto r = c->wait(40s);
  ASSERT_TRUE(r.ok()) << r.describe();
  const auto recs = parse_records(r.out);
  ASSERT_EQ(recs.size(), 3u) << r.out;
  EXPECT_EQ(recs.front().offset, 5);
  EXPECT_EQ(recs.front().value, "v5");
}

// Commit, stop the broker (SIGTERM, then kill -9), restart, resume exactly where the group
// committed; the group and its offsets are rebuilt from __consumer_offsets.
TEST_F(group_broker_test, CommittedOffsetsSurviveBrokerRestarts) {
  const std::string topic = "grp-restart";
  create_topic(topic, 1);
  ASSERT_TRUE(ck({"produce", bootstrap(), topic}, produce_input(0, 12, 1)).ok());
  auto consume = [&](const std::string& max) {
    return run_python({script("py/group_ck.py"), "consume", bootstrap(), topic, "survivor", "--max", max});
  };
  auto r1 = consume("4");
  ASSERT_TRUE(r1.ok()) << r1.describe();
  ASSERT_EQ(parse_records(r1.out).size(), 4u) << r1.out;

  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(broker_.restart(), "");
  auto r2 = consume("4");
  ASSERT_TRUE(r2.ok()) << r2.describe();
  auto recs2 = parse_records(r2.out);
  ASSERT_EQ(recs2.size(), 4u) << r2.out;
  EXPECT_EQ(recs2.front().offset, 4) << "resumed at the offset committed before the clean restart";

  broker_.kill9();
  ASSERT_EQ(broker_.restart(), "");
  auto r3 = consume("4");
  ASSERT_TRUE(r3.ok()) << r3.describe();
  auto recs3 = parse_records(r3.out);
  ASSERT_EQ(recs3.size(), 4u) << r3.out;
  EXPECT_EQ(recs3.front().offset, 8) << "resumed at the offset committed before kill -9";

  const auto list = run_python({script("py/group_ck.py"), "list", bootstrap()});
  ASSERT_TRUE(list.ok()) << list.describe();
  bool found = false;
  for (const auto& g : tagged(list.out, "group")) found = found || g[0] == "survivor";
  EXPECT_TRUE(found) << list.out;
}

}  // namespace
}  // namespace ringtail::interop
