// The metadata file (ringtail.metadata) is the list of topics; the records live in the
// partition directories. Losing or damaging the file must never turn into lost or mixed
// data:
//  - missing file, partition directories present: the broker refuses to start as a new
//    cluster (a new topic of an old name used to adopt the old records), names what it
//    found, and `--recover-metadata` rebuilds the topics from the directories with every
//    record in place;
//  - a damaged file (one flipped byte) stops the start with a message naming the file.
#include "interop.h"
#include "raw_kafka.h"
#include "support/ports.h"

namespace ringtail::interop {
namespace {

class metadata_file_test : public broker_test {
 protected:
  std::filesystem::path metadata_path() const { return broker_.data_dir() / "ringtail.metadata"; }

  // Produces `n` one-batch requests of 2 records to partitions 0 and 1 of `topic`.
  void produce(const std::string& topic, int n) {
    raw_connection c(broker_.port());
    ASSERT_TRUE(c.connected());
    for (int i = 0; i < n; ++i) {
      for (int32_t p = 0; p < 2; ++p) {
        auto r = produce_raw(c, 100 + 2 * i + p, topic, p, build_batch(2));
        ASSERT_TRUE(r.has_value());
        ASSERT_EQ(r->error, 0);
      }
    }
  }

  command_result start_broker_once(const std::vector<std::string>& extra_args) {
    std::vector<std::string> args = {"broker"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    for (const std::string& o : {"listeners=PLAINTEXT://127.0.0.1:" + std::to_string(ringtail::testing::unused_port()),
                                 "log.dirs=" + broker_.data_dir().string(), std::string("num.shards=2")}) {
      args.push_back("--override");
      args.push_back(o);
    }
    return run_program(ringtail::testing::broker_binary(), args, 20s);
  }
};

TEST_F(metadata_file_test, MissingFileWithPartitionDirectoriesRefusesToStartAndRecovers) {
  const std::string topic = "kept";
  create_topic(topic, 2);
  produce(topic, 3);
  ASSERT_EQ(broker_.stop(), 0);
  std::filesystem::remove(metadata_path());

  const auto refused = start_broker_once({});
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_NE(refused.err.find("refusing to start as a new cluster"), std::string::npos) << refused.describe();
  EXPECT_NE(refused.err.find("kept-0"), std::string::npos) << refused.describe();
  EXPECT_NE(refused.err.find("--recover-metadata"), std::string::npos) << refused.describe();
  EXPECT_FALSE(std::filesystem::exists(metadata_path())) << "a refused start must not write a fresh file";

  // --recover-metadata (once); then the broker starts normally on the rebuilt file.
  ringtail::testing::child_process recovering(
      {ringtail::testing::broker_binary(), "broker", "--recover-metadata", "--override",
       "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(ringtail::testing::unused_port()), "--override",
       "log.dirs=" + broker_.data_dir().string()});
  ASSERT_TRUE(recovering.wait_for_output(
      [](const std::string&, const std::string& err) { return err.find("listening on") != std::string::npos; }, 20s));
  ::kill(recovering.pid(), SIGTERM);
  const auto rec = recovering.wait(20s);
  EXPECT_EQ(rec.exit_code, 0) << rec.describe();
  EXPECT_NE(rec.err.find("topic kept rebuilt from its directories with 2 partitions"), std::string::npos)
      << rec.describe();

  ASSERT_EQ(broker_.restart(), "");
  for (int p = 0; p < 2; ++p) {
    const auto w = ck({"offsets", bootstrap(), topic, std::to_string(p)});
    ASSERT_TRUE(w.ok()) << w.describe();
    const auto marks = tagged(w.out, "watermark");
    ASSERT_EQ(marks.size(), 1u) << w.describe();
    EXPECT_EQ(marks[0][2], "6") << "partition " << p << ": every record is back";
  }
}

TEST_F(metadata_file_test, DamagedFileStopsTheStart) {
  create_topic("orders", 2);
  ASSERT_EQ(broker_.stop(), 0);
  std::string text = ringtail::testing::read_file(metadata_path());
  const size_t at = text.find("partition orders 1 ");
  ASSERT_NE(at, std::string::npos) << text;
  text[at + 17] = '0';  // "partition orders 0 ...": looks plausible, is damage
  ringtail::testing::write_file(metadata_path(), text);
  const auto r = start_broker_once({});
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_NE(r.err.find("ringtail.metadata"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace ringtail::interop
