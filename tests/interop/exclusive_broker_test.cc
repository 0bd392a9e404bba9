// One broker per data directory and per listener address (issue: two brokers on one
// port or one log.dirs interleaved their appends and lost acknowledged records):
//  - a second broker on the same log.dirs stops at start, naming the directory and the
//    holder's pid (Kafka's `.lock`, an flock held for the broker's lifetime);
//  - a second broker on the same listener address stops at start, although the first
//    one's shards share that port through SO_REUSEPORT;
//  - the first broker keeps serving, and a broker can use the directory again once the
//    first one stopped.
#include "interop.h"
#include "support/ports.h"

namespace ringtail::interop {
namespace {

class exclusive_broker_test : public broker_test {
 protected:
  command_result second_broker(const std::string& listener_port, const std::string& data_dir) {
    return run_program(ringtail::testing::broker_binary(),
                       {"broker", "--override", "listeners=PLAINTEXT://127.0.0.1:" + listener_port, "--override",
                        "log.dirs=" + data_dir, "--override", "num.shards=2"},
                       20s);
  }
};

TEST_F(exclusive_broker_test, SecondBrokerOnTheSameLogDirsStops) {
  const auto r = second_broker(std::to_string(ringtail::testing::unused_port()), broker_.data_dir().string());
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_FALSE(r.timed_out) << r.describe();
  EXPECT_NE(r.err.find("in use by another broker"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find(broker_.data_dir().string()), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("pid "), std::string::npos) << r.describe();
  expect_broker_serves();
}

TEST_F(exclusive_broker_test, SecondBrokerOnTheSameListenerStops) {
  ringtail::testing::temp_dir other("ringtail-second");
  const auto r = second_broker(std::to_string(broker_.port()), (other.path() / "data").string());
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_FALSE(r.timed_out) << r.describe();
  EXPECT_NE((r.out + r.err).find("cannot listen on 127.0.0.1:" + std::to_string(broker_.port())), std::string::npos)
      << r.describe();
  expect_broker_serves();
}

TEST_F(exclusive_broker_test, TheDirectoryIsFreeAgainAfterAStop) {
  ASSERT_EQ(broker_.stop(), 0);
  ASSERT_EQ(broker_.restart(), "") << "the lock of a stopped broker is gone";
  expect_broker_serves();
}

}  // namespace
}  // namespace ringtail::interop
